// The coordinator: any number run; one leads, chosen by the election on the store. The leader
// reads the whole cluster once (nodes, load, drains, specs, what is assigned), restores the
// kernel's placement from it (what is assigned stays where it is), then follows every change
// from that revision: a node that appears is placed onto, a node whose lease expired is gone
// and the kernel re-places its instances, a drain evacuates a node, a spec change places or
// removes instances, an operator's move is done and audited. Every write is a batched
// transaction fenced on the leader's election key: once deposed, nothing it sends lands.
import { put, del, type Op, type Store, type KeyValue, type WatchEvent } from "./store.ts";
import { Keys, decodeNode, decodeLoad, decodeService, decodeAssign, decodeStatus, decodeMove, decodeRollout, MalformedValueError, type ServiceRecord } from "./keys.ts";
import { KeptLease } from "./lease.ts";
import { campaign, type Candidate, type Leadership } from "./election.ts";
import { Follow } from "./follow.ts";
import { Placement } from "./placement-adapter.ts";
import { diffAssignments, type Assigned } from "./assignments.ts";
import { isSingleton } from "./agent.ts";
import { rolloutService } from "./rollout.ts";
import { describeError } from "../supervisor/supervisor.ts";
import type { Profile } from "../kernel/module.ts";

export interface CoordinatorOptions {
  store: Store;
  cluster: string;
  id: string;
  ttlSeconds?: number;
  /** Operations per transaction (etcd's default limit is 128 per transaction). */
  batch?: number;
  profile?: Profile;
  /** A draining node's instances moved at once (each old copy stops once its replacement runs). */
  rollingBatch?: number;
  log?: (line: string) => void;
}

export type Role = "standby" | "leader" | "stopped";

export class Coordinator {
  readonly keys: Keys;
  role: Role = "standby";
  private lease: KeptLease;
  private candidate: Candidate | undefined;
  private leadership: Leadership | undefined;
  private follow: Follow | undefined;
  private placement: Placement | undefined;
  private services = new Map<string, ServiceRecord>();
  private current = new Map<string, Assigned>();
  /** status key -> the service and state its node reports. */
  private statuses = new Map<string, { service: string; state: string }>();
  private extra: Op[] = [];
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Assignments written, and transactions used, since it leads. */
  readonly stats = { placements: 0, transactions: 0, electedAtMs: 0 };
  private readonly listeners: ((role: Role) => void)[] = [];

  constructor(private readonly options: CoordinatorOptions) {
    this.keys = new Keys(options.cluster);
    this.lease = this.newLease();
  }

  private get store(): Store { return this.options.store; }
  log(line: string): void { this.options.log?.(`coordinator ${this.options.id}: ${line}`); }
  onRole(listener: (role: Role) => void): void { this.listeners.push(listener); }

  private newLease(): KeptLease {
    return new KeptLease(this.store, this.options.ttlSeconds ?? 3, {
      unsafe: () => { if (this.role === "leader") this.log("lease not refreshed in time: my writes may be refused"); },
      safe: () => undefined,
      lost: () => void this.depose("its lease expired"),
    });
  }

  async start(): Promise<void> {
    await this.lease.grant();
    this.lease.start();
    this.candidate = campaign(this.store, this.keys.election(), this.options.id, this.lease.id);
    this.log(`standing for election (lease ${this.lease.id})`);
    this.candidate.elected.then((l) => this.lead(l), (error) => { if (this.role !== "stopped") void this.depose(`election: ${describeError(error)}`); });
  }

  private async lead(leadership: Leadership): Promise<void> {
    if (this.role === "stopped") return;
    this.leadership = leadership;
    this.role = "leader";
    this.stats.electedAtMs = Date.now();
    this.placement = new Placement(this.options.profile ?? "bench");
    this.follow = new Follow(this.store, this.keys.root, {
      snapshot: (kvs, revision) => this.restore(kvs, revision),
      events: (events) => this.changes(events),
      error: (error) => this.log(`watch: ${describeError(error)}; reading the cluster again`),
    });
    try {
      await this.follow.start();
    } catch (error) {
      return this.depose(`could not read the cluster: ${describeError(error)}`);
    }
    for (const listener of this.listeners) listener("leader");
  }

  /** A new leader (or a watch read again): the kernel is rebuilt from the store; what is assigned stays. */
  private restore(kvs: KeyValue[], revision: number): void {
    const placement = this.placement = new Placement(this.options.profile ?? "bench");
    this.services.clear();
    this.current.clear();
    this.statuses.clear();
    const drained: string[] = [];
    for (const kv of kvs) {
      const at = this.keys.parse(kv.key);
      if (!at) continue;
      this.guard(kv.key, () => {
        if (at.kind === "nodes") placement.addNode(at.parts[0], decodeNode(kv.key, kv.value));
        else if (at.kind === "services") { const s = decodeService(kv.key, kv.value); this.services.set(s.name, s); }
        else if (at.kind === "assign") this.current.set(kv.key, { node: at.parts[0], instance: at.parts[1], service: decodeAssign(kv.key, kv.value).service });
        else if (at.kind === "status") this.statuses.set(kv.key, decodeStatus(kv.key, kv.value));
        else if (at.kind === "drain") drained.push(at.parts[0]);
      });
    }
    for (const node of drained) placement.setDraining(node, true);
    // What is assigned on live nodes stays there: the kernel takes it first, then places the rest.
    const services = [...this.services.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const s of services) this.guard(this.keys.service(s.name), () => placement.setService(s.name, 0, s.placement));
    for (const s of services) {
      const onNode = new Map<string, number>();
      for (const a of this.current.values()) if (a.service === s.name) onNode.set(a.node, (onNode.get(a.node) ?? 0) + 1);
      for (const [node, n] of onNode) placement.pin(s.name, node, Math.min(n, s.instances));
    }
    for (const s of services) this.guard(this.keys.service(s.name), () => placement.setService(s.name, s.instances, s.placement));
    for (const kv of kvs) if (this.keys.parse(kv.key)?.kind === "requests") this.request(kv.key, kv.value);
    this.log(`leading (epoch ${this.leadership!.createRevision}): restored ${placement.nodeNames().length} nodes, ${this.services.size} services, ${this.current.size} assignments at revision ${revision}`);
    this.schedule();
  }

  private changes(events: WatchEvent[]): void {
    const placement = this.placement!;
    for (const e of events) {
      const at = this.keys.parse(e.key);
      if (!at) continue;
      const gone = e.type === "delete";
      this.guard(e.key, () => {
        switch (at.kind) {
          case "nodes":
            if (gone) { this.log(`node ${at.parts[0]} is gone (lease expired or left): re-placing its instances`); placement.removeNode(at.parts[0]); }
            else if (!placement.hasNode(at.parts[0])) { placement.addNode(at.parts[0], decodeNode(e.key, e.value)); this.log(`node ${at.parts[0]} joined`); }
            break;
          case "load":
            if (!gone) placement.setLoad(at.parts[0], decodeLoad(e.key, e.value).load);
            break;
          case "services":
            if (gone) { this.services.delete(at.parts[0]); placement.removeService(at.parts[0]); }
            else { const s = decodeService(e.key, e.value); this.services.set(s.name, s); placement.setService(s.name, s.instances, s.placement); }
            break;
          case "drain":
            placement.setDraining(at.parts[0], !gone);
            if (!gone) this.log(`draining ${at.parts[0]}`);
            break;
          case "status":
            if (gone) this.statuses.delete(e.key); else this.statuses.set(e.key, decodeStatus(e.key, e.value));
            break;
          case "requests":
            if (!gone) this.request(e.key, e.value);
            break;
        }
      });
    }
    this.schedule();
  }

  private request(key: string, value: string): void {
    if (/"type":"rollout"/.test(value)) return this.rollout(key, value);
    this.guard(key, () => {
      const move = decodeMove(key, value);
      const done = this.placement!.move(move.service, move.to);
      this.log(`move ${move.service} to ${move.to} (${move.reason}, by ${move.requester}): ${done ? "done" : "refused: the node cannot take it"}`);
      this.extra.push(del(key), put(this.keys.audit(`${Date.now()}-${key.slice(key.lastIndexOf("/") + 1)}`), JSON.stringify({ ...move, done, by: this.options.id, atMs: Date.now() })));
    });
  }

  /** An operator's staged rollout (`myco fleet rollout`): run by the leader, fenced on its leadership, audited. */
  private rollout(key: string, value: string): void {
    this.guard(key, () => {
      const request = decodeRollout(key, value);
      const leadership = this.leadership!;
      const id = key.slice(key.lastIndexOf("/") + 1);
      this.extra.push(del(key));
      this.schedule();
      void rolloutService(request.spec, {
        store: this.store, keys: this.keys, fence: leadership.fence, epoch: leadership.createRevision,
        gateMs: request.gateMs, stageTimeoutMs: request.stageTimeoutMs, canary: request.canary, log: (line) => this.log(line),
      }).then(
        (result) => ({ done: result.done, failed: result.failed, revision: result.revision, stages: result.stages.map((s) => ({ name: s.stage.name, nodes: s.stage.nodes, passed: s.passed, ms: Math.round(s.ms) })) }),
        (error: unknown) => ({ done: false, failed: describeError(error), revision: "", stages: [] }),
      ).then((outcome) => {
        this.extra.push(put(this.keys.audit(`${Date.now()}-${id}`), JSON.stringify({ ...outcome, request: id, service: request.spec.name, requester: request.requester, by: this.options.id, atMs: Date.now() })));
        this.schedule();
      });
    });
  }

  /** A malformed value is reported with its key and skipped; the coordinator goes on. */
  private guard(key: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      if (error instanceof MalformedValueError) this.log(`skipped: ${error.message}`);
      else this.log(`${key}: ${describeError(error)}`);
    }
  }

  /** Writes once per burst of changes, one write at a time. */
  private schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    this.writing = this.writing.then(() => { this.dirty = false; return this.write(); });
  }

  private singletonRunning(service: string, node: string): boolean {
    const spec = this.services.get(service);
    if (!spec || !isSingleton(spec)) return false;
    for (const [key, s] of this.statuses) if (s.service === service && this.keys.parse(key)?.parts[0] !== node) return true;
    return false;
  }

  private async write(): Promise<void> {
    if (this.role !== "leader" || !this.placement || !this.leadership) return;
    const placement = this.placement;
    const diff = diffAssignments(placement.counts(), this.current.values(), this.services.keys(), {
      singleton: (s) => { const spec = this.services.get(s); return spec !== undefined && isSingleton(spec); },
      singletonRunning: (s, n) => this.singletonRunning(s, n),
      draining: new Set(placement.nodeNames().filter((n) => placement.isDraining(n))),
      running: (node, instance) => this.statuses.get(this.keys.status(node, instance))?.state === "running",
      rollingBatch: this.options.rollingBatch ?? 1,
    });
    const epoch = this.leadership.createRevision;
    const fence = this.leadership.fence; // kept to the end: once deposed, etcd refuses every one of these
    const ops: Op[] = [
      ...this.extra.splice(0),
      ...diff.deletes.map((a) => del(this.keys.assign(a.node, a.instance))),
      ...diff.puts.map((a) => put(this.keys.assign(a.node, a.instance), JSON.stringify({ service: a.service, epoch }))),
    ];
    const batch = this.options.batch ?? 120;
    for (let i = 0; i < ops.length; i += batch) {
      const chunk = ops.slice(i, i + batch);
      let ok = false;
      try {
        ok = (await this.store.txn([fence], chunk)).succeeded;
      } catch (error) {
        this.log(`write failed: ${describeError(error)}; trying again`);
        this.extra.unshift(...ops.slice(i).filter((op) => !op.key.includes("/assign/")));
        setTimeout(() => this.schedule(), 500);
        return;
      }
      if (!ok) return this.depose("a fenced write was refused: another coordinator leads");
      this.stats.transactions++;
      for (const op of chunk) {
        const at = this.keys.parse(op.key);
        if (at?.kind !== "assign") continue;
        if (op.type === "delete") this.current.delete(op.key);
        else if (op.type === "put") { this.current.set(op.key, { node: at.parts[0], instance: at.parts[1], service: JSON.parse(op.value).service }); this.stats.placements++; }
      }
    }
    if (diff.puts.length || diff.deletes.length) this.log(`assigned ${diff.puts.length}, removed ${diff.deletes.length} in ${Math.ceil(ops.length / batch)} transaction(s)${diff.held.length ? `; ${diff.held.length} held (a singleton's old copy still runs, or a rolling move waits its turn)` : ""}`);
  }

  /** Leadership lost (or never won): stop acting, then stand again with a fresh lease. */
  private async depose(why: string): Promise<void> {
    if (this.role === "stopped") return;
    const wasLeader = this.role === "leader";
    this.role = "standby";
    this.leadership = undefined;
    this.log(`${wasLeader ? "deposed" : "not leading"}: ${why}`);
    for (const listener of this.listeners) listener("standby");
    await this.follow?.stop();
    this.follow = undefined;
    await this.candidate?.resign();
    await this.lease.revoke();
    this.lease = this.newLease();
    for (;;) {
      if ((this.role as Role) === "stopped") return;
      try {
        return await this.start();
      } catch (error) {
        this.log(`standing again failed: ${describeError(error)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** Leaves the election (a standby takes over at once) and stops. */
  async stop(): Promise<void> {
    this.role = "stopped";
    await this.follow?.stop();
    await this.writing;
    await this.candidate?.resign();
    await this.lease.revoke();
  }

  /** For status and tests: the current assignments as this leader wrote them. */
  assignments(): Assigned[] { return [...this.current.values()]; }
  waiting(): Map<string, number> { return this.placement?.waiting() ?? new Map(); }
}
