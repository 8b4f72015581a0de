// `myco run services.yaml`: supervise the manifest's services as real processes, with a live
// status table, until --duration passes or Ctrl-C; then a graceful shutdown in reverse
// dependency order (a second Ctrl-C kills everything at once).
import type { Command } from "commander";
import { loadHostManifest, type HostManifest } from "../../supervisor/host-manifest.ts";
import { Supervisor, describeError, type SupervisorMessage, type SupervisorOptions } from "../../supervisor/supervisor.ts";
import { parseCapacity } from "../../resources/capacity.ts";
import type { EnforcementMode } from "../../resources/enforcer.ts";
import { serviceStatus, formatStatus } from "../../supervisor/status.ts";
import { ControlServer } from "../../supervisor/control.ts";
import { defaultSocketPath } from "../../supervisor/runtime-dir.ts";
import type { MetricsServer } from "../../metrics/server.ts";
import type { DashboardServer } from "../../dashboard/server.ts";
import type { LocalSource } from "../../dashboard/source.ts";
import { detach } from "./detach.ts";
import { formatDiagnostic, type Diagnostic } from "../../manifest/diagnostics.ts";
import { parseDuration } from "../../manifest/values.ts";
import type { Profile } from "../../kernel/module.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

interface RunFlags extends ManifestFlags {
  duration?: string;
  metrics?: string;
  dashboard?: string;
  detach?: boolean;
  logFile?: string;
  socket?: string;
  profile: string;
  statusEvery: string;
  live?: boolean;
  kill: string[];
  echo: string[];
  secrets?: string;
  audit?: string;
  capacity?: string;
  limits?: string;
  sampleEvery?: string;
}

export function runCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("run").argument("<manifest>", "services.yaml").description("supervise the services for real, with a live status table")
    .option("--duration <time>", "shut down by itself after this long (30s, 2m)")
    .option("--metrics <[host:]port>", "serve Prometheus metrics at http://host:port/metrics (loopback by default)")
    .option("--dashboard <[host:]port>", "serve the live web dashboard at http://host:port/ (loopback by default; the URL printed carries its token)")
    .option("--socket <path>", "control socket for status/logs/restart (default: $XDG_RUNTIME_DIR/myco/control.sock or /tmp/myco-UID/)")
    .option("-d, --detach", "run in the background and return once every service runs (as `myco up -d`); `myco down` stops it")
    .option("--log-file <file>", "with --detach: where the background run writes its output (default: myco-run.log beside the socket)")
    .option("--secrets <file>", "the encrypted secret store of run.env { secret: NAME } (default: secrets.json beside the manifest; key: MYCO_SECRET_KEY or <file>.key)")
    .option("--audit <file>", "append the hash-chained audit trail here (default: control.audit beside the socket)")
    .option("--profile <name>", "kernel build profile", "release")
    .option("--capacity <list>", "this node's capacity for admission, overriding what is detected (cpu=2,memory=4GiB,fds=4096)")
    .option("--limits <mode>", "who enforces memory/cpu/pids limits: auto (cgroups where writable, else sampling), cgroups, sampling", "auto")
    .option("--sample-every <time>", "how often the usage of limited services is sampled from /proc", "1s")
    .option("--status-every <time>", "when the output is not a terminal, print the status table this often if something changed since the last one", "5s")
    .option("--no-live", "never redraw the table in place, even on a terminal")
    .option("--kill <service#n@time>", "fault injection: SIGKILL instance n of the service at this time (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--echo <service>", "print this service's output as it comes (repeatable)", (v: string, all: string[]) => [...all, v], [] as string[])
    .addHelpText("after", "\nCtrl-C stops every service in reverse dependency order; a second Ctrl-C kills them at once.\nSIGHUP (or `myco reload`) reads the manifest again and applies it; hot config keys change in place."))
    .action(async (file: string, flags: RunFlags) => exit(await run(file, flags, io)));
}

async function run(file: string, flags: RunFlags, io: Output): Promise<number> {
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  const statusEveryMs = parseDuration(flags.statusEvery);
  const kills = flags.kill.map(parseKill);
  const usage = [
    flags.duration !== undefined && !durationMs ? `--duration '${flags.duration}' is not a duration such as 30s` : "",
    !statusEveryMs ? `--status-every '${flags.statusEvery}' is not a duration such as 5s` : "",
    ...resourceUsage(flags),
    ...kills.filter((k): k is string => typeof k === "string"),
  ].filter(Boolean);
  if (usage.length) { usage.forEach((u) => io.err(`myco run: ${u}`)); return EXIT.usage; }
  if (flags.detach) {
    return detach(file, { socket: flags.socket ?? defaultSocketPath(), runArgs: foregroundArgs(flags), logFile: flags.logFile, waitMs: 60_000, json: false }, io);
  }

  const { hostManifest, diagnostics } = loadHostManifest(file, parseOptions(flags));
  const problems = hostManifest ? commandsMissing(hostManifest) : diagnostics;
  if (!hostManifest || problems.length) {
    for (const d of problems) io.err(formatDiagnostic(d));
    io.err(`${problems.length} problem${problems.length === 1 ? "" : "s"} in ${file}`);
    return EXIT.invalid;
  }

  let supervisor: Supervisor;
  try {
    supervisor = new Supervisor(hostManifest, { profile: flags.profile as Profile, parse: parseOptions(flags), secrets: flags.secrets ? { store: flags.secrets } : undefined, resources: resourceOptions(flags) });
  } catch (error) {
    io.err(`myco run: the kernel did not start: ${describeError(error)}`);
    return EXIT.failed;
  }
  const socketPath = flags.socket ?? defaultSocketPath();
  const control = new ControlServer(supervisor, socketPath, { auditFile: flags.audit });
  try {
    await control.listen();
  } catch (error) {
    io.err(`myco run: ${describeError(error)}; pass --socket PATH to run another one`);
    return EXIT.failed;
  }
  const view = new View(supervisor, io, flags.live !== false && process.stdout.isTTY === true, statusEveryMs!);
  supervisor.onMessage((m) => { view.changed(); view.message(m); });
  supervisor.onRequest(() => view.changed()); // picks move without a message
  const echoed = new Set(flags.echo);
  supervisor.executor.onLine((service, ordinal, line) => {
    if (echoed.has(service) && line.stream !== "myco") view.message({ timeMs: line.timeMs, level: "info", service, text: `${service}#${ordinal} | ${line.text}` });
  });
  let metricsServer: MetricsServer | undefined;
  let dashboard: { server: DashboardServer; source: LocalSource } | undefined;
  try {
    if (flags.metrics !== undefined) { // (prom-client and the dashboard are loaded only when asked for)
      const [{ SupervisorMetrics }, { serveMetrics }] = await Promise.all([import("../../metrics/metrics.ts"), import("../../metrics/server.ts")]);
      const metrics = new SupervisorMetrics(supervisor.kernel, supervisor.health, supervisor.balancer);
      metrics.attach(supervisor);
      const { host, port } = parseListen(flags.metrics);
      metricsServer = await serveMetrics(metrics, port, host);
      io.out(`metrics: http://${metricsServer.address}/metrics`);
    }
    if (flags.dashboard !== undefined) {
      const [{ serveDashboard, parseListen: parseDashboardListen }, { LocalSource }] = await Promise.all([import("../../dashboard/server.ts"), import("../../dashboard/source.ts")]);
      const source = new LocalSource(supervisor);
      const listen = parseDashboardListen(flags.dashboard, "--dashboard");
      const server = await serveDashboard({ ...listen, source, onError: (e) => supervisor.note("warn", `dashboard: ${describeError(e)}`) })
        .catch((error) => { source.close(); throw error; });
      dashboard = { server, source };
      io.out(`dashboard: ${server.url}`);
    }
    await supervisor.start();
  } catch (error) {
    io.err(`myco run: ${describeError(error)}`);
    await supervisor.shutdown();
    await control.close();
    await metricsServer?.close();
    await closeDashboard(dashboard);
    return EXIT.failed;
  }
  io.out(`myco run: ${hostManifest.file}: ${hostManifest.manifest.services.length} services; control socket ${socketPath}${durationMs ? `; ending after ${flags.duration}` : "; Ctrl-C to stop"}`);
  view.start();

  const timers: NodeJS.Timeout[] = [];
  for (const kill of kills) if (typeof kill !== "string") timers.push(setTimeout(() => inject(supervisor, kill), kill.atMs));
  // First signal (or the duration): graceful shutdown. Second signal: kill everything now.
  let interrupted = false;
  let stopRequested!: () => void;
  let killRequested!: () => void;
  const stopped = new Promise<void>((resolve) => (stopRequested = resolve));
  const killed = new Promise<void>((resolve) => (killRequested = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    if (!supervisor.stopping) {
      io.err(`myco run: ${signal}: graceful shutdown (again to kill at once)`);
      return stopRequested();
    }
    interrupted = true;
    io.err(`myco run: ${signal} again: killing everything now`);
    supervisor.executor.killAll();
    killRequested();
  };
  // SIGHUP: read the manifest file again and apply it (as `myco reload`; systemd's reload).
  const onReload = () => {
    try {
      io.err(`myco run: SIGHUP: manifest reloaded, revision ${supervisor.reload()}`);
    } catch (error) {
      io.err(`myco run: SIGHUP: ${describeError(error)}`);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onReload);
  if (durationMs) timers.push(setTimeout(stopRequested, durationMs));
  await stopped;
  timers.forEach(clearTimeout);
  await Promise.race([supervisor.shutdown(), killed]);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  process.off("SIGHUP", onReload);
  view.stop();
  await control.close();
  await metricsServer?.close();
  await closeDashboard(dashboard);
  io.out(formatStatus(serviceStatus(supervisor)));
  const gateways = [...supervisor.gateways].map(([name, g]) => `${name}: ${g.stats.requests} requests, ${g.stats.rejected} answered 503`);
  io.out(`myco run: stopped after ${((Date.now() - supervisor.startedAt) / 1000).toFixed(1)} s; ${supervisor.pids().length} processes left${gateways.length ? `; gateway ${gateways.join("; ")}` : ""}`);
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

function resourceUsage(flags: RunFlags): string[] {
  const problems: string[] = [];
  if (!["auto", "cgroups", "sampling"].includes(flags.limits ?? "auto")) problems.push(`--limits '${flags.limits}' is not auto, cgroups or sampling`);
  if (flags.sampleEvery !== undefined && !parseDuration(flags.sampleEvery)) problems.push(`--sample-every '${flags.sampleEvery}' is not a duration such as 1s`);
  if (flags.capacity !== undefined) {
    try { parseCapacity(flags.capacity); } catch (error) { problems.push((error as Error).message); }
  }
  return problems;
}

function resourceOptions(flags: RunFlags): SupervisorOptions["resources"] {
  return {
    mode: (flags.limits ?? "auto") as EnforcementMode,
    sampleMs: flags.sampleEvery === undefined ? undefined : parseDuration(flags.sampleEvery),
    capacity: flags.capacity === undefined ? undefined : parseCapacity(flags.capacity),
  };
}

/** The flags again, for the background `myco run` that --detach starts. */
function foregroundArgs(flags: RunFlags): string[] {
  const pairs: [string, string | undefined][] = [
    ["--duration", flags.duration], ["--metrics", flags.metrics], ["--dashboard", flags.dashboard], ["--profile", flags.profile], ["--templates", flags.templates],
    ["--secrets", flags.secrets], ["--audit", flags.audit],
    ["--capacity", flags.capacity], ["--limits", flags.limits], ["--sample-every", flags.sampleEvery],
  ];
  return [
    ...pairs.flatMap(([name, value]) => (value === undefined ? [] : [name, value])),
    ...flags.kill.flatMap((k) => ["--kill", k]), ...flags.echo.flatMap((e) => ["--echo", e]), ...flags.set.flatMap((s) => ["--set", s]),
    ...(flags.env ? [] : ["--no-env"]),
  ];
}

async function closeDashboard(dashboard: { server: DashboardServer; source: LocalSource } | undefined): Promise<void> {
  if (!dashboard) return;
  await dashboard.server.close();
  dashboard.source.close();
}

/** Every service with instances needs something to run. */
function commandsMissing(hostManifest: HostManifest): Diagnostic[] {
  return hostManifest.manifest.services
    .filter((s) => s.instances > 0 && !hostManifest.run.get(s.name))
    .map((s) => ({ file: hostManifest.file, line: 1, col: 1, service: s.name, field: "run", message: `service '${s.name}' has no run: section (run: { command: ..., args: [...] }); myco run has nothing to spawn` }));
}

type Kill = { service: string; ordinal: number; atMs: number; text: string };

function parseKill(text: string): Kill | string {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)#(\d+)@(.+)$/.exec(text);
  const atMs = m ? parseDuration(m[3]) : undefined;
  if (!m || atMs === undefined) return `--kill '${text}' is not SERVICE#ORDINAL@TIME (web#1@6s)`;
  return { service: m[1], ordinal: Number(m[2]), atMs, text };
}

function inject(supervisor: Supervisor, kill: Kill): void {
  const pid = supervisor.executor.pidOf(kill.service, kill.ordinal);
  if (pid === undefined) {
    supervisor.note("warn", `fault injection: ${kill.service}#${kill.ordinal} has no process to kill now`, kill.service);
    return;
  }
  supervisor.note("warn", `fault injection: SIGKILL to ${kill.service}#${kill.ordinal} (pid ${pid})`, kill.service);
  try { process.kill(-pid, "SIGKILL"); } catch { /* gone already */ }
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new Error(`--metrics '${text}' is not [host:]port`);
  return { host: m[1] ?? "127.0.0.1", port: Number(m[2]) };
}

/**
 * What the operator sees: messages as they come, and the table (redrawn live on a terminal; in a
 * log, every `--status-every` when something changed since the last one: an idle host neither
 * rebuilds nor repeats an identical table).
 */
class View {
  private readonly recent: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dirty = true;

  constructor(private readonly supervisor: Supervisor, private readonly io: Output, private readonly live: boolean, private readonly everyMs: number) {}

  message(m: SupervisorMessage): void {
    const line = `${clock(m.timeMs)} ${m.level === "info" ? "" : `${m.level.toUpperCase()} `}${m.text}`;
    if (!this.live) return this.io.out(line);
    this.recent.push(line);
    if (this.recent.length > 12) this.recent.shift();
  }

  start(): void {
    this.timer = setInterval(() => this.draw(), this.live ? 500 : this.everyMs);
    if (this.live) this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.live) this.draw();
  }

  /** A message or a request came: the table may differ from the last one printed. */
  changed(): void { this.dirty = true; }

  private draw(): void {
    if (!this.live && !this.dirty) return;
    this.dirty = false;
    const table = formatStatus(serviceStatus(this.supervisor));
    if (!this.live) return this.io.out(`${table}\n`);
    const uptime = ((Date.now() - this.supervisor.startedAt) / 1000).toFixed(1);
    // Clear the screen and home the cursor, then the table and the newest messages.
    process.stdout.write(`\x1b[2J\x1b[H${this.supervisor.hostManifest.file} — up ${uptime} s\n\n${table}\n\n${this.recent.join("\n")}\n`);
  }
}

function clock(timeMs: number): string {
  return new Date(timeMs).toISOString().slice(11, 23);
}
