// Rollout of 3 instances (assembly/rollout/), in virtual time with the simulated executor: an
// instance takes START_MS to become ready and STOP_MS to exit. Measured: the rollout's total
// time (first spawn to complete) and the extra capacity it used (instances alive above 3 at
// the peak), for Myco's strategies. The peer is what a Kubernetes Deployment with its defaults
// (maxSurge 25% -> 1, maxUnavailable 25% -> 0 for 3 replicas) does for the same service: one
// new pod at a time, each old pod scaled down once a new one is ready, so 3 x START_MS and one
// pod of extra capacity (a model of the controller, not a cluster: none runs here). Times are
// virtual (the kernel's decisions, not the machine's speed), so the numbers repeat exactly.
import { Simulation, Rollouts, type UpdateConfig } from "../host/index.ts";
import type { BenchRow } from "./harness.ts";

const START_MS = 1000;
const STOP_MS = 100;
const INSTANCES = 3;
const KUBERNETES = { timeMs: INSTANCES * START_MS, extra: 1 };

function rolloutOf(config: UpdateConfig): { timeMs: number; extra: number } {
  const sim = new Simulation({ profile: "release", startDelayMs: START_MS, stopDelayMs: STOP_MS });
  sim.kernel.register("web", { instances: INSTANCES });
  sim.kernel.start("web");
  sim.runFor(START_MS + 100);
  const rollouts = new Rollouts(sim.kernel);
  rollouts.configure("web", config);
  let peak = 0, completedAt = -1;
  sim.onEvent((e) => {
    if (e.kind === "rollout" && e.fromCode === 4) completedAt = e.timeMs;
    if (e.kind !== "instance-state") return;
    const alive = sim.kernel.instances("web").filter((h) => sim.kernel.instanceState(h) !== "stopped" && sim.kernel.instanceState(h) !== "failed").length;
    peak = Math.max(peak, alive);
  });
  const startedAt = Number(sim.hal.nowMs());
  rollouts.newRevision("web");
  sim.runUntil(() => completedAt >= 0, 60_000);
  return { timeMs: completedAt - startedAt, extra: peak - INSTANCES };
}

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const cases: [string, UpdateConfig][] = [
    ["rolling, Kubernetes' defaults (surge 25%, unavailable 25%)", {}],
    ["rolling, surge 0, unavailable 1 (in place)", { maxSurge: 0, maxUnavailable: 1 }],
    ["rolling, surge 3 (all new beside the old)", { maxSurge: 3, maxUnavailable: 0 }],
    ["recreate", { strategy: "recreate" }],
  ];
  for (const [label, config] of cases) {
    const { timeMs, extra } = rolloutOf(config);
    rows.push({ name: `rollout of 3 instances, ${label}: total time`, unit: "ms (virtual)", value: timeMs,
      peer: "Kubernetes Deployment defaults (model)", peerValue: KUBERNETES.timeMs, ratio: KUBERNETES.timeMs / timeMs });
    rows.push({ name: `rollout of 3 instances, ${label}: extra capacity`, unit: "instances", value: extra,
      peer: "Kubernetes Deployment defaults (model)", peerValue: KUBERNETES.extra, ratio: extra === 0 ? null : KUBERNETES.extra / extra });
  }
  return rows;
}
