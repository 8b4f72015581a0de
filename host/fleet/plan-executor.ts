// The coordinator's hands on the kernel's plans (assembly/placement/plan.ts). The kernel decides:
// where every instance is wanted (its assignment slots), which ones move, to which node, why
// (the trigger) and how (the service's migration strategy, batch and interval or gate). This
// file only executes: each planning round's ACTION_MOVE records become Moves for the migration
// executor (migration.ts), every move is reported back (started, then done or failed) so the
// kernel commits it, releases the capacity it held on the source, or plans it again; and the
// instances that do not move are written where the kernel has them running, one assign key per
// slot, named once (`service-N`) and keeping their name when they move.
//
//   a move off a dead node (a failover) or of a singleton: break-before-make, one fenced write
//   (the old key deleted, a singleton's put waiting until no copy of it reports a status);
//   any other move: executeMoves with the kernel's strategy (blue-green, rolling, live).
import { put, del, type Compare, type Op, type Store } from "./store.ts";
import type { Keys, MoveRow } from "./keys.ts";
import type { Placement } from "./placement-adapter.ts";
import { moveOf, type Move as KernelMove, type Trigger } from "../kernel/plans.ts";
import { MycoError } from "../kernel/errors.ts";
import { executeMoves, DeposedError, type Move, type StateHandover } from "./migration.ts";
import { describeError } from "../supervisor/supervisor.ts";

/** Where an instance's assign key is in the store (node undefined: none). */
interface Written { service: string; instance: string; node: string | undefined }

/** One move as the kernel planned it and the executor carried it out. */
export interface MoveRecord extends Move {
  slot: number; instance: string; trigger: Trigger; startedAtMs: number; endedAtMs?: number; outcome?: "done" | "failed"; reason?: string;
  /** The kernel's count of consecutive failed starts on this target after this move's report, and whether it gave the move up. */
  failures?: number; gaveUp?: boolean;
}

/** Ended moves kept in the published view (`myco fleet status`). */
const RECENT_MOVES = 20;

/** A store write and what it means for the executor's record once it landed. */
export interface PlannedOp { op: Op; landed: () => void }

export interface ExecutorContext {
  store: Store;
  keys: Keys;
  fence: Compare;
  epoch: number;
  /** A node in the fleet (registered, lease alive). */
  alive(node: string): boolean;
  singleton(service: string): boolean;
  /** Some copy of the service reports a status on a node other than `except`. */
  singletonRunning(service: string, except: string): boolean;
  handover(service: string): StateHandover | undefined;
  /** Something changed (a move ended): plan and write again. */
  changed(): void;
  deposed(why: string): void;
  readyTimeoutMs?: number;
  log(line: string): void;
}

const ordinalOf = (instance: string) => Number(instance.slice(instance.lastIndexOf("-") + 1));

export class PlanExecutor {
  private readonly written = new Map<number, Written>();
  private readonly moving = new Set<number>();
  /** Keys found in the store that no slot took (a previous leader's leftovers): deleted at the next write. */
  private leftovers: PlannedOp[] = [];
  private readonly ordinals = new Map<string, number>();
  /** Every move this executor started, in order (status and tests read it). */
  readonly history: MoveRecord[] = [];
  private closed = false;

  constructor(private readonly placement: Placement, private readonly context: ExecutorContext) {}

  /** A new leader's start: each slot the kernel placed takes an existing instance of its service on its node. */
  adopt(existing: { node: string; instance: string; service: string }[]): void {
    const free = [...existing];
    for (const a of this.placement.fleet.assignments()) {
      if (a.node === undefined) continue;
      const k = free.findIndex((e) => e.service === a.service && e.node === a.node);
      if (k < 0) continue;
      const [e] = free.splice(k, 1);
      this.written.set(a.slot, { service: e.service, instance: e.instance, node: e.node });
    }
    for (const e of existing) this.ordinals.set(e.service, Math.max(this.ordinals.get(e.service) ?? 0, (ordinalOf(e.instance) || 0) + 1));
    this.leftovers = free.map((e) => ({ op: del(this.context.keys.assign(e.node, e.instance)), landed: () => undefined }));
  }

  /** No longer leading (or rebuilt): moves under way report to nobody. */
  close(): void { this.closed = true; }

  /** One planning round: the kernel's moves are started (each reported started) and run in the background. */
  plan(): number {
    const { plans, kernel } = this.placement;
    this.placement.fill();
    const emitted = plans.round();
    const moves = kernel.drainActions().map(moveOf).filter((m): m is KernelMove => m !== undefined);
    const groups = new Map<string, MoveRecord[]>();
    for (const m of moves) {
      const record = this.record(m);
      plans.report(m.slot, "started");
      this.moving.add(m.slot);
      this.history.push(record);
      this.context.log(`move ${record.instance} ${record.from} -> ${record.to} (kernel plan: ${record.trigger}, ${record.strategy}${record.strategy === "live" ? "" : `, batch ${record.batch}`}, ${record.ms} ms; slot ${record.slot})`);
      if (record.from === record.to) this.finish(record, true); // it never ran elsewhere: nothing to carry out
      else if (record.trigger === "death" || this.context.singleton(record.service)) void this.replace(record);
      else {
        const key = `${record.service}\u0000${record.strategy}`;
        (groups.get(key) ?? groups.set(key, []).get(key)!).push(record);
      }
    }
    for (const group of groups.values()) void this.migrate(group);
    return emitted;
  }

  private record(m: KernelMove): MoveRecord {
    const { fleet, plans } = this.placement;
    const view = plans.move(m.slot);
    let w = this.written.get(m.slot);
    if (!w) { // planned before its first write landed: it starts on the target
      w = { service: m.service, instance: this.name(m.service), node: undefined };
      this.written.set(m.slot, w);
    }
    const from = w.node ?? (view.from === undefined ? fleet.nodeName(m.to) : fleet.nodeName(view.from));
    return { slot: m.slot, instance: w.instance, service: m.service, ordinal: ordinalOf(w.instance), from, to: fleet.nodeName(m.to), strategy: m.strategy, trigger: m.trigger, batch: view.batch, ms: view.ms, startedAtMs: Date.now() };
  }

  private name(service: string): string {
    const n = this.ordinals.get(service) ?? 0;
    this.ordinals.set(service, n + 1);
    return `${service}-${n}`;
  }

  /** Break-before-make: the old key goes (a singleton's copy stops), then the new one lands. */
  private async replace(m: MoveRecord): Promise<void> {
    const { keys, epoch } = this.context;
    const from = this.written.get(m.slot)?.node;
    const assign = put(keys.assign(m.to, m.instance), JSON.stringify({ service: m.service, epoch }));
    try {
      if (this.context.singleton(m.service)) {
        if (from !== undefined) await this.write([del(keys.assign(from, m.instance))]);
        await this.until(() => !this.context.singletonRunning(m.service, m.to), `${m.instance}'s old copy to stop`);
        await this.write([assign]);
      } else await this.write(from !== undefined && from !== m.to ? [del(keys.assign(from, m.instance)), assign] : [assign]);
      this.finish(m, true);
    } catch (error) {
      this.failed(m, error);
    }
  }

  private async migrate(group: MoveRecord[]): Promise<void> {
    const { store, keys, fence, epoch, readyTimeoutMs } = this.context;
    try {
      const outcomes = await executeMoves(group, {
        store, keys, fence, epoch, readyTimeoutMs, handover: this.context.handover(group[0].service),
        gone: (node) => this.closed || !this.context.alive(node), log: (line) => this.context.log(line),
      });
      // Rolling: the interval runs before the kernel hears the batch is done (it plans the next batch then).
      if (group[0].strategy === "rolling" && group[0].ms > 0 && outcomes.some((o) => o.done)) await new Promise((r) => setTimeout(r, group[0].ms));
      for (const o of outcomes) this.finish(o.move as MoveRecord, o.done, o.reason);
    } catch (error) {
      for (const m of group) this.failed(m, error);
    }
  }

  private failed(m: MoveRecord, error: unknown): void {
    if (error instanceof DeposedError) this.context.deposed(error.message);
    this.finish(m, false, describeError(error));
  }

  /** Reports the outcome to the kernel: done commits the move (and frees the source's hold), failed plans it again. */
  private finish(m: MoveRecord, done: boolean, reason?: string): void {
    m.outcome = done ? "done" : "failed";
    m.reason = reason;
    m.endedAtMs = Date.now();
    this.moving.delete(m.slot);
    if (this.closed) return;
    const w = this.written.get(m.slot);
    if (done && w && m.from !== m.to) w.node = m.to; // from == to: nothing was written, the next write puts it where it runs
    try {
      this.placement.plans.report(m.slot, done ? "done" : "failed");
      if (!done) m.failures = this.placement.plans.move(m.slot).failures;
    } catch (error) {
      if (!(error instanceof MycoError)) throw error;
      if (error.codeName === "E_MOVE_GAVE_UP") { // the kernel's refusal, explained: an alert for the operator
        m.gaveUp = true;
        m.failures = this.placement.plans.move(m.slot).failures;
        this.context.log(`alert: move of ${m.instance} (${m.service}#${m.ordinal}) ${m.from} -> ${m.to} given up: ${error.message}`);
      } else this.context.log(`move ${m.instance}: ${error.message}`); // the instance went meanwhile: the next write removes its key
    }
    if (!m.gaveUp) this.context.log(`move ${m.instance} -> ${m.to} ${done ? "done" : `failed (${reason}; ${m.failures ?? "?"} in a row there): the kernel decides the next try`}`);
    if (done) this.context.changed();
    else setTimeout(() => this.context.changed(), 1000); // a target that keeps failing is not retried in a tight loop
  }

  /** What to write for the instances not moving: each where the kernel has it running, none where the kernel places it nowhere. */
  reconcile(): PlannedOp[] {
    const { fleet, plans } = this.placement;
    const { keys, epoch } = this.context;
    const ops = this.leftovers.splice(0);
    const live = new Map(fleet.assignments().map((a) => [a.slot, a]));
    const freed: Written[] = []; // instances gone from the kernel (scaled down, a spec replaced): a new slot on the same node keeps one
    for (const [slot, w] of this.written) {
      const a = live.get(slot);
      if (this.moving.has(slot) || (a && a.service === w.service)) continue;
      this.written.delete(slot);
      if (w.node !== undefined) freed.push(w);
    }
    for (const a of live.values()) {
      if (this.moving.has(a.slot)) continue;
      const from = plans.move(a.slot).from;
      const running = from === undefined ? undefined : fleet.nodeName(from);
      const wanted = a.node !== undefined && running !== undefined && this.context.alive(running) ? running : undefined;
      let w = this.written.get(a.slot);
      if (!w) {
        if (wanted === undefined) continue;
        const k = freed.findIndex((f) => f.service === a.service && f.node === wanted);
        w = k >= 0 ? freed.splice(k, 1)[0] : { service: a.service, instance: this.name(a.service), node: undefined };
        this.written.set(a.slot, w);
      }
      if (w.node === wanted) continue;
      const entry = w, old = w.node;
      if (old !== undefined) ops.push({ op: del(keys.assign(old, entry.instance)), landed: () => { if (entry.node === old) entry.node = undefined; } });
      if (wanted !== undefined) ops.push({ op: put(keys.assign(wanted, entry.instance), JSON.stringify({ service: entry.service, epoch })), landed: () => { entry.node = wanted; } });
    }
    for (const f of freed) ops.push({ op: del(keys.assign(f.node!, f.instance)), landed: () => undefined });
    return ops;
  }

  /** The instances as written: node and name per service. */
  assignments(): { node: string; service: string; instance: string }[] {
    return [...this.written.values()].filter((w) => w.node !== undefined).map((w) => ({ node: w.node!, service: w.service, instance: w.instance }));
  }

  inFlight(): number { return this.moving.size; }

  /** The moves for `myco fleet status`: each in flight, then the last RECENT_MOVES ended, newest first. */
  movesView(): MoveRow[] {
    const row = (m: MoveRecord): MoveRow => ({
      instance: m.instance, service: m.service, ordinal: m.ordinal, from: m.from, to: m.to, strategy: m.strategy, trigger: m.trigger,
      state: m.outcome === undefined ? "moving" : m.gaveUp ? "gave-up" : m.outcome, failures: m.failures ?? 0, startedAtMs: m.startedAtMs,
      ...(m.endedAtMs === undefined ? {} : { endedAtMs: m.endedAtMs }), ...(m.reason === undefined ? {} : { reason: m.reason }),
    });
    const moving = this.history.filter((m) => m.outcome === undefined);
    const ended = this.history.filter((m) => m.outcome !== undefined).slice(-RECENT_MOVES).reverse();
    return [...moving, ...ended].map(row);
  }

  private async write(ops: Op[]): Promise<void> {
    if (this.closed) throw new DeposedError("this executor no longer acts for the leader");
    const { succeeded } = await this.context.store.txn([this.context.fence], ops);
    if (!succeeded) throw new DeposedError("a fenced move write was refused: this coordinator no longer leads");
  }

  private async until(test: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + (this.context.readyTimeoutMs ?? 20_000);
    while (!test()) {
      if (this.closed) throw new DeposedError("no longer leading");
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

