// A staged fleet rollout (issue 15): a service's new spec reaches the fleet by node groups, a
// canary node first, then waves by tier (hyphae, rhizomorph, sclerotia: the least critical
// first), with a health gate between stages. A stage pins the new spec on its nodes' assignments
// (the agents restart those copies on it); its gate passes once every copy reports running on the
// new revision, in a new process, for `gateMs`. A gate that fails rolls back every stage done
// (their assignments pinned to the old spec again) and the fleet's spec stays the old one. When
// all stages pass, the fleet's spec becomes the new one and the pins are dropped (nothing
// restarts: the agents already run it). A node that dies mid-rollout: the coordinator re-places
// its instances; the stage follows each instance by name to its new node, pins a re-placed one of
// a stage done or current to the new revision again, and gates on it there; one that cannot be
// re-placed in time fails the gate (rolled back), so a rollout never waits forever.
// Every write is fenced on the leader's election key.
import { put, type Compare, type Op, type Store } from "./store.ts";
import { decodeAssign, decodeNode, decodeService, decodeStatus, specRevision, type Keys, type ServiceRecord } from "./keys.ts";
import { DeposedError } from "./migration.ts";
import { TIERS, type Tier } from "../kernel/placement.ts";

export interface RolloutOptions {
  store: Store;
  keys: Keys;
  fence: Compare;
  epoch: number;
  /** How long every copy of a stage must run the new revision before the next stage (default 2 s). */
  gateMs?: number;
  /** How long a stage may take to pass its gate (default 30 s). */
  stageTimeoutMs?: number;
  /** The canary node (default: the first node of the first wave). */
  canary?: string;
  log?: (line: string) => void;
}

export interface Stage { name: string; nodes: string[] }
export interface RolloutResult { done: boolean; stages: { stage: Stage; passed: boolean; ms: number }[]; failed?: string; revision: string }

/** Least critical first: hyphae, then rhizomorph, then sclerotia. */
const WAVE_ORDER: Tier[] = [...TIERS].sort((a, b) => ["hyphae", "rhizomorph", "sclerotia"].indexOf(a) - ["hyphae", "rhizomorph", "sclerotia"].indexOf(b));

/** The canary stage and the waves by tier, over the nodes that run the service. */
export function stagesOf(nodes: Map<string, Tier>, canary?: string): Stage[] {
  const ordered = [...nodes].sort(([a, ta], [b, tb]) => WAVE_ORDER.indexOf(ta) - WAVE_ORDER.indexOf(tb) || (a < b ? -1 : 1)).map(([n]) => n);
  if (canary !== undefined && !nodes.has(canary)) throw new Error(`canary node '${canary}' runs no copy of the service (nodes: ${ordered.join(", ") || "none"})`);
  const first = canary ?? ordered[0];
  if (first === undefined) return [];
  const stages: Stage[] = [{ name: `canary ${first}`, nodes: [first] }];
  for (const tier of WAVE_ORDER) {
    const wave = ordered.filter((n) => n !== first && nodes.get(n) === tier);
    if (wave.length) stages.push({ name: `wave ${tier}`, nodes: wave });
  }
  return stages;
}

/** Where each instance of the service is assigned now (a dead node's instances move: the coordinator re-places them). */
type Where = Map<string, { node: string; key: string; pinned?: string }>;

async function where(store: Store, keys: Keys, service: string): Promise<Where> {
  const out: Where = new Map();
  for (const kv of (await store.range(keys.prefix("assign"))).kvs) {
    const record = decodeAssign(kv.key, kv.value);
    if (record.service !== service) continue;
    const [node, instance] = keys.parse(kv.key)!.parts;
    out.set(instance, { node, key: kv.key, pinned: record.spec && specRevision(record.spec) });
  }
  return out;
}

export async function rolloutService(next: ServiceRecord, options: RolloutOptions): Promise<RolloutResult> {
  const { store, keys } = options;
  const say = (line: string) => options.log?.(`rollout ${next.name}: ${line}`);
  const serviceKey = keys.service(next.name);
  const currentKv = await store.get(serviceKey);
  if (!currentKv) throw new Error(`service '${next.name}' is not in the fleet (no ${serviceKey})`);
  const current = decodeService(serviceKey, currentKv.value);
  const revision = specRevision(next);
  // What runs the service now, and each node's tier. A stage is the instances on its nodes now:
  // one whose node dies meanwhile is followed to where the coordinator re-places it.
  const start = await where(store, keys, next.name);
  const tiers = new Map<string, Tier>();
  for (const { node } of start.values()) {
    if (tiers.has(node)) continue;
    const kv = await store.get(keys.node(node));
    tiers.set(node, kv ? decodeNode(kv.key, kv.value).tier : "sclerotia");
  }
  const stages = stagesOf(tiers, options.canary);
  const members = (stage: Stage) => [...start].filter(([, a]) => stage.nodes.includes(a.node)).map(([instance]) => instance);
  say(`to revision ${revision} in ${stages.length} stages: ${stages.map((s) => `${s.name} (${s.nodes.join(", ")})`).join(" -> ")}`);
  /** Pins (or, spec undefined, unpins) the instances where they are assigned now. */
  const pin = async (instances: string[], spec: ServiceRecord | undefined, also: Op[] = []): Promise<void> => {
    const at = await where(store, keys, next.name);
    await write(options, [...also, ...instances.filter((i) => at.has(i)).map((i) => put(at.get(i)!.key, JSON.stringify({ service: next.name, epoch: options.epoch, ...(spec ? { spec } : {}) })))]);
  };
  const result: RolloutResult = { done: false, stages: [], revision };
  const rolled: string[] = [];
  for (const stage of stages) {
    const started = performance.now();
    const instances = members(stage);
    const before = await pids(store, keys, instances);
    rolled.push(...instances);
    await pin(instances, next);
    const failed = await gate(options, stage, instances, rolled, next, before);
    result.stages.push({ stage, passed: failed === undefined, ms: performance.now() - started });
    if (failed !== undefined) {
      await pin(rolled, current);
      say(`${stage.name}: gate failed (${failed}); rolled back ${result.stages.length} stage(s) on ${result.stages.flatMap((s) => s.stage.nodes).join(", ")} (${rolled.join(", ")}) to revision ${specRevision(current)}`);
      result.failed = `${stage.name}: ${failed}`;
      return result;
    }
    say(`${stage.name}: healthy on ${revision}`);
  }
  await pin([...(await where(store, keys, next.name)).keys()], undefined, [put(serviceKey, JSON.stringify(next))]);
  say(`done: the fleet's spec is revision ${revision}`);
  result.done = true;
  return result;
}

/** instance -> "node pid" of the copy running now (a copy elsewhere, or in a new process, is a new one). */
async function pids(store: Store, keys: Keys, instances: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kv of (await store.range(keys.prefix("status"))).kvs) {
    const [node, instance] = keys.parse(kv.key)!.parts;
    if (instances.includes(instance)) out.set(instance, `${node} ${decodeStatus(kv.key, kv.value).pid}`);
  }
  return out;
}

/**
 * undefined once every instance of the stage runs `revision` in a new process for gateMs, wherever
 * it is assigned now; else why not. An instance rolled already that the coordinator re-placed
 * (its node died) lost its pin: it is pinned again, so it runs the new revision there too.
 */
async function gate(options: RolloutOptions, stage: Stage, instances: string[], rolled: string[], next: ServiceRecord, before: Map<string, string>): Promise<string | undefined> {
  const { store, keys } = options;
  const revision = specRevision(next);
  const deadline = Date.now() + (options.stageTimeoutMs ?? 30_000);
  let since: number | undefined;
  for (;;) {
    let healthy = true;
    let why = "";
    const at = await where(store, keys, next.name).catch(() => new Map() as Where);
    const lost = rolled.filter((i) => at.has(i) && at.get(i)!.pinned !== revision);
    if (lost.length) {
      await write(options, lost.map((i) => put(at.get(i)!.key, JSON.stringify({ service: next.name, epoch: options.epoch, spec: next }))));
      options.log?.(`rollout ${next.name}: ${stage.name}: pinned ${lost.map((i) => `${i} on ${at.get(i)!.node}`).join(", ")} to ${revision} again (re-placed: its node died)`);
    }
    for (const instance of instances) {
      const node = at.get(instance)?.node;
      const kv = node === undefined ? undefined : await store.get(keys.status(node, instance)).catch(() => undefined);
      const status = kv && decodeStatus(kv.key, kv.value);
      if (status?.revision === revision && status.state === "failed") return `${instance} failed on ${node}`;
      if (!status || status.revision !== revision || status.state !== "running" || `${node} ${status.pid}` === before.get(instance)) {
        healthy = false;
        why = `${instance} on ${node ?? "no node (waiting to be re-placed)"}: ${status ? `${status.state} on ${status.revision ?? "?"}` : "no status"}`;
      }
    }
    if (healthy) {
      since ??= Date.now();
      if (Date.now() - since >= (options.gateMs ?? 2000)) return undefined;
    } else since = undefined;
    if (Date.now() > deadline) return `not healthy within ${options.stageTimeoutMs ?? 30_000} ms (${why})`;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function write(options: RolloutOptions, ops: Op[]): Promise<void> {
  if (!ops.length) return;
  const { succeeded } = await options.store.txn([options.fence], ops);
  if (!succeeded) throw new DeposedError("a fenced rollout write was refused: this coordinator no longer leads");
}
