// Load balancing: every strategy's pick across the JS -> WASM boundary and in a kernel-side
// batch loop (what a native host pays), at 8 and 64 instances, next to the boundary floor (an
// exported no-op); against the npm packages a Node user would pick: `loadbalance` (round
// robin, weighted, random), `hashring` (consistent-hash lookup of the same distinct keys), and
// breaker bookkeeping per call against `opossum` and `cockatiel` wrapping a no-op action.
//
// What the peers do by default: hashring hashes every key with md5 (node:crypto) and keeps the
// last 5,000 answers in an LRU cache, so it is measured both on distinct keys (cache misses) and
// on 1,000 keys that repeat (cache hits); opossum's `fire` and cockatiel's `execute` are
// asynchronous (a promise per call; opossum has no synchronous call), so cockatiel is also
// measured through its synchronous core, a CountBreaker's `success()` with no policy around it.
import HashRing from "hashring";
import { roundRobin, random } from "loadbalance";
import CircuitBreaker from "opossum";
import { circuitBreaker, handleAll, ConsecutiveBreaker, CountBreaker, CircuitState } from "cockatiel";
import { Kernel, RealHal, Balancer, STRATEGIES, type Strategy } from "../host/index.ts";
import { measure, lowerIsBetter, type BenchRow } from "./harness.ts";

const SIZES = [8, 64] as const;
const KEY_COUNT = 1 << 16; // distinct keys, cycled: more than hashring's LRU cache holds
const KEY_MASK = KEY_COUNT - 1;
const HOT_KEYS = 1000; // repeating keys: all inside hashring's 5,000-entry LRU cache
const BATCH = 1000;

interface Setup { kernel: Kernel; balancer: Balancer; id: number; handles: number[] }

function setup(n: number, strategy: Strategy, weighted: boolean): Setup {
  const kernel = new Kernel({ hal: new RealHal(), profile: "bench" });
  const balancer = new Balancer(kernel);
  const id = kernel.register("api", { instances: n });
  kernel.start(id);
  for (let actions = kernel.drainActions(); actions.length > 0; actions = kernel.drainActions()) {
    for (const action of actions) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  }
  const handles = kernel.instances(id);
  balancer.setStrategy(id, strategy);
  if (weighted) handles.forEach((h, i) => balancer.setWeight(h, 1 + (i % 5)));
  return { kernel, balancer, id, handles };
}

const WEIGHTED = new Set<Strategy>(["weighted-round-robin", "weighted-least-connections"]);
const KEYED = new Set<Strategy>(["ip-hash", "consistent-hash"]);

/**
 * Two measurements taken in alternation, `rounds` times, each reported as its median: on a busy
 * machine the pair sees the same load, so their ratio holds even when absolute times drift.
 */
function paired(a: () => void, b: () => void, options: { batch?: number } = {}, rounds = 5): [number, number] {
  const as: number[] = [], bs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    as.push(measure(a, { minMs: 20, samples: 5 }));
    bs.push(measure(b, { minMs: 20, samples: 5, ...options }));
  }
  const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
  return [median(as), median(bs)];
}

/** Async peers: ns per sequential awaited call, median of 7 samples. */
async function measureAsync(fn: () => Promise<unknown>, calls = 20_000): Promise<number> {
  for (let i = 0; i < calls; i++) await fn();
  const samples: number[] = [];
  for (let s = 0; s < 7; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) await fn();
    samples.push(Number(process.hrtime.bigint() - start) / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[3];
}

function row(name: string, value: number, peer: string | null = null, peerValue: number | null = null): BenchRow {
  return lowerIsBetter(name, "ns/op", value, peer, peerValue);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const floorKernel = setup(8, "round-robin", false).kernel.exports;
  const noop = () => { floorKernel.noop(); };
  const floors: number[] = [];

  // Keys cross the boundary as i32 (a u32 above 2^31 would be a heap number to V8's wrapper).
  const ipKeys = Int32Array.from({ length: KEY_COUNT }, (_, i) => (10 << 24) | ((i * 2654435761) & 0xffffff));
  const ipStrings = Array.from(ipKeys, (k) => `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`);
  const stringKeys = Array.from({ length: KEY_COUNT }, (_, i) => `user-${i}-session`);

  const variants: [Strategy, string][] = [...STRATEGIES.map((s): [Strategy, string] => [s, s]),
    ["least-connections", "least-connections (two choices)"], ["weighted-least-connections", "weighted-least-connections (two choices)"]];
  for (const n of SIZES) {
    for (const [strategy, label] of variants) {
      const { kernel, balancer, id } = setup(n, strategy, WEIGHTED.has(strategy));
      if (label.endsWith("(two choices)")) balancer.setOption(id, "choices", 2);
      const x = kernel.exports;
      let k = 0;
      if (x.balancePick(id) < 0) throw new Error(`${strategy}: pick failed`);
      const pick = KEYED.has(strategy)
        ? () => { x.balancePickKey(id, ipKeys[k++ & KEY_MASK]); }
        : () => { x.balancePick(id); };
      const [floor, boundary] = paired(noop, pick);
      floors.push(floor);
      const batch = measure(() => { x.balancePickBatch(id, BATCH, k); k += BATCH; }, { batch: 4 }) / BATCH;
      rows.push(row(`balance ${label} pick, ${n} instances, across the boundary (vs the floor)`, boundary, "no-op export call", floor));
      rows.push(row(`balance ${label} pick, ${n} instances, kernel batch loop`, batch, "no-op export call", floor));
    }
  }

  for (const n of SIZES) {
    const objects = Array.from({ length: n }, (_, i) => `instance-${i}`);
    const weightedPool = objects.map((object, i) => ({ object, weight: 1 + (i % 5) }));
    const peers: [Strategy, boolean, string, { pick(): string }][] = [
      ["round-robin", false, "loadbalance roundRobin", roundRobin(objects)],
      ["weighted-round-robin", true, "loadbalance roundRobin (weighted)", roundRobin(weightedPool.map((e) => ({ ...e })))],
      ["random", false, "loadbalance random", random(objects, 42)],
      ["random", true, "loadbalance random (weighted)", random(weightedPool.map((e) => ({ ...e })), 42)],
    ];
    for (const [strategy, weighted, peer, engine] of peers) {
      const { balancer, id } = setup(n, strategy, weighted);
      const [myco, theirs] = paired(() => { balancer.pick(id); }, () => { engine.pick(); });
      rows.push(row(`balance ${strategy}${weighted ? " (weighted)" : ""} pick, ${n} instances, typed host API`, myco, peer, theirs));
    }

    const ring = new HashRing(objects);
    {
      const { balancer, id } = setup(n, "consistent-hash", false);
      let k = 0, j = 0;
      const [myco, theirs] = paired(
        () => { balancer.pickBytes(id, stringKeys[k++ & KEY_MASK]); },
        () => { ring.get(stringKeys[j++ & KEY_MASK]); }, { batch: 100 }, 3);
      rows.push(row(`balance consistent-hash lookup of distinct string keys, ${n} instances`, myco, "hashring get", theirs));
    }
    {
      const { balancer, id } = setup(n, "consistent-hash", false);
      let k = 0, j = 0;
      const [myco, theirs] = paired(
        () => { balancer.pickBytes(id, stringKeys[k++ % HOT_KEYS]); },
        () => { ring.get(stringKeys[j++ % HOT_KEYS]); }, { batch: 100 }, 3);
      rows.push(row(`balance consistent-hash lookup of ${HOT_KEYS} repeating string keys, ${n} instances`, myco, "hashring get (cache hits)", theirs));
    }
    {
      const { balancer, id } = setup(n, "ip-hash", false);
      let k = 0, j = 0;
      const [myco, theirs] = paired(
        () => { balancer.pickAddress(id, ipStrings[k++ & KEY_MASK]); },
        () => { ring.get(ipStrings[j++ & KEY_MASK]); }, { batch: 100 }, 3);
      rows.push(row(`balance ip-hash pick of distinct IPv4 client addresses (text), ${n} instances`, myco, "hashring get", theirs));
    }
  }

  {
    const { kernel, balancer, id, handles } = setup(8, "round-robin", false);
    balancer.configureBreaker(id, { windowSize: 20, minCalls: 10, failureRatePercent: 50, consecutiveFailures: 5 });
    const x = kernel.exports;
    const h = handles[0];
    const opossum = new CircuitBreaker(async () => undefined, { timeout: false, errorThresholdPercentage: 50, resetTimeout: 30_000 });
    const cockatiel = circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) });
    // The same window as Myco's breaker here: 20 calls, at least 10, opens at 50 % failures.
    const countBreaker = new CountBreaker({ threshold: 0.5, size: 20, minimumNumberOfCalls: 10 });
    const samples: number[][] = [[], [], [], [], []];
    for (let round = 0; round < 3; round++) { // in alternation, so all four see the same load
      samples[0].push(measure(() => { x.balanceRequestStarted(h); x.balanceRequestFinished(h, 1, 1); }));
      samples[1].push(measure(() => { x.balanceRequestFinished(x.balancePick(id), 1, 1); }));
      samples[2].push(await measureAsync(() => opossum.fire()));
      samples[3].push(await measureAsync(() => cockatiel.execute(() => undefined)));
      samples[4].push(measure(() => { countBreaker.success(CircuitState.Closed); }));
    }
    opossum.shutdown();
    const [myco, withPick, theirsOpossum, theirsCockatiel, theirsSync] = samples.map((xs) => xs.sort((a, b) => a - b)[1]);
    rows.push(row("balance breaker bookkeeping per call (request started + finished)", myco, "opossum fire(no-op)", theirsOpossum));
    rows.push(row("balance breaker bookkeeping per call (request started + finished)", myco, "cockatiel execute(no-op)", theirsCockatiel));
    rows.push(row("balance breaker bookkeeping per call (request started + finished)", myco, "cockatiel CountBreaker success() (synchronous)", theirsSync));
    rows.push(row("balance breaker + round-robin pick per call (pick + finished)", withPick, "opossum fire(no-op)", theirsOpossum));
  }
  floors.sort((a, b) => a - b);
  // A call that passes one i32 and returns one costs more than the no-op at the boundary itself
  // (V8 converts the argument and the result): a trivial such export shows what any pick pays.
  const [noopAgain, oneArgument] = paired(noop, () => { floorKernel.serviceState(0); });
  rows.unshift(row("balance boundary floor: a trivial export with one i32 argument and result (serviceState)", oneArgument, "no-op export call", noopAgain));
  rows.unshift(row("balance boundary floor: an exported no-op called from JS (median of the pairings)", floors[floors.length >> 1]));
  return rows;
}
