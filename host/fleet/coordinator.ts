// The coordinator: any number run; one leads, chosen by the election on the store. The leader
// reads the whole cluster once (nodes, load, drains, specs, what is assigned), restores the
// kernel's placement from it (what is assigned stays where it is), then follows every change
// from that revision: a node that appears is placed onto, a node whose lease expired is gone
// and the kernel re-places its instances, a drain evacuates a node, a spec change places or
// removes instances, an operator's move goes to the kernel's manual-move plan and is audited.
// The kernel's plans of moves (deaths, drains, manual moves) are carried out by
// plan-executor.ts and reported back to the kernel. Every write is a batched transaction fenced
// on the leader's election key: once deposed, nothing it sends lands.
import { put, del, type Op, type Store, type KeyValue, type WatchEvent } from "./store.ts";
import { Keys, decodeNode, decodeLoad, decodeService, decodeAssign, decodeStatus, decodeMove, decodeRollout, MalformedValueError, type ServiceRecord } from "./keys.ts";
import { KeptLease } from "./lease.ts";
import { campaign, type Candidate, type Leadership } from "./election.ts";
import { Follow } from "./follow.ts";
import { Placement } from "./placement-adapter.ts";
import { PlanExecutor, type PlannedOp } from "./plan-executor.ts";
import { agentHandover } from "./state-hook.ts";
import { MycoError } from "../kernel/errors.ts";
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
  /** How long a moved instance may take to report running on its target (default 20 s). */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

export type Role = "standby" | "leader" | "stopped";

/** The kernel's manual-move audit codes (planMoveRequest): principal 0 is the operator, reason 1 an operator's request (its text is in the store's audit). */
const REQUESTER_OPERATOR = 0;
const REASON_OPERATOR = 1;

const planned = (op: Op): PlannedOp => ({ op, landed: () => undefined });

export class Coordinator {
  readonly keys: Keys;
  role: Role = "standby";
  private lease: KeptLease;
  private candidate: Candidate | undefined;
  private leadership: Leadership | undefined;
  private follow: Follow | undefined;
  private placement: Placement | undefined;
  private services = new Map<string, ServiceRecord>();
  private executor: PlanExecutor | undefined;
  /** status key -> the service and state its node reports. */
  private statuses = new Map<string, { service: string; state: string }>();
  private extra: PlannedOp[] = [];
  /** The moves value last written (keys.moves), so an unchanged view is not written again. */
  private movesWritten: string | undefined;
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
    this.statuses.clear();
    const assigned: { node: string; instance: string; service: string }[] = [];
    const drained: string[] = [];
    for (const kv of kvs) {
      const at = this.keys.parse(kv.key);
      if (!at) continue;
      this.guard(kv.key, () => {
        if (at.kind === "nodes") placement.addNode(at.parts[0], decodeNode(kv.key, kv.value));
        else if (at.kind === "services") { const s = decodeService(kv.key, kv.value); this.services.set(s.name, s); }
        else if (at.kind === "assign") assigned.push({ node: at.parts[0], instance: at.parts[1], service: decodeAssign(kv.key, kv.value).service });
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
      for (const a of assigned) if (a.service === s.name) onNode.set(a.node, (onNode.get(a.node) ?? 0) + 1);
      for (const [node, n] of onNode) placement.pin(s.name, node, Math.min(n, s.instances));
    }
    for (const s of services) this.guard(this.keys.service(s.name), () => placement.setService(s.name, s.instances, s.placement));
    this.executor?.close();
    this.executor = new PlanExecutor(placement, this.executorContext());
    this.movesWritten = undefined;
    this.executor.adopt(assigned);
    for (const kv of kvs) if (this.keys.parse(kv.key)?.kind === "requests") this.request(kv.key, kv.value);
    this.log(`leading (epoch ${this.leadership!.createRevision}): restored ${placement.nodeNames().length} nodes, ${this.services.size} services, ${assigned.length} assignments at revision ${revision}`);
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
      let slot: number | undefined, refused: string | undefined;
      try {
        slot = this.placement!.requestMove(move.service, move.to, REQUESTER_OPERATOR, REASON_OPERATOR);
      } catch (error) {
        if (!(error instanceof MycoError) && !/is not in the fleet|has no placed instance/.test((error as Error).message)) throw error;
        refused = (error as Error).message;
      }
      this.log(`move ${move.service} to ${move.to} (${move.reason}, by ${move.requester}): ${refused ? `refused: ${refused}` : `the kernel plans it (slot ${slot})`}`);
      const audit = { ...move, done: refused === undefined, ...(refused ? { refused } : { slot }), by: this.options.id, atMs: Date.now() };
      this.extra.push(planned(del(key)), planned(put(this.keys.audit(`${Date.now()}-${key.slice(key.lastIndexOf("/") + 1)}`), JSON.stringify(audit))));
    });
  }

  /** An operator's staged rollout (`myco fleet rollout`): run by the leader, fenced on its leadership, audited. */
  private rollout(key: string, value: string): void {
    this.guard(key, () => {
      const request = decodeRollout(key, value);
      const leadership = this.leadership!;
      const id = key.slice(key.lastIndexOf("/") + 1);
      this.extra.push(planned(del(key)));
      this.schedule();
      void rolloutService(request.spec, {
        store: this.store, keys: this.keys, fence: leadership.fence, epoch: leadership.createRevision,
        gateMs: request.gateMs, stageTimeoutMs: request.stageTimeoutMs, canary: request.canary, log: (line) => this.log(line),
      }).then(
        (result) => ({ done: result.done, failed: result.failed, revision: result.revision, stages: result.stages.map((s) => ({ name: s.stage.name, nodes: s.stage.nodes, passed: s.passed, ms: Math.round(s.ms) })) }),
        (error: unknown) => ({ done: false, failed: describeError(error), revision: "", stages: [] }),
      ).then((outcome) => {
        this.extra.push(planned(put(this.keys.audit(`${Date.now()}-${id}`), JSON.stringify({ ...outcome, request: id, service: request.spec.name, requester: request.requester, by: this.options.id, atMs: Date.now() }))));
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

  private executorContext() {
    const leadership = this.leadership!;
    return {
      store: this.store, keys: this.keys, fence: leadership.fence, epoch: leadership.createRevision, readyTimeoutMs: this.options.readyTimeoutMs,
      alive: (node: string) => this.placement?.hasNode(node) ?? false,
      singleton: (service: string) => { const spec = this.services.get(service); return spec !== undefined && isSingleton(spec); },
      singletonRunning: (service: string, except: string) => this.singletonRunning(service, except),
      handover: (service: string) => (this.services.get(service)?.state ? agentHandover(this.store, this.keys, service) : undefined),
      changed: () => this.schedule(),
      deposed: (why: string) => void this.depose(why),
      log: (line: string) => this.log(line),
    };
  }

  private async write(): Promise<void> {
    if (this.role !== "leader" || !this.placement || !this.leadership || !this.executor) return;
    const executor = this.executor;
    const moves = executor.plan(); // the kernel's moves start in the background; each ends with a report and another write
    const assigns = executor.reconcile();
    const fence = this.leadership.fence; // kept to the end: once deposed, etcd refuses every one of these
    const queued = this.extra.splice(0); // one-shot ops; the assignments and the moves view are computed by every write
    const ops = [...queued, ...assigns, ...this.movesOp(executor)];
    const batch = this.options.batch ?? 120;
    for (let i = 0; i < ops.length; i += batch) {
      const chunk = ops.slice(i, i + batch);
      let ok = false;
      try {
        ok = (await this.store.txn([fence], chunk.map((p) => p.op))).succeeded;
      } catch (error) {
        this.log(`write failed: ${describeError(error)}; trying again`);
        const unlanded = new Set(ops.slice(i));
        this.extra.unshift(...queued.filter((p) => unlanded.has(p))); // only those: the next write computes the rest again
        setTimeout(() => this.schedule(), 500);
        return;
      }
      if (!ok) return this.depose("a fenced write was refused: another coordinator leads");
      this.stats.transactions++;
      for (const p of chunk) {
        p.landed();
        if (p.op.type === "put" && p.op.key.includes("/assign/")) this.stats.placements++;
      }
    }
    const puts = assigns.filter((p) => p.op.type === "put").length;
    if (assigns.length) this.log(`assigned ${puts}, removed ${assigns.length - puts} in ${Math.ceil(ops.length / batch)} transaction(s)`);
    if (moves) this.log(`the kernel planned ${moves} move(s)`);
  }

  /** The moves for `myco fleet status` (keys.moves), written fenced with the rest when they changed since the last write. */
  private movesOp(executor: PlanExecutor): PlannedOp[] {
    const value = JSON.stringify({ epoch: this.leadership!.createRevision, moves: executor.movesView() });
    if (value === this.movesWritten) return [];
    return [{ op: put(this.keys.moves(), value), landed: () => { this.movesWritten = value; } }];
  }

  /** Leadership lost (or never won): stop acting, then stand again with a fresh lease. */
  private async depose(why: string): Promise<void> {
    if (this.role === "stopped") return;
    const wasLeader = this.role === "leader";
    this.role = "standby";
    this.leadership = undefined;
    this.executor?.close();
    this.executor = undefined;
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
    this.executor?.close();
    await this.follow?.stop();
    await this.writing;
    await this.candidate?.resign();
    await this.lease.revoke();
  }

  /** For status and tests: the current assignments as this leader wrote them. */
  assignments(): { node: string; service: string; instance: string }[] { return this.executor?.assignments() ?? []; }
  /** For status and tests: the kernel (placement and plans) this leader decides with, and the moves it carried out. */
  get kernelPlacement(): Placement | undefined { return this.placement; }
  get moves() { return this.executor?.history ?? []; }
  waiting(): Map<string, number> { return this.placement?.waiting() ?? new Map(); }
}
