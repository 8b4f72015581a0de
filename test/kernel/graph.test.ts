// Dependency graph: wave order, cycles with their paths (also in disconnected parts), and the
// same cycle paths the `dependency-graph` npm package reports on the same graphs.
import { describe, it, expect } from "vitest";
import depGraph from "dependency-graph";
import { splitmix32 } from "../../host/index.ts";
import { virtualKernel, expectError } from "../helpers.ts";

const { DepGraph, DepGraphCycleError } = depGraph;

/** Rotates a cycle path (a -> b -> c -> a) to start at its smallest name, for comparison. */
function normalizeCycle(path: string[]): string {
  const ring = path.slice(0, -1);
  const start = ring.indexOf([...ring].sort()[0]);
  const rotated = [...ring.slice(start), ...ring.slice(0, start)];
  return [...rotated, rotated[0]].join(" -> ");
}

function cyclesOf(message: string): string[] {
  const list = message.replace(/^dependency cycle: /, "");
  return list.split("; ").map((cycle) => normalizeCycle(cycle.split(" -> ")));
}

describe("start order", () => {
  it("groups services into waves, ids ascending inside a wave", () => {
    const { kernel } = virtualKernel();
    for (const name of ["ui", "telemetry", "storage", "sensor", "clock"]) kernel.register(name);
    kernel.depend("ui", "telemetry", "wants");
    kernel.depend("ui", "storage");
    kernel.depend("telemetry", "storage");
    kernel.depend("storage", "sensor");
    kernel.depend("telemetry", "clock", "after");
    expect(kernel.order()).toEqual({
      order: ["sensor", "clock", "storage", "telemetry", "ui"],
      waves: [["sensor", "clock"], ["storage"], ["telemetry"], ["ui"]],
    });
  });

  it("gives a valid topological order on random DAGs (every dependency before its dependent)", () => {
    const random = splitmix32(42);
    const { kernel } = virtualKernel();
    const n = 100;
    for (let i = 0; i < n; i++) kernel.register(`s${i}`);
    const edges: [number, number][] = [];
    for (let i = 1; i < n; i++) {
      for (let k = 0; k < 3; k++) {
        const to = random() % i; // only toward lower indices: acyclic
        if (edges.some(([f, t]) => f === i && t === to)) continue;
        kernel.depend(i, to, (["requires", "wants", "after"] as const)[random() % 3]);
        edges.push([i, to]);
      }
    }
    const { order, waves } = kernel.order();
    const position = new Map(order.map((name, i) => [name, i]));
    for (const [from, to] of edges) expect(position.get(`s${to}`)!).toBeLessThan(position.get(`s${from}`)!);
    const wave = new Map(waves.flatMap((names, w) => names.map((name) => [name, w] as const)));
    for (const [from, to] of edges) expect(wave.get(`s${to}`)!).toBeLessThan(wave.get(`s${from}`)!);
  });
});

describe("dependency errors", () => {
  it("reports a cycle with its path, and every cycle in disconnected parts", () => {
    const { kernel } = virtualKernel();
    for (const name of ["a", "b", "c", "x", "y", "solo", "tail"]) kernel.register(name);
    kernel.depend("a", "b");
    kernel.depend("b", "c", "wants");
    kernel.depend("c", "a", "after");
    kernel.depend("x", "y");
    kernel.depend("y", "x");
    kernel.depend("tail", "a"); // behind a cycle, not in one
    const error = expectError(() => kernel.order(), "E_DEPENDENCY_CYCLE", "a -> b -> c -> a", "x -> y -> x");
    expect(cyclesOf(error.message)).toEqual(["a -> b -> c -> a", "x -> y -> x"]);
    expectError(() => kernel.startAll(), "E_DEPENDENCY_CYCLE", "a -> b -> c -> a");
    expectError(() => kernel.start("solo"), "E_DEPENDENCY_CYCLE");
    kernel.removeDependency("c", "a");
    kernel.removeDependency("y", "x");
    expect(kernel.order().order).toHaveLength(7);
  });

  it("names both services for unknown, self and duplicate dependencies", () => {
    const { kernel } = virtualKernel();
    kernel.register("web");
    kernel.register("db");
    expectError(() => kernel.depend("web", "dbx"), "E_UNKNOWN_DEPENDENCY", "service 'web' requires 'dbx', which is not registered");
    expectError(() => kernel.depend("web", 99, "wants"), "E_UNKNOWN_DEPENDENCY", "'web' wants service id 99");
    expectError(() => kernel.depend("web", "web"), "E_SELF_DEPENDENCY", "service 'web' cannot require itself");
    expectError(() => kernel.depend("web", "db", "bogus" as never), "E_INVALID_KIND", "'web'", "kind -1");
    kernel.depend("web", "db");
    expectError(() => kernel.depend("web", "db", "after"), "E_DUPLICATE_DEPENDENCY", "'web' already depends on 'db'");
    expectError(() => kernel.removeDependency("db", "web"), "E_NO_SUCH_DEPENDENCY", "'db'");
    expectError(() => kernel.unregister("db"), "E_SERVICE_IN_USE", "'db' is still a dependency of 'web'");
    expect(kernel.order().order).toEqual(["db", "web"]);
  });

  it("reports capacity exhaustion of dependency edges", () => {
    const { kernel } = virtualKernel("mcu");
    for (let i = 0; i < 16; i++) kernel.register(`s${i}`, { instances: 0 });
    let added = 0;
    for (let from = 1; from < 16 && added < kernel.limits.edges; from++) {
      for (let to = 0; to < from && added < kernel.limits.edges; to++, added++) kernel.depend(from, to);
    }
    expectError(() => kernel.depend("s15", "s14", "after"), "E_CAPACITY_EDGES", "'s15' -> 's14'", `all ${kernel.limits.edges}`);
    kernel.removeDependency("s1", "s0");
    kernel.depend("s15", "s14", "after");
  });
});

describe("peer: dependency-graph's cycle paths", () => {
  function build(edges: [string, string][], names: string[]) {
    const { kernel } = virtualKernel();
    const peer = new DepGraph();
    for (const name of names) {
      kernel.register(name);
      peer.addNode(name);
    }
    for (const [from, to] of edges) {
      kernel.depend(from, to);
      peer.addDependency(from, to);
    }
    return { kernel, peer };
  }

  function peerCycle(peer: InstanceType<typeof DepGraph>): string {
    try {
      peer.overallOrder();
    } catch (error) {
      expect(error).toBeInstanceOf(DepGraphCycleError);
      // The peer's path starts where its depth-first search started, so it may lead into the
      // cycle ("a -> b -> c -> d -> b"); the cycle itself runs from the repeated node on.
      const path = (error as InstanceType<typeof DepGraphCycleError>).cyclePath;
      return normalizeCycle(path.slice(path.indexOf(path[path.length - 1])));
    }
    throw new Error("dependency-graph found no cycle");
  }

  it("reports the same cycle on hand-made graphs", () => {
    const cases: [string, string][][] = [
      [["a", "b"], ["b", "a"]],
      [["a", "b"], ["b", "c"], ["c", "d"], ["d", "b"]],
      [["app", "db"], ["db", "cache"], ["cache", "app"], ["app", "log"]],
      [["p", "q"], ["q", "r"], ["r", "s"], ["s", "t"], ["t", "p"]],
    ];
    for (const edges of cases) {
      const names = [...new Set(edges.flat())];
      const { kernel, peer } = build(edges, names);
      const error = expectError(() => kernel.order(), "E_DEPENDENCY_CYCLE");
      expect(cyclesOf(error.message)).toEqual([peerCycle(peer)]);
    }
  });

  it("finds the peer's cycle among its own on 200 random graphs with one planted cycle", () => {
    const random = splitmix32(7);
    for (let round = 0; round < 200; round++) {
      const n = 4 + (random() % 20);
      const names = Array.from({ length: n }, (_, i) => `n${i}`);
      const edges: [string, string][] = [];
      for (let i = 1; i < n; i++) if (random() % 2) edges.push([names[i], names[random() % i]]);
      const length = 2 + (random() % Math.min(5, n - 1));
      const members = names.slice(0, length); // a chain down the DAG, closed upward
      for (let i = 0; i + 1 < length; i++) {
        if (!edges.some(([f, t]) => f === members[i] && t === members[i + 1])) edges.push([members[i], members[i + 1]]);
      }
      edges.push([members[length - 1], members[0]]);
      const unique = edges.filter(([f, t], i) => f !== t && edges.findIndex(([g, u]) => g === f && u === t) === i);
      const { kernel, peer } = build(unique, names);
      const error = expectError(() => kernel.order(), "E_DEPENDENCY_CYCLE");
      expect(cyclesOf(error.message), `round ${round}`).toContain(peerCycle(peer));
    }
  });
});
