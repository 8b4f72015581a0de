// A staged fleet rollout (issue 15): a service's new spec reaches the fleet by node groups, a
// canary node first, then waves by tier (hyphae, rhizomorph, sclerotia: the least critical
// first), with a health gate between stages. A stage pins the new spec on its nodes' assignments
// (the agents restart those copies on it); its gate passes once every copy reports running on the
// new revision, in a new process, for `gateMs`. A gate that fails rolls back every stage done
// (their assignments pinned to the old spec again) and the fleet's spec stays the old one. When
// all stages pass, the fleet's spec becomes the new one and the pins are dropped (nothing
// restarts: the agents already run it). Every write is fenced on the leader's election key.
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

export async function rolloutService(next: ServiceRecord, options: RolloutOptions): Promise<RolloutResult> {
  const { store, keys } = options;
  const say = (line: string) => options.log?.(`rollout ${next.name}: ${line}`);
  const serviceKey = keys.service(next.name);
  const currentKv = await store.get(serviceKey);
  if (!currentKv) throw new Error(`service '${next.name}' is not in the fleet (no ${serviceKey})`);
  const current = decodeService(serviceKey, currentKv.value);
  const revision = specRevision(next);
  // What runs the service now: instance keys by node, and each node's tier.
  const assigned = new Map<string, string[]>();
  for (const kv of (await store.range(keys.prefix("assign"))).kvs) {
    if (decodeAssign(kv.key, kv.value).service !== next.name) continue;
    const [node] = keys.parse(kv.key)!.parts;
    (assigned.get(node) ?? assigned.set(node, []).get(node)!).push(kv.key);
  }
  const tiers = new Map<string, Tier>();
  for (const node of assigned.keys()) {
    const kv = await store.get(keys.node(node));
    tiers.set(node, kv ? decodeNode(kv.key, kv.value).tier : "sclerotia");
  }
  const stages = stagesOf(tiers, options.canary);
  say(`to revision ${revision} in ${stages.length} stages: ${stages.map((s) => `${s.name} (${s.nodes.join(", ")})`).join(" -> ")}`);
  const pin = (nodes: string[], spec: ServiceRecord | undefined): Op[] =>
    nodes.flatMap((n) => assigned.get(n)!).map((key) => put(key, JSON.stringify({ service: next.name, epoch: options.epoch, ...(spec ? { spec } : {}) })));
  const result: RolloutResult = { done: false, stages: [], revision };
  for (const stage of stages) {
    const started = performance.now();
    const before = await pids(store, keys, stage.nodes, assigned);
    await write(options, pin(stage.nodes, next));
    const failed = await gate(options, stage, assigned, revision, before);
    result.stages.push({ stage, passed: failed === undefined, ms: performance.now() - started });
    if (failed !== undefined) {
      const done = result.stages.map((s) => s.stage.nodes).flat();
      await write(options, pin(done, current));
      say(`${stage.name}: gate failed (${failed}); rolled back ${result.stages.length} stage(s) on ${done.join(", ")} to revision ${specRevision(current)}`);
      result.failed = `${stage.name}: ${failed}`;
      return result;
    }
    say(`${stage.name}: healthy on ${revision}`);
  }
  await write(options, [put(serviceKey, JSON.stringify(next)), ...pin([...assigned.keys()], undefined)]);
  say(`done: the fleet's spec is revision ${revision}`);
  result.done = true;
  return result;
}

async function pids(store: Store, keys: Keys, nodes: string[], assigned: Map<string, string[]>): Promise<Map<string, number | undefined>> {
  const out = new Map<string, number | undefined>();
  for (const node of nodes) for (const key of assigned.get(node)!) {
    const instance = keys.parse(key)!.parts[1];
    const kv = await store.get(keys.status(node, instance));
    out.set(`${node}/${instance}`, kv ? decodeStatus(kv.key, kv.value).pid : undefined);
  }
  return out;
}

/** undefined once every copy of the stage runs `revision` in a new process for gateMs; else why not. */
async function gate(options: RolloutOptions, stage: Stage, assigned: Map<string, string[]>, revision: string, before: Map<string, number | undefined>): Promise<string | undefined> {
  const { store, keys } = options;
  const deadline = Date.now() + (options.stageTimeoutMs ?? 30_000);
  let since: number | undefined;
  for (;;) {
    let healthy = true;
    let why = "";
    for (const node of stage.nodes) for (const key of assigned.get(node)!) {
      const instance = keys.parse(key)!.parts[1];
      const kv = await store.get(keys.status(node, instance)).catch(() => undefined);
      const status = kv && decodeStatus(kv.key, kv.value);
      if (status?.revision === revision && status.state === "failed") return `${instance} failed on ${node}`;
      if (!status || status.revision !== revision || status.state !== "running" || status.pid === before.get(`${node}/${instance}`)) {
        healthy = false;
        why = `${instance} on ${node}: ${status ? `${status.state} on ${status.revision ?? "?"}` : "no status"}`;
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
