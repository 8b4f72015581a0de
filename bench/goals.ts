// The performance goals the benchmarks were written against, in one place: the README lists each
// with the last run's value and whether it was met (bench/report.ts). A missed goal stays here
// and in the README until it is met; it is never dropped to make the table look better.
import { STRATEGIES } from "../host/kernel/balance.ts";

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
    what: "HTTP gateway throughput against http-proxy (keep-alive agent), same run", name: /^gateway, \d+ backends, \d+ connections: myco http requests\/s$/,
    peer: "http-proxy", field: "ratio", atLeast: 1.5, bound: ">= 1.5x", source: "bench/gateway.bench.ts",
  },
  {
    what: "HTTP gateway throughput against @fastify/http-proxy, same run", name: /^gateway, \d+ backends, \d+ connections: myco http requests\/s$/,
    peer: "@fastify/http-proxy", field: "ratio", atLeast: 1, bound: ">= 1.0x", source: "bench/gateway.bench.ts",
  },
  {
    what: "L4 gateway throughput against a bare TCP relay, same run", name: /^gateway, \d+ backends, \d+ connections: myco tcp requests\/s$/,
    peer: "tcp relay", field: "ratio", atLeast: 0.9, bound: ">= 0.9x", source: "bench/gateway.bench.ts",
  },
  {
    what: "latency the HTTP gateway adds at p99 at half load", name: /^gateway, \d+ backends, \d+ connections: myco http added latency p99 at half load$/,
    field: "value", atMost: 0.5, bound: "<= 0.5 ms", source: "bench/gateway.bench.ts",
  },
  {
    what: "HTTP gateway CPU per request against http-proxy's (the load-independent form of the 1.5x throughput goal)",
    name: /^gateway CPU per request, \d+ backends, \d+ connections: myco http \(proxy process utime\+stime \/ responses\)$/,
    peer: "http-proxy", field: "ratio", atLeast: 1.5, bound: ">= 1.5x less CPU", source: "bench/gateway.bench.ts",
  },
  {
    what: "breaker per call (one-call API) against opossum (timeout: false, its cheapest)", name: "breaker per call, Myco typed one-call API (pass: report + next permit)",
    peer: "opossum fire() of an async no-op, timeout: false", field: "ratio", atLeast: 20, bound: ">= 20x", source: "bench/breaker.bench.ts",
  },
  {
    what: "breaker per call (one-call API) against cockatiel execute()", name: "breaker per call, Myco typed one-call API (pass: report + next permit)",
    peer: "cockatiel execute() of a no-op", field: "ratio", atLeast: 10, bound: ">= 10x", source: "bench/breaker.bench.ts",
  },
  ...(STRATEGIES.map((code) => code.replaceAll("-", " ")).map((strategy): Goal => ({ // as targets/tools/measure.ts labels them
    what: `instructions per pick, ${strategy}, 64 instances (callgrind, native C build)`, name: `native C (callgrind): pick: ${strategy}`,
    field: "value", atMost: 300, bound: "<= 300", source: "targets/tools/instructions.ts",
  }))),
  ...(STRATEGIES.map((code) => code.replaceAll("-", " ")).map((strategy): Goal => ({ // unequal weights (measure.ts WEIGHTED_LABEL)
    what: `instructions per pick, ${strategy}, 64 instances weighing 1..5 (callgrind, native C build)`,
    name: `native C (callgrind): pick: ${strategy}, weights 1..5`,
    field: "value", atMost: 300, bound: "<= 300", source: "targets/tools/instructions.ts",
  }))),
  ...([["round-robin", "loadbalance roundRobin"], ["weighted-round-robin", "loadbalance roundRobin (weighted)"], ["random", "loadbalance random"]]
    .map(([strategy, peer]): Goal => ({
      what: `batch pick (pickMany of 64), ${strategy}, per pick against ${peer}`,
      name: `picks ${strategy}, 64 instances: typed API pickMany of 64, per pick (goal: at or below the peer)`,
      peer, field: "ratio", atLeast: 1, bound: ">= 1.0x", source: "bench/picks.bench.ts",
    }))),
  ...(["round-robin", "weighted-round-robin", "random"].map((strategy): Goal => ({
    what: `single pick through the typed API, ${strategy}, against the empty-export floor (time ratio)`,
    name: `picks ${strategy}, 64 instances: typed API pick (goal <= 3x the floor)`,
    peer: "no-op export call", field: "ratio", atLeast: 1 / 3, bound: ">= 0.333x (at most 3x the floor)", source: "bench/picks.bench.ts",
  }))),
  {
    what: "health `tick` with nothing due, 4096 services against 16 (time ratio)", name: /^health: tick, nothing due, 4096 services/,
    field: "ratio", atLeast: 0.5, bound: ">= 0.5x (at most twice the time)", source: "bench/health.bench.ts",
  },
  {
    what: "fleet failover: a SIGKILLed agent's service running elsewhere (lease TTL 3 s)", name: /^fleet: agent SIGKILL to its service running elsewhere/,
    peer: "Nomad heartbeat grace (10 s)", field: "value", atMost: 4.5, bound: "<= 4.5 s (TTL + 1.5 s)", source: "bench/fleet.bench.ts",
  },
  {
    what: "etcd round trips of the fleet leader per 1,000 placements", name: "fleet: etcd round trips of the leader per 1,000 placements",
    field: "value", atMost: 10, bound: "<= 10", source: "bench/fleet.bench.ts",
  },
  {
    what: "fleet placement: failover plan for the death of a node holding 1% of the instances, 5,000 nodes", name: /^placement: failover plan for the death of a node holding 1% of the instances/,
    field: "value", atMost: 5, bound: "<= 5 ms", source: "bench/placement.bench.ts",
  },
  {
    what: "kernel upgrade pause (snapshot, new instance, restore, self-check, swap)", name: "kernel upgrade (release): pause",
    field: "value", atMost: 5, bound: "<= 5 ms", source: "bench/snapshot.bench.ts",
  },
  {
    what: "host CPU supervising 50 idle services against pm2's God daemon (issue 12: at most half)", name: "supervising 50 idle services: myco run CPU, host process and its guards (% of one core)",
    peer: "pm2 7.0.4 (its God daemon)", field: "ratio", atLeast: 2, bound: ">= 2x less", source: "bench/overhead.bench.ts",
  },
  {
    what: "host memory supervising 50 idle services against pm2's God daemon (issue 12: at most half)", name: "supervising 50 idle services: myco run memory, host process (mean RSS)",
    peer: "pm2 7.0.4 (its God daemon)", field: "ratio", atLeast: 2, bound: ">= 2x less", source: "bench/overhead.bench.ts",
  },
  {
    what: "native Linux host (targets/linux) CPU supervising 50 idle services against pm2's God daemon (issue 12: at most half)",
    name: "supervising 50 idle services: myco native host (targets/linux) CPU (% of one core)",
    peer: "pm2 7.0.4 (its God daemon)", field: "ratio", atLeast: 2, bound: ">= 2x less", source: "bench/overhead.bench.ts",
  },
  {
    what: "native Linux host (targets/linux) memory supervising 50 idle services against pm2's God daemon (issue 12: at most half)",
    name: "supervising 50 idle services: myco native host (targets/linux) memory (mean RSS)",
    peer: "pm2 7.0.4 (its God daemon)", field: "ratio", atLeast: 2, bound: ">= 2x less", source: "bench/overhead.bench.ts",
  },
];

export function goalMet(goal: Goal, measured: number): boolean {
  return (goal.atLeast === undefined || measured >= goal.atLeast) && (goal.atMost === undefined || measured <= goal.atMost);
}
