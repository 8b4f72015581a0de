// Picks near the floor (issue 16): the per-pick cost of round robin, weighted round robin and
// random at 64 instances, four ways: the bare export (kernel.exports.balancePick), the typed API
// (Balancer.pick), a batch of 64 through the typed API (Balancer.pickMany: one boundary
// crossing, handles read from the I/O buffer), next to `loadbalance` (the npm peer: a pick is a
// method call on a JS object, no eligibility, breakers or statistics) and to the empty-export
// floor (`noop`). Goals: the batch at or below loadbalance per pick; a single typed pick within
// 3x the floor. All four of a strategy are measured in alternation, so they see the same load.
import { roundRobin, random } from "loadbalance";
import { Kernel, RealHal, Balancer, type Strategy } from "../host/index.ts";
import { measure, lowerIsBetter, type BenchRow } from "./harness.ts";

const INSTANCES = 64;
const BATCH = 64;

function pool(strategy: Strategy, weighted: boolean): { kernel: Kernel; balancer: Balancer; id: number } {
  const kernel = new Kernel({ hal: new RealHal(), profile: "release" });
  const balancer = new Balancer(kernel);
  const id = kernel.register("api", { instances: INSTANCES });
  kernel.start(id);
  for (let actions = kernel.drainActions(); actions.length > 0; actions = kernel.drainActions()) {
    for (const action of actions) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  }
  balancer.setStrategy(id, strategy);
  if (weighted) kernel.instances(id).forEach((h, i) => balancer.setWeight(h, 1 + (i % 5)));
  return { kernel, balancer, id };
}

/** Medians of `fns` measured in alternation, `rounds` times. */
function alternated(fns: (() => void)[], rounds = 5): number[] {
  const samples = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) fns.forEach((fn, i) => samples[i].push(measure(fn, { minMs: 20, samples: 5 })));
  return samples.map((xs) => xs.sort((a, b) => a - b)[xs.length >> 1]);
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const objects = Array.from({ length: INSTANCES }, (_, i) => `instance-${i}`);
  const weightedPool = () => objects.map((object, i) => ({ object, weight: 1 + (i % 5) }));
  const cases: [Strategy, boolean, string, { pick(): string }][] = [
    ["round-robin", false, "loadbalance roundRobin", roundRobin(objects)],
    ["weighted-round-robin", true, "loadbalance roundRobin (weighted)", roundRobin(weightedPool())],
    ["random", false, "loadbalance random", random(objects, 42)],
  ];
  for (const [strategy, weighted, peer, engine] of cases) {
    const { kernel, balancer, id } = pool(strategy, weighted);
    const x = kernel.exports;
    const picked = balancer.picked;
    let sink = 0;
    const [floor, bare, typed, batch, theirs] = alternated([
      () => { x.noop(); },
      () => { x.balancePick(id); },
      () => { balancer.pick(id); },
      () => { const n = balancer.pickMany(id, BATCH); for (let i = 0; i < n; i++) sink ^= picked[i]; },
      () => { engine.pick(); },
    ]);
    if (sink === 0.5) console.error(sink); // keeps the reads of the handles alive
    const perPick = batch / BATCH;
    const name = `picks ${strategy}, ${INSTANCES} instances`;
    rows.push(lowerIsBetter(`${name}: bare export balancePick`, "ns/op", bare, "no-op export call", floor));
    rows.push(lowerIsBetter(`${name}: typed API pick (goal <= 3x the floor)`, "ns/op", typed, "no-op export call", floor));
    rows.push(lowerIsBetter(`${name}: typed API pickMany of ${BATCH}, per pick`, "ns/op", perPick, "no-op export call", floor));
    rows.push(lowerIsBetter(`${name}: typed API pickMany of ${BATCH}, per pick (goal: at or below the peer)`, "ns/op", perPick, peer, theirs));
    rows.push(lowerIsBetter(`${name}: typed API pick`, "ns/op", typed, peer, theirs));
  }
  return rows;
}
