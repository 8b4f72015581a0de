// Executing migrations: the kernel decides which instance moves where and by which strategy
// (a service's `placement.migration`); the coordinator performs the moves against the store,
// every write fenced on its leadership, gated on what the agents report:
//   blue-green  start every target copy beside the old ones, wait until all are ready and stay
//               ready for `ms`, switch the service's route to them in one transaction, then stop the old;
//   rolling     `batch` moves at a time: start the targets, wait ready, stop the old, wait `ms`;
//   live        hand the state over through the service's own snapshot hook (dump on the old
//               copy's node, load on the target's), start the target, wait ready, switch, stop the old.
// A gate that fails (a target not ready within the timeout, or failed) rolls back what that
// step started: its targets are stopped and the old copies keep serving.
import { put, del, type Compare, type Op, type Store } from "./store.ts";
import type { Keys } from "./keys.ts";
import type { Migration } from "../kernel/placement.ts";

/** One instance to move, as the kernel's plan states it. */
export interface Move { service: string; ordinal: number; from: string; to: string; strategy: Migration; batch: number; ms: number }

export interface MoveOutcome { move: Move; done: boolean; reason?: string; ms: number }

/** The service's own snapshot hook, run by the agents of the two nodes. */
export interface StateHandover {
  dump(node: string, instance: string): Promise<Buffer>;
  load(node: string, instance: string, state: Buffer): Promise<void>;
}

export interface MigrationContext {
  store: Store;
  keys: Keys;
  /** The leader's fence and epoch: a deposed coordinator's writes never land. */
  fence: Compare;
  epoch: number;
  /** How long a target may take to report running (default 20 s). */
  readyTimeoutMs?: number;
  handover?: StateHandover;
  /** The node left the fleet (its lease expired): a gate waiting on it fails at once. */
  gone?: (node: string) => boolean;
  log?: (line: string) => void;
}

export class DeposedError extends Error {}

export const instanceName = (m: Pick<Move, "service" | "ordinal">): string => `${m.service}-${m.ordinal}`;

/** Performs the moves, grouped by service and strategy; returns one outcome per move. */
export async function executeMoves(moves: Move[], context: MigrationContext): Promise<MoveOutcome[]> {
  const groups = new Map<string, Move[]>();
  for (const m of moves) (groups.get(`${m.service}\u0000${m.strategy}`) ?? groups.set(`${m.service}\u0000${m.strategy}`, []).get(`${m.service}\u0000${m.strategy}`)!).push(m);
  const out: MoveOutcome[] = [];
  for (const group of groups.values()) {
    const { strategy } = group[0];
    const batch = strategy === "blue-green" ? group.length : strategy === "live" ? 1 : Math.max(1, group[0].batch);
    for (let i = 0; i < group.length; i += batch) {
      const step = group.slice(i, i + batch);
      out.push(...await stepOf(step, context));
      if (strategy === "rolling" && i + batch < group.length && step[0].ms > 0) await sleep(step[0].ms);
    }
  }
  return out;
}

/** One step: start the targets, gate, (hand over,) switch, stop the old; or roll the step back. */
async function stepOf(step: Move[], context: MigrationContext): Promise<MoveOutcome[]> {
  const { keys } = context;
  const started = performance.now();
  const strategy = step[0].strategy;
  const say = (line: string) => context.log?.(`${strategy} ${step[0].service}: ${line}`);
  const outcome = (done: boolean, reason?: string) => step.map((move) => ({ move, done, reason, ms: performance.now() - started }));
  if (strategy === "live") {
    // The state first: dumped from the running copy, loaded on the target before its copy starts.
    const m = step[0];
    if (!context.handover) return outcome(false, `service '${m.service}': a live migration needs a state handover (its snapshot hook)`);
    try {
      const state = await context.handover.dump(m.from, instanceName(m));
      await context.handover.load(m.to, instanceName(m), state);
      say(`handed ${state.length} bytes of state from ${m.from} to ${m.to}`);
    } catch (error) {
      say(`handover failed: ${(error as Error).message}; nothing moved`);
      return outcome(false, `handover: ${(error as Error).message}`);
    }
  }
  await write(context, step.map((m) => put(keys.assign(m.to, instanceName(m)), JSON.stringify({ service: m.service, epoch: context.epoch }))));
  say(`started ${step.map((m) => `${instanceName(m)} on ${m.to}`).join(", ")}`);
  const hold = strategy === "blue-green" ? step[0].ms : 0;
  const failed = (await Promise.all(step.map((m) => ready(context, m.to, instanceName(m), hold)))).find((r) => r !== undefined);
  if (failed) {
    await write(context, step.map((m) => del(keys.assign(m.to, instanceName(m)))));
    say(`gate failed (${failed}): rolled back, the old copies keep serving`);
    return outcome(false, failed);
  }
  await switchRoute(context, step);
  await write(context, step.map((m) => del(keys.assign(m.from, instanceName(m)))));
  say(`switched to ${step.map((m) => m.to).join(", ")} and stopped the old copies`);
  return outcome(true);
}

/** The service's route names the copies that serve: the moved ones now on their targets, in one fenced transaction. */
async function switchRoute(context: MigrationContext, step: Move[]): Promise<void> {
  const key = context.keys.route(step[0].service);
  const current = await context.store.get(key);
  const serving = new Map<string, string>(current ? Object.entries((JSON.parse(current.value) as { serving: Record<string, string> }).serving) : []);
  for (const m of step) serving.set(instanceName(m), m.to);
  await write(context, [put(key, JSON.stringify({ serving: Object.fromEntries(serving), epoch: context.epoch }))]);
}

async function write(context: MigrationContext, ops: Op[]): Promise<void> {
  const { succeeded } = await context.store.txn([context.fence], ops);
  if (!succeeded) throw new DeposedError("a fenced migration write was refused: this coordinator no longer leads");
}

/** undefined once the instance reports running continuously for `holdMs`; else why not. */
async function ready(context: MigrationContext, node: string, instance: string, holdMs: number): Promise<string | undefined> {
  const deadline = Date.now() + (context.readyTimeoutMs ?? 20_000);
  let since: number | undefined;
  for (;;) {
    const kv = await context.store.get(context.keys.status(node, instance)).catch(() => undefined);
    const state = kv ? (JSON.parse(kv.value) as { state: string }).state : undefined;
    if (state === "failed") return `${instance} failed on ${node}`;
    if (context.gone?.(node)) return `${node} left the fleet while ${instance} was moving there`;
    if (state === "running") {
      since ??= Date.now();
      if (Date.now() - since >= holdMs) return undefined;
    } else since = undefined;
    if (Date.now() > deadline) return `${instance} not ready on ${node} within ${context.readyTimeoutMs ?? 20_000} ms (state: ${state ?? "none"})`;
    await sleep(100);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
