// What an agent runs, run by the same supervisor as `myco run` (host/supervisor/): each assigned
// instance becomes one local service (named after the instance, one instance each) in a
// node-local manifest file the agent rewrites; the supervisor's reload makes the local kernel
// diff it, so an added assignment starts and a removed one stops while the others run on.
// The instance learns who it is from MYCO_FLEET_SERVICE, MYCO_FLEET_INSTANCE and MYCO_FLEET_NODE.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { stringify } from "yaml";
import { loadHostManifest } from "../supervisor/host-manifest.ts";
import { Supervisor, describeError, type SupervisorMessage } from "../supervisor/supervisor.ts";
import { formatDiagnostic } from "../manifest/diagnostics.ts";
import { specRevision, type ServiceRecord } from "./keys.ts";
import type { LogSource } from "./log-server.ts";
import type { LogLine } from "../executors/log-ring.ts";

export interface InstanceState { service: string; state: string; pid?: number; revision: string }

/** Keys of a manifest service a single node-local instance keeps (dependencies live across nodes). */
const DROPPED = ["requires", "wants", "after", "instances", "balance", "template"];

export class AgentRunner {
  private readonly dir = mkdtempSync(join(tmpdir(), "myco-agent-"));
  private readonly file = join(this.dir, "services.yaml");
  private supervisor: Supervisor | undefined;
  private running = new Map<string, ServiceRecord>();
  private applied = "";
  private readonly lineListeners = new Set<(instance: string, line: LogLine) => void>();

  constructor(private readonly node: string, private readonly onMessage: (m: SupervisorMessage) => void) {}

  /** Runs exactly these instances (instance name -> its service); returns what changed. */
  async apply(wanted: Map<string, ServiceRecord>): Promise<{ started: string[]; stopped: string[] }> {
    const text = this.manifestText(wanted);
    const started = [...wanted.keys()].filter((i) => !this.running.has(i));
    const stopped = [...this.running.keys()].filter((i) => !wanted.has(i));
    const changed = [...wanted].filter(([i, r]) => this.running.has(i) && specRevision(this.running.get(i)!) !== specRevision(r)).map(([i]) => i);
    if (text === this.applied) return { started: [], stopped: [] };
    writeFileSync(this.file, text);
    if (!this.supervisor) {
      const { hostManifest, diagnostics } = loadHostManifest(this.file);
      if (!hostManifest) throw new Error(`the node-local manifest is refused: ${diagnostics.map(formatDiagnostic).join("; ")}`);
      this.supervisor = new Supervisor(hostManifest, { gateways: false, runtimeDir: this.dir });
      this.supervisor.onMessage(this.onMessage);
      this.supervisor.executor.onLine((instance, _ordinal, line) => { for (const listener of this.lineListeners) listener(instance, line); });
      await this.supervisor.start();
    } else {
      this.supervisor.reload();
      // The kernel adds a new service stopped (a reload starts only what was meant to run): start it.
      for (const instance of started) this.supervisor.startService(instance);
      // A changed spec is a new chance for a copy that failed on the old one (a rollout's rollback).
      for (const instance of changed) if (this.supervisor.kernel.state(instance) === "failed") this.supervisor.startService(instance);
    }
    this.applied = text;
    this.running = new Map(wanted);
    return { started, stopped };
  }

  /** Each local instance's state in the local kernel, and its pid. */
  states(): Map<string, InstanceState> {
    const out = new Map<string, InstanceState>();
    const s = this.supervisor;
    if (!s) return out;
    for (const [instance, record] of this.running) {
      let state = "unknown";
      try { state = s.kernel.state(instance); } catch (error) { state = `unknown (${describeError(error)})`; }
      out.set(instance, { service: record.name, state, pid: s.executor.pidOf(instance, 0), revision: specRevision(record) });
    }
    return out;
  }

  pids(): number[] { return this.supervisor?.pids() ?? []; }

  /** What the agent's log endpoint reads: each local instance's log ring, and new lines as they come. */
  logSource(): LogSource {
    return {
      instances: (service) => [...this.running].filter(([, r]) => r.name === service).map(([instance]) => instance),
      lines: (instance, count) => this.supervisor?.executor.log(instance, 0).lines(count) ?? [],
      onLine: (listener) => { this.lineListeners.add(listener); return () => this.lineListeners.delete(listener); },
    };
  }

  async shutdown(): Promise<void> {
    await this.supervisor?.shutdown();
    this.supervisor = undefined;
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Kills every process at once (the agent is being killed itself). */
  killAll(): void { this.supervisor?.executor.killAll(); }

  private manifestText(wanted: Map<string, ServiceRecord>): string {
    const services: Record<string, unknown> = {};
    for (const [instance, record] of [...wanted].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const spec = Object.fromEntries(Object.entries(record.spec).filter(([k]) => !DROPPED.includes(k)));
      const run = { ...(spec.run as Record<string, unknown> | undefined) };
      if (typeof run.command === "string" && run.command.includes("/")) run.command = resolve(record.base, run.command);
      run.cwd = resolve(record.base, typeof run.cwd === "string" ? run.cwd : ".");
      run.env = { ...(run.env as Record<string, unknown> | undefined), MYCO_FLEET_SERVICE: record.name, MYCO_FLEET_INSTANCE: instance, MYCO_FLEET_NODE: this.node };
      services[instance] = { ...spec, run };
    }
    // No anchors: two instances of one service share its spec objects, and the manifest reader takes no aliases.
    return stringify({ version: 1, services }, { aliasDuplicateObjects: false });
  }
}
