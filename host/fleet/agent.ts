// The node agent: registers its node under a lease (a second agent with the same node name is
// refused), keeps the lease alive, publishes load, follows its assignments and the service specs
// from a revision, runs what is assigned with the local supervisor (agent-runner.ts), and
// reports each instance's status under its lease. Fencing: when the lease could expire at the
// server within the margin (etcd unreachable), it stops its singletons (critical services with
// one instance) first, so two nodes never run one at the same moment; the rest keeps running.
import { loadavg, cpus } from "node:os";
import { absent, put, del, type Store, type Op } from "./store.ts";
import { Keys, decodeAssign, decodeService, MalformedValueError, type AssignRecord, type NodeRecord, type ServiceRecord, type StatusRecord } from "./keys.ts";
import { KeptLease } from "./lease.ts";
import { Follow } from "./follow.ts";
import { AgentRunner } from "./agent-runner.ts";
import { serveLogs, type LogEndpoint } from "./log-server.ts";
import { stateRoutes } from "./state-hook.ts";
import { describeError } from "../supervisor/supervisor.ts";
import type { NodeSpec } from "../kernel/placement.ts";

export interface AgentOptions {
  store: Store;
  cluster: string;
  node: string;
  spec: NodeSpec;
  ttlSeconds?: number;
  log?: (line: string) => void;
}

export class NodeTakenError extends Error {
  constructor(readonly node: string, holder: string) {
    super(`node '${node}' is already registered by a live agent (${holder}); a second agent with the same --node is refused`);
  }
}

export const isSingleton = (s: ServiceRecord) => s.placement.class === "critical" && s.instances === 1;

export class Agent {
  readonly keys: Keys;
  readonly lease: KeptLease;
  private readonly runner: AgentRunner;
  private readonly services = new Map<string, ServiceRecord>();
  private readonly assigned = new Map<string, AssignRecord>();
  private readonly follows: Follow[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private written = new Map<string, string>();
  private applying: Promise<void> = Promise.resolve();
  private fenced = false;
  private stopped = false;
  private logs: LogEndpoint | undefined;

  constructor(private readonly options: AgentOptions) {
    this.keys = new Keys(options.cluster);
    this.runner = new AgentRunner(options.node, (m) => this.log(`${m.level === "info" ? "" : `${m.level}: `}${m.text}`));
    this.lease = new KeptLease(options.store, options.ttlSeconds ?? 3, {
      unsafe: () => { this.fenced = true; this.log(`lease ${this.lease.id} not refreshed in time: stopping singletons before it can expire`); this.reconcile(); },
      safe: () => { this.fenced = false; this.log(`lease ${this.lease.id} refreshed again: singletons may run`); this.reconcile(); },
      lost: () => { this.fenced = true; this.log(`lease ${this.lease.id} expired at the server: registering again`); this.reconcile(); void this.reregister(); },
      failed: (error) => this.log(`lease refresh failed: ${describeError(error)}`),
    });
  }

  private get store(): Store { return this.options.store; }
  get node(): string { return this.options.node; }

  log(line: string): void { this.options.log?.(`agent ${this.node}: ${line}`); }

  /** Registers, follows specs and assignments, starts what is assigned. Throws NodeTakenError, or the store's error. */
  async start(): Promise<void> {
    this.logs = await serveLogs(this.node, this.runner.logSource(), "127.0.0.1", 0, stateRoutes(this.node, (name) => this.services.get(name)));
    await this.register();
    this.lease.start();
    this.follows.push(new Follow(this.store, this.keys.prefix("services"), {
      snapshot: (kvs) => { this.services.clear(); for (const kv of kvs) this.service(kv.key, kv.value); this.reconcile(); },
      events: (events) => { for (const e of events) e.type === "put" ? this.service(e.key, e.value) : this.services.delete(e.key.slice(this.keys.prefix("services").length)); this.reconcile(); },
      error: (error) => this.log(`service watch: ${describeError(error)}; reading again`),
    }));
    this.follows.push(new Follow(this.store, this.keys.assign(this.node), {
      snapshot: (kvs) => { this.assigned.clear(); for (const kv of kvs) this.assignment(kv.key, kv.value); this.reconcile(); },
      events: (events) => { for (const e of events) e.type === "put" ? this.assignment(e.key, e.value) : this.assigned.delete(e.key.slice(this.keys.assign(this.node).length)); this.reconcile(); },
      error: (error) => this.log(`assignment watch: ${describeError(error)}; reading again`),
    }));
    for (const follow of this.follows) await follow.start();
    this.timers.push(setInterval(() => void this.report(), 300));
    this.timers.push(setInterval(() => void this.publishLoad(), 2000));
  }

  private record(): NodeRecord {
    return { ...this.options.spec, pid: process.pid, startedAtMs: Date.now(), logs: this.logs && { url: this.logs.url, token: this.logs.token } };
  }

  private async register(): Promise<void> {
    const lease = await this.lease.grant();
    const key = this.keys.node(this.node);
    const { succeeded } = await this.store.txn([absent(key)], [put(key, JSON.stringify(this.record()), lease), put(this.keys.load(this.node), JSON.stringify({ load: 0, instances: 0 }), lease)]);
    if (!succeeded) {
      await this.lease.revoke();
      const holder = await this.store.get(key);
      let pid = "?";
      try { pid = String(JSON.parse(holder?.value ?? "{}").pid); } catch { /* shown as ? */ }
      throw new NodeTakenError(this.node, `lease ${holder?.lease}, pid ${pid}`);
    }
    this.written.clear();
    this.log(`registered (lease ${lease}, TTL ${this.lease.ttlSeconds} s)`);
  }

  private async reregister(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.register();
        this.fenced = false;
        this.lease.start();
        this.reconcile();
        return;
      } catch (error) {
        this.log(`registering again failed: ${describeError(error)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private service(key: string, value: string): void {
    try {
      const record = decodeService(key, value);
      this.services.set(record.name, record);
    } catch (error) {
      if (!(error instanceof MalformedValueError)) throw error;
      this.log(`skipped: ${error.message}`);
    }
  }

  private assignment(key: string, value: string): void {
    try {
      this.assigned.set(key.slice(this.keys.assign(this.node).length), decodeAssign(key, value));
    } catch (error) {
      if (!(error instanceof MalformedValueError)) throw error;
      this.log(`skipped: ${error.message}`);
    }
  }

  /** What should run now: every assignment whose spec is known (its pinned one first), without singletons while fenced. */
  private wanted(): Map<string, ServiceRecord> {
    const out = new Map<string, ServiceRecord>();
    for (const [instance, assigned] of this.assigned) {
      const record = assigned.spec ?? this.services.get(assigned.service);
      if (record && !(this.fenced && isSingleton(record))) out.set(instance, record);
    }
    return out;
  }

  /** Applies what is wanted, one change at a time. */
  private reconcile(): void {
    this.applying = this.applying.then(async () => {
      if (this.stopped) return;
      try {
        const { started, stopped } = await this.runner.apply(this.wanted());
        if (started.length) this.log(`starting ${started.join(", ")}`);
        if (stopped.length) this.log(`stopping ${stopped.join(", ")}`);
      } catch (error) {
        this.log(`applying assignments failed: ${describeError(error)}`);
      }
    });
  }

  /** Writes what changed in the instances' states, under the lease, in one transaction. */
  private async report(): Promise<void> {
    if (this.lease.unsafe || this.stopped) return;
    const now = new Map<string, string>();
    for (const [instance, s] of this.runner.states()) {
      const record: StatusRecord = { service: s.service, state: s.state, pid: s.pid, sinceMs: 0, revision: s.revision };
      now.set(instance, JSON.stringify(record));
    }
    const ops: Op[] = [];
    for (const [instance, value] of now) if (this.written.get(instance) !== value) ops.push(put(this.keys.status(this.node, instance), value, this.lease.id));
    for (const instance of this.written.keys()) if (!now.has(instance)) ops.push(del(this.keys.status(this.node, instance)));
    if (!ops.length) return;
    try {
      await this.store.txn([], ops);
      this.written = now;
    } catch (error) {
      this.log(`status not written: ${describeError(error)}`);
    }
  }

  private async publishLoad(): Promise<void> {
    if (this.lease.unsafe || this.stopped) return;
    const load = Math.min(100, Math.round((loadavg()[0] / Math.max(1, cpus().length)) * 100));
    await this.store.txn([], [put(this.keys.load(this.node), JSON.stringify({ load, instances: this.assigned.size }), this.lease.id)]).catch(() => undefined);
  }

  /** Local instances and their states (for tests and `myco agent` output). */
  states() { return this.runner.states(); }
  pids(): number[] { return this.runner.pids(); }

  /** Stops everything it runs, then leaves the fleet (revokes the lease: its node goes at once). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    await Promise.all(this.follows.map((f) => f.stop()));
    await this.applying;
    await this.runner.shutdown();
    await this.logs?.close();
    await this.lease.revoke();
  }

  /** Kills its processes without the ordered stop (the agent process is exiting). */
  killAll(): void { this.runner.killAll(); }
}
