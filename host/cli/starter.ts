// The starter services.yaml that `myco init` writes: the four service templates of
// examples/templates (web server, database, cache, monitoring), wired together and commented.
export const STARTER = `# services.yaml: what myco supervises. Written by \`myco init\`; check it with
# \`myco check services.yaml\`, run it with \`myco run services.yaml\` (or \`myco up -d\`).
# Each service inherits a template from examples/templates/ (http-server, database, cache,
# monitoring) and overrides what it needs. Every duration takes a unit (500ms, 10s, 5m).
version: 1
serial: 1
services:
  # The database: one instance, restarted always with a long backoff; its failure raises an alert.
  db:
    template: database
    instances: { count: 1, addresses: ["127.0.0.1:5432"] }
    # A secret is never written here: pass it as MYCO_DB_PASSWORD or --set db.password=...
    run: { allow-root: true, command: postgres, args: ["-D", "./data"], ready: listening }

  # The cache in front of it: disposable, restarted quickly.
  cache:
    template: cache
    requires: [db]            # starts after db is up; restarts with it
    instances: { count: 1, addresses: ["127.0.0.1:6379"] }
    run: { allow-root: true, command: redis-server, args: ["--port", "6379"], ready: listening }

  # The web server: two instances behind myco's balancing gateway on port 8080.
  web:
    template: http-server
    requires: [cache]
    instances: { count: 2, addresses: ["127.0.0.1:8081", "127.0.0.1:8082"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 5s, timeout: 1s, retries: 3 }
    config:
      log-level: { value: info }   # hot: \`myco reload\` changes it without a restart
    run:
      allow-root: true
      command: node
      args: [server.js]           # gets PORT, HOST and CACHE_ADDR in its environment
      ready: listening
      gateway: { port: 8080 }

  # Monitoring: wants the web server (does not stop it when it fails itself).
  monitoring:
    template: monitoring
    wants: [web]
    run: { allow-root: true, command: node-exporter }
`;
