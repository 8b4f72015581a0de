// The performance goals the benchmarks were written against, in one place: the README lists each
// with the last run's value and whether it was met (bench/report.ts). A missed goal stays here
// and in the README until it is met; it is never dropped to make the table look better.
export interface Goal {
  what: string;
  /** The results row (bench/results.json) that measures it: its name, and its peer when it has several. */
  name: string | RegExp;
  peer?: string;
  /** Which number of the row the goal bounds. */
  field: "value" | "ratio";
  atLeast?: number;
  atMost?: number;
  /** How the bound reads in the README. */
  bound: string;
  /** Where the goal was set. */
  source: string;
}

export const GOALS: Goal[] = [
  {
    what: "gateway throughput against one instance loaded directly", name: /^gateway, 3 instances, \d+ connections: requests\/s$/,
    peer: "one instance directly", field: "ratio", atLeast: 0.7, bound: ">= 0.70x", source: "bench/gateway.bench.ts",
  },
  {
    what: "latency the gateway adds at p99", name: /^gateway, 3 instances, \d+ connections: added latency p99$/,
    field: "value", atMost: 1, bound: "<= 1 ms", source: "bench/gateway.bench.ts",
  },
  {
    what: "health `tick` with nothing due, 4096 services against 16 (time ratio)", name: /^health: tick, nothing due, 4096 services/,
    field: "ratio", atLeast: 0.5, bound: ">= 0.5x (at most twice the time)", source: "bench/health.bench.ts",
  },
  {
    what: "kernel upgrade pause (snapshot, new instance, restore, self-check, swap)", name: "kernel upgrade (release): pause",
    field: "value", atMost: 5, bound: "<= 5 ms", source: "bench/snapshot.bench.ts",
  },
];

export function goalMet(goal: Goal, measured: number): boolean {
  return (goal.atLeast === undefined || measured >= goal.atLeast) && (goal.atMost === undefined || measured <= goal.atMost);
}
