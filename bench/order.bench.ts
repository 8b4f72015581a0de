// Dependency ordering end to end: register N services, declare ~4 dependencies each, get the
// start order as names. Against `dependency-graph` and `toposort` on the same graph.
import depGraph from "dependency-graph";
import toposort from "toposort";
import { Kernel, VirtualHal, splitmix32 } from "../host/index.ts";
import { measureOnce, lowerIsBetter, type BenchRow } from "./harness.ts";

const { DepGraph } = depGraph;
const EDGES_PER_SERVICE = 4;

interface Graph { names: string[]; edges: [number, number][]; flatEdges: Int32Array }

/** A random DAG: every edge points to a lower index (a dependency registered earlier). */
function makeGraph(n: number, seed = 42): Graph {
  const random = splitmix32(seed);
  const names = Array.from({ length: n }, (_, i) => `svc-${i}`);
  const edges: [number, number][] = [];
  for (let from = 1; from < n; from++) {
    const targets = new Set<number>();
    for (let k = 0; k < EDGES_PER_SERVICE && targets.size < from; k++) targets.add(random() % from);
    for (const to of targets) edges.push([from, to]);
  }
  return { names, edges, flatEdges: Int32Array.from(edges.flat()) };
}

function mycoOrder(kernel: Kernel, { names, flatEdges }: Graph): string[] {
  const x = kernel.exports;
  x.reset();
  const ids = new Int32Array(names.length);
  for (let i = 0; i < names.length; i++) ids[i] = kernel.check(x.serviceRegister(kernel.put(names[i]), 1, 0));
  for (let e = 0; e < flatEdges.length; e += 2) kernel.check(x.dependencyAdd(ids[flatEdges[e]], ids[flatEdges[e + 1]], 1));
  const count = kernel.check(x.order());
  const pairs = new Uint16Array(x.memory.buffer, x.ioBuffer(), count * 2);
  const order = new Array<string>(count);
  for (let i = 0; i < count; i++) order[i] = names[pairs[2 * i]]; // ids are registration order after reset
  return order;
}

function dependencyGraphOrder({ names, edges }: Graph): string[] {
  const graph = new DepGraph();
  for (const name of names) graph.addNode(name);
  for (const [from, to] of edges) graph.addDependency(names[from], names[to]);
  return graph.overallOrder();
}

function toposortOrder({ names, edges }: Graph): string[] {
  // toposort wants [before, after]: the dependency comes first.
  return toposort.array(names, edges.map(([from, to]) => [names[to], names[from]]));
}

export async function run(): Promise<BenchRow[]> {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "bench" });
  const rows: BenchRow[] = [];
  const times = new Map<number, number>();
  for (const n of [1024, 4096, 8192]) {
    if (n > kernel.limits.services) continue;
    const graph = makeGraph(n);
    if (mycoOrder(kernel, graph).length !== n) throw new Error("myco ordered a different number of services");
    const myco = measureOnce(() => mycoOrder(kernel, graph), 9);
    const dg = measureOnce(() => dependencyGraphOrder(graph), 9);
    const ts = measureOnce(() => toposortOrder(graph), 9);
    times.set(n, myco);
    rows.push(lowerIsBetter(`order ${n} services ${graph.edges.length} edges`, "ms", myco, "dependency-graph", dg));
    rows.push(lowerIsBetter(`order ${n} services ${graph.edges.length} edges`, "ms", myco, "toposort", ts));
  }
  {
    // What every run above pays before ordering: reset() of the bench profile, and registering
    // one service from JS (4096 after a reset, per service).
    const x = kernel.exports;
    const names = Array.from({ length: 4096 }, (_, i) => `svc-${i}`);
    const register = () => { x.reset(); for (const name of names) kernel.check(x.serviceRegister(kernel.put(name), 1, 0)); };
    const resetMs = measureOnce(() => x.reset(), 9);
    const registerNs = (measureOnce(register, 9) - resetMs) * 1e6 / names.length;
    rows.push({ name: "order: reset() of the bench profile", unit: "ms", value: resetMs, peer: null, peerValue: null, ratio: null });
    rows.push({ name: "order: register one service from JS (4096 after a reset)", unit: "ns", value: registerNs, peer: null, peerValue: null, ratio: null });
  }
  if (times.has(4096) && times.has(8192)) {
    rows.push({ name: "order scaling time(8192)/time(4096)", unit: "x", value: times.get(8192)! / times.get(4096)!, peer: null, peerValue: null, ratio: null });
  }
  return rows;
}
