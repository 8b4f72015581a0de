// One or more examples per command, shown at the end of `myco COMMAND --help` (a test checks
// that every command has them).
export const EXAMPLES: Record<string, string[]> = {
  init: ["myco init              # services.yaml here: web server, database, cache, monitoring", "myco init deploy/edge --force"],
  check: ["myco check services.yaml", "myco check services.yaml --set db.password=s3cret   # a required secret from the command line"],
  compile: ["myco compile services.yaml -o services.blob   # the blob a firmware host loads"],
  run: ["myco run services.yaml", "myco run services.yaml --dashboard 7070 --metrics 9464", "myco run services.yaml --duration 30s --kill 'web#1@8s'   # fault injection"],
  up: ["myco up -d services.yaml                  # returns once every service runs", "myco up -d services.yaml --dashboard 7070 && myco status"],
  down: ["myco down                # graceful stop of the background run, nothing left behind"],
  order: ["myco order services.yaml", "myco order services.yaml --json"],
  graph: ["myco graph services.yaml --format dot | dot -Tsvg > graph.svg", "myco graph services.yaml --format mermaid"],
  status: ["myco status", "myco status web          # one service, like systemctl status", "myco status --json"],
  logs: ["myco logs -f             # every service, prefixed and coloured", "myco logs web --since 10m", "myco logs --json -n 20"],
  restart: ["myco restart web"],
  start: ["myco start web"],
  stop: ["myco stop web            # what requires web stops first"],
  reload: ["myco reload             # or: kill -HUP <pid of myco run>"],
  rollout: ["myco rollout status web", "myco rollout history web", "myco rollout undo web 3   # back to revision 3", "myco rollout pause web"],
  alerts: ["myco alerts", "myco alerts --json"],
  silence: ["myco silence web --for 2h --reason 'planned migration'", "myco silence --for 30m          # every service", "myco silence --remove 0"],
  dashboard: ["myco dashboard --listen 7070   # attach to the running myco run; open the URL printed"],
  sim: ["myco sim services.yaml --seed 7 --steps 500", "myco sim services.yaml --seed 7 --dashboard 7071   # watch the run event by event"],
  completion: ["eval \"$(myco completion bash)\"", "myco completion zsh > \"${fpath[1]}/_myco\""],
};
