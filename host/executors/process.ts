// The process executor: answers the kernel's actions with real child processes.
//
//   spawn  -> the command in its own process group (setsid), stdout/stderr into a bounded log
//             ring, "started" reported when it is ready (at once, after a delay, or listening)
//   stop   -> SIGTERM to the whole group (the kernel's stop timeout then asks for a kill)
//   kill   -> SIGKILL to the whole group
//   reload -> a signal (SIGHUP) to the main process of every started instance of a service
//             (systemd's `ExecReload=/bin/kill -HUP $MAINPID`: the group's helpers are spared)
//   exit   -> "exited" reported with the code, or the signal negated
//
// No orphans: every child starts through a tiny `sh` guard that puts a watcher into the child's
// process group. The watcher blocks reading fd 3, a socket whose other end only this host holds.
// When the host goes away, however it dies (SIGKILL included), the kernel closes that end, the
// read returns, and the watcher SIGKILLs the group. When the child exits normally the host closes
// its end itself, so whatever the child left behind in its group dies too (systemd's
// KillMode=control-group). The guard costs one idle `sh` per instance.
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import type { Action } from "../kernel/abi.ts";
import { LogRing, type LogRingOptions, type LogLine } from "./log-ring.ts";
import { resolveCommand, checkDirectory, exitStatus, describeStatus } from "./command.ts";
import { runTcpCheck } from "../checks/tcp.ts";
import { confine, type Confinement } from "./confine.ts";

/** How to run one service's instances. */
export interface ProcessSpec {
  command: string;
  args?: string[];
  /** Working directory (default: the host's). */
  cwd?: string;
  /** Extra environment; the host's environment is inherited unless inheritEnv is false. */
  env?: Record<string, string>;
  inheritEnv?: boolean;
  /** User, group, capabilities and namespaces of the spawn (confine.ts); none: the host's own. */
  confinement?: Confinement;
  /**
   * When the instance counts as started (an exit before is a failed start): at once (default),
   * `{ afterMs }` after the spawn, or once it accepts TCP connections on `{ host, port }`.
   */
  ready?: Readiness;
}

export type Readiness = { afterMs: number } | { host: string; port: number };

/** Time between two connection attempts while waiting for an instance to listen. */
const READY_POLL_MS = 50;

export type MessageLevel = "info" | "warn" | "error";

export interface ExecutorMessage {
  level: MessageLevel;
  service: string;
  ordinal: number;
  text: string;
}

/** Where the executor reports what happened to an instance (the kernel, through the supervisor). */
export interface InstanceReports {
  started(handle: number): void;
  /** status >= 0: exit code; < 0: the signal, negated. */
  exited(handle: number, status: number): void;
}

export interface ProcessExecutorOptions {
  /** The spec of a service, by name (undefined: the service has no command). */
  spec(service: string, ordinal: number): ProcessSpec | undefined;
  /** Variables added for one spawn (dependency addresses, the instance's own identity). */
  environment?(action: Action): Record<string, string>;
  /**
   * Commands the spawn execs through before its own, each ending in one that execs the rest
   * (resource limits: joining cgroups, prlimit; host/resources/enforcer.ts). Throwing fails the spawn.
   */
  prefix?(service: string, ordinal: number): string[];
  reports: InstanceReports;
  log?: LogRingOptions;
  /** An exit this soon after the spawn is reported as "exited at once". Default 1000 ms. */
  atOnceMs?: number;
}

/** The guard: a watcher in the child's group that kills the group when fd 3 closes, then exec. */
const GUARD = [
  "(trap '' TERM INT HUP; read x <&3; kill -KILL 0) </dev/null >/dev/null 2>&1 &",
  "exec 3<&-",
  'exec "$@"',
].join("\n");

/** How long an exit waits for the child's pipes to drain before it is reported anyway. */
const CLOSE_WAIT_MS = 250;

interface Running {
  handle: number;
  service: string;
  ordinal: number;
  child: ChildProcess;
  pid?: number;
  spawnedAt: number;
  started: boolean;
  stopping: boolean;
  killed: boolean;
  readyTimer?: NodeJS.Timeout;
  exited: Promise<number>;
}

export class ProcessExecutor {
  private readonly running = new Map<number, Running>();
  private readonly logs = new Map<string, LogRing>();
  private readonly listeners: ((message: ExecutorMessage) => void)[] = [];
  private readonly lineListeners: ((service: string, ordinal: number, line: LogLine) => void)[] = [];
  spawned = 0;

  constructor(private readonly options: ProcessExecutorOptions) {}

  onMessage(listener: (message: ExecutorMessage) => void): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i >= 0) this.listeners.splice(i, 1); };
  }

  handle(action: Action): void {
    switch (action.kind) {
      case "spawn": return this.spawn(action);
      case "stop": return this.signal(action.instance, "SIGTERM");
      case "kill": return this.signal(action.instance, "SIGKILL");
      default: return; // run-check and the rest belong to other parts of the host
    }
  }

  /**
   * Sends `signal` to the main process of every instance of `service` that has started and is
   * not being stopped (one still starting reads its configuration as it comes up); their pids.
   */
  signalService(service: string, signal: NodeJS.Signals): number[] {
    const pids: number[] = [];
    for (const r of this.running.values()) {
      if (r.service !== service || !r.started || r.stopping || r.killed || r.pid === undefined) continue;
      try {
        process.kill(r.pid, signal);
        pids.push(r.pid);
        this.log(service, r.ordinal).note(`${signal} sent (pid ${r.pid})`);
      } catch {
        // ESRCH: it exited a moment ago; its exit is on its way to the kernel.
      }
    }
    return pids;
  }

  /** The log ring of instance `ordinal` of `service` (kept across its restarts). */
  log(service: string, ordinal: number): LogRing {
    const key = `${service}#${ordinal}`;
    let ring = this.logs.get(key);
    if (!ring) {
      this.logs.set(key, (ring = new LogRing(this.options.log)));
      ring.onLine = (line) => { for (const listener of this.lineListeners) listener(service, ordinal, line); };
    }
    return ring;
  }

  /** Every line of every instance's output (and the executor's own notes) as it arrives. */
  onLine(listener: (service: string, ordinal: number, line: LogLine) => void): () => void {
    this.lineListeners.push(listener);
    return () => { const i = this.lineListeners.indexOf(listener); if (i >= 0) this.lineListeners.splice(i, 1); };
  }

  /** Every log ring of `service`, by ordinal. */
  logsOf(service: string): { ordinal: number; ring: LogRing }[] {
    const out: { ordinal: number; ring: LogRing }[] = [];
    for (const [key, ring] of this.logs) {
      const at = key.lastIndexOf("#");
      if (key.slice(0, at) === service) out.push({ ordinal: Number(key.slice(at + 1)), ring });
    }
    return out.sort((a, b) => a.ordinal - b.ordinal);
  }

  /** The pid of a live instance (by kernel handle), if it has one. */
  pid(handle: number): number | undefined { return this.running.get(handle)?.pid; }

  /** How long ago the instance's process was spawned (ms), or undefined when it has none. */
  uptimeMs(handle: number): number | undefined {
    const record = this.running.get(handle);
    return record ? Math.round(performance.now() - record.spawnedAt) : undefined;
  }

  /** The pid of the live instance `ordinal` of `service`. */
  pidOf(service: string, ordinal: number): number | undefined {
    for (const r of this.running.values()) if (r.service === service && r.ordinal === ordinal && !r.killed) return r.pid;
    return undefined;
  }

  get aliveCount(): number { return this.running.size; }

  /** Pids of every live child (each one leads its process group). */
  pids(): number[] { return [...this.running.values()].flatMap((r) => (r.pid === undefined ? [] : [r.pid])); }

  /** SIGTERM every group, SIGKILL what is left after `graceMs`; resolves when all have exited. */
  async shutdown(graceMs = 5000): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) { r.stopping = true; this.signalGroup(r, "SIGTERM"); }
    const timer = setTimeout(() => this.killAll(), graceMs);
    await Promise.all(all.map((r) => r.exited));
    clearTimeout(timer);
  }

  /** SIGKILL every group now (synchronous: safe in a process 'exit' handler). */
  killAll(): void {
    for (const r of this.running.values()) { r.killed = true; this.signalGroup(r, "SIGKILL"); }
  }

  private message(level: MessageLevel, service: string, ordinal: number, text: string): void {
    this.log(service, ordinal).note(text);
    for (const listener of this.listeners) listener({ level, service, ordinal, text });
  }

  private spawn(action: Action): void {
    const { instance: handle, serviceName: service, ordinal } = action;
    const name = `${service}#${ordinal}`;
    const spec = this.options.spec(service, ordinal);
    if (!spec) return this.failSpawn(handle, service, ordinal, 127, `${name}: the service has no command to run`);
    const cwd = spec.cwd ?? process.cwd();
    let extra: Record<string, string> | undefined;
    try {
      extra = this.options.environment?.(action);
    } catch (error) {
      // The host could not prepare it (its config file, say): a failed spawn, said plainly.
      return this.failSpawn(handle, service, ordinal, 127, `${name}: its environment could not be prepared: ${(error as Error).message}`);
    }
    const env: Record<string, string> = {
      ...(spec.inheritEnv === false ? {} : (process.env as Record<string, string>)),
      ...spec.env,
      ...extra,
    };
    const badDir = checkDirectory(cwd);
    if (badDir) return this.failSpawn(handle, service, ordinal, 127, `${name}: ${badDir}`);
    const resolved = resolveCommand(spec.command, cwd, env.PATH);
    if (!resolved.ok) return this.failSpawn(handle, service, ordinal, resolved.status, `${name}: ${resolved.message}`);

    let prefix: string[];
    try {
      prefix = this.options.prefix?.(service, ordinal) ?? [];
    } catch (error) {
      return this.failSpawn(handle, service, ordinal, 127, `${name}: its limits could not be applied: ${(error as Error).message}`);
    }
    let child: ChildProcess;
    try {
      child = spawn("/bin/sh", ["-c", GUARD, "myco-guard", ...prefix, ...confine([resolved.path, ...(spec.args ?? [])], spec.confinement)], {
        cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe", "pipe"],
      });
    } catch (error) {
      return this.failSpawn(handle, service, ordinal, 127, `${name}: could not spawn '${spec.command}': ${(error as Error).message}`);
    }
    this.spawned++;
    let resolveExit!: (status: number) => void;
    const record: Running = {
      handle, service, ordinal, child, spawnedAt: performance.now(), started: false, stopping: false, killed: false,
      exited: new Promise((r) => (resolveExit = r)),
    };
    this.running.set(handle, record);
    const ring = this.log(service, ordinal);
    child.stdout!.on("data", (chunk: Buffer) => ring.write("stdout", chunk));
    child.stderr!.on("data", (chunk: Buffer) => ring.write("stderr", chunk));
    child.on("spawn", () => {
      record.pid = child.pid;
      ring.note(`spawned ${spec.command}${spec.args?.length ? " " + spec.args.join(" ") : ""} (pid ${child.pid})`);
      if (record.stopping || record.killed) return this.signalGroup(record, record.killed ? "SIGKILL" : "SIGTERM");
      this.awaitReady(record, spec.ready);
    });
    child.on("error", (error) => {
      // Spawning /bin/sh itself failed (the command was checked already): rare, but not fatal.
      if (record.pid === undefined && this.running.get(handle) === record) {
        this.running.delete(handle);
        resolveExit(127);
        this.failSpawn(handle, service, ordinal, 127, `${name}: could not spawn: ${error.message}`);
      }
    });
    // 'exit' gives the status; 'close' comes once the pipes are drained, so the last output is
    // in the ring before the exit is described. A grandchild that escaped the group could hold
    // the pipes open: the exit is reported a moment later regardless.
    let status: number | undefined;
    const finish = () => {
      if (status === undefined || !this.running.has(handle) || this.running.get(handle) !== record) return;
      clearTimeout(closeTimer);
      this.onExit(record, status);
      resolveExit(status);
    };
    let closeTimer: NodeJS.Timeout | undefined;
    child.on("exit", (code, signal) => {
      status = exitStatus(code, signal);
      (child.stdio[3] as Socket | null)?.destroy(); // the guard kills what the child left in its group
      closeTimer = setTimeout(finish, CLOSE_WAIT_MS);
    });
    child.on("close", finish);
  }

  private awaitReady(record: Running, ready: Readiness | undefined): void {
    if (!ready || ("afterMs" in ready && ready.afterMs <= 0)) return this.reportStarted(record);
    if ("afterMs" in ready) {
      record.readyTimer = setTimeout(() => this.reportStarted(record), ready.afterMs);
      return;
    }
    // Listening: try to connect until it works; the kernel's start timeout bounds the wait.
    const attempt = () => {
      if (this.running.get(record.handle) !== record || record.stopping || record.killed) return;
      runTcpCheck({ kind: "tcp", host: ready.host, port: ready.port, timeoutMs: 250 }).then((result) => {
        if (result.ok) this.reportStarted(record);
        else record.readyTimer = setTimeout(attempt, READY_POLL_MS);
      });
    };
    attempt();
  }

  private reportStarted(record: Running): void {
    if (record.started || record.stopping || record.killed || this.running.get(record.handle) !== record) return;
    record.started = true;
    this.options.reports.started(record.handle);
  }

  private onExit(record: Running, status: number): void {
    clearTimeout(record.readyTimer);
    this.running.delete(record.handle);
    const ring = this.log(record.service, record.ordinal);
    ring.flush();
    const name = `${record.service}#${record.ordinal} (pid ${record.pid})`;
    const afterMs = Math.round(performance.now() - record.spawnedAt);
    const how = describeStatus(status);
    if (record.killed) this.message("info", record.service, record.ordinal, `${name} killed (${how})`);
    else if (record.stopping) this.message("info", record.service, record.ordinal, `${name} stopped (${how})`);
    else {
      const last = ring.lastLine("stderr") ?? ring.lastLine();
      const atOnce = afterMs < (this.options.atOnceMs ?? 1000);
      const hint = last && /EADDRINUSE|address already in use/i.test(last) ? " (its port is in use)" : "";
      const level: MessageLevel = status === 0 ? "info" : "warn";
      this.message(level, record.service, record.ordinal,
        `${name} ${atOnce ? "exited at once" : "exited"} with ${how} after ${afterMs} ms${hint}${last ? `; last output: ${last.slice(0, 200)}` : ""}`);
    }
    this.options.reports.exited(record.handle, status);
  }

  private failSpawn(handle: number, service: string, ordinal: number, status: number, text: string): void {
    this.message("error", service, ordinal, text);
    // Reported on the next turn, like every real exit: the kernel is never re-entered from an action.
    setImmediate(() => this.options.reports.exited(handle, status));
  }

  private signal(handle: number, signal: "SIGTERM" | "SIGKILL"): void {
    const record = this.running.get(handle);
    if (!record) return; // already gone (it exited, or never spawned)
    if (signal === "SIGKILL") record.killed = true; else record.stopping = true;
    clearTimeout(record.readyTimer);
    if (record.pid !== undefined) this.signalGroup(record, signal);
  }

  private signalGroup(record: Running, signal: NodeJS.Signals): void {
    if (record.pid === undefined) return;
    try {
      process.kill(-record.pid, signal);
    } catch {
      // ESRCH: the group is gone already; its exit event is on its way.
    }
  }
}

/** `{DEP}_ADDR`: the variable that carries a dependency's addresses (uppercase, `-` and `.` -> `_`). */
export function addressVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_ADDR`;
}
