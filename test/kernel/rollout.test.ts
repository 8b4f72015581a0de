// Rollouts in virtual time with the simulated executor (assembly/rollout/): rolling and
// recreate updates, the availability bound, automatic rollback (readiness, progress deadline,
// error rate) with an alert naming the cause, pause/resume, undo and the bounded history.
import { describe, it, expect } from "vitest";
import { Simulation, Balancer, Rollouts, type KernelEvent } from "../../host/index.ts";
import { expectError } from "../helpers.ts";
import { runningWeb } from "./support/rollout-web.ts";

const web = runningWeb;

/** Instances running and not draining, and all instances alive, after every event from now on. */
function watch(sim: Simulation, rollouts: Rollouts) {
  const seen = { minAvailable: Infinity, maxLive: 0 };
  sim.onEvent((e: KernelEvent) => {
    if (e.serviceName !== "web" || e.kind !== "instance-state") return;
    const live = sim.kernel.instances("web").filter((h) => ["starting", "running", "stopping"].includes(sim.kernel.instanceState(h))).length;
    seen.minAvailable = Math.min(seen.minAvailable, rollouts.status("web").available);
    seen.maxLive = Math.max(seen.maxLive, live);
  });
  return seen;
}

function revisions(sim: Simulation, rollouts: Rollouts): number[] {
  return sim.kernel.instances("web").map((h) => rollouts.revisionOf(h));
}

describe("rolling update", () => {
  it("v1 -> v2 of 3 instances with Kubernetes' defaults: one surge, never fewer than 3 available", () => {
    const { sim, rollouts } = web(3);
    const seen = watch(sim, rollouts);
    expect(rollouts.newRevision("web")).toBe(2);
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2, stable: 1, desired: 3 });
    sim.runFor(5000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", target: 2, stable: 2, updated: 3, available: 3 });
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
    expect(seen.minAvailable).toBeGreaterThanOrEqual(3); // maxUnavailable 25% of 3 = 0
    expect(seen.maxLive).toBe(4); // maxSurge 25% of 3 = 1
    expect(rollouts.history("web")).toEqual([{ revision: 1, outcome: "good" }, { revision: 2, outcome: "good" }]);
    const steps = sim.events.filter((e) => e.kind === "rollout").map((e) => e.fromCode);
    expect(steps[0]).toBe(1); // begin
    expect(steps.at(-1)).toBe(4); // complete
    expect(sim.kernel.state("web")).toBe("running");
  });

  it("max-unavailable 1 and no surge replaces in place, one at a time", () => {
    const { sim, rollouts } = web(3);
    rollouts.configure("web", { maxSurge: 0, maxUnavailable: 1 });
    const seen = watch(sim, rollouts);
    rollouts.newRevision("web");
    sim.runFor(5000);
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
    expect(seen.minAvailable).toBe(2);
    expect(seen.maxLive).toBe(3);
  });

  it("recreate stops every old instance before the first new one starts", () => {
    const { sim, rollouts } = web(2);
    rollouts.configure("web", { strategy: "recreate" });
    const from = sim.events.length;
    rollouts.newRevision("web");
    sim.runFor(5000);
    expect(revisions(sim, rollouts)).toEqual([2, 2]);
    const log = sim.events.slice(from).filter((e) => e.kind === "instance-state");
    const firstStart = log.findIndex((e) => e.to === "starting");
    const lastStop = log.map((e) => e.to).lastIndexOf("stopped");
    expect(lastStop).toBeLessThan(firstStart);
  });
});

describe("batch gate", () => {
  /** When each old instance was retired (went stopping) and when each new one became running. */
  function timeline(sim: Simulation, from: number) {
    const log = sim.events.slice(from).filter((e) => e.kind === "instance-state" && e.serviceName === "web");
    return { retired: log.filter((e) => e.to === "stopping").map((e) => e.timeMs), ready: log.filter((e) => e.to === "running").map((e) => e.timeMs) };
  }

  it("batch-interval spaces the batches: each retirement at least that long after the one before", () => {
    const { sim, rollouts } = web(3);
    rollouts.configure("web", { maxSurge: 0, maxUnavailable: 1, batchIntervalMs: 2_000 });
    const from = sim.events.length;
    rollouts.newRevision("web");
    sim.runFor(10_000);
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
    const { retired } = timeline(sim, from);
    expect(retired).toHaveLength(3);
    for (let i = 1; i < retired.length; i++) expect(retired[i] - retired[i - 1]).toBeGreaterThanOrEqual(2_000);
  });

  it("health-gate: the next batch waits until every new instance has been available that long", () => {
    const { sim, rollouts } = web(3);
    rollouts.configure("web", { maxSurge: 0, maxUnavailable: 1, healthGateMs: 1_500 });
    const from = sim.events.length;
    rollouts.newRevision("web");
    sim.runFor(10_000);
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
    const { retired, ready } = timeline(sim, from);
    expect(retired).toHaveLength(3);
    expect(ready).toHaveLength(3);
    for (let i = 1; i < retired.length; i++) expect(retired[i] - ready[i - 1]).toBeGreaterThanOrEqual(1_500);
    expect(rollouts.status("web").phase).toBe("idle");
  });

  it("without either, the batches follow each other as soon as the budget allows (the gate is off by default)", () => {
    const { sim, rollouts } = web(3);
    rollouts.configure("web", { maxSurge: 0, maxUnavailable: 1 });
    const from = sim.events.length;
    rollouts.newRevision("web");
    sim.runFor(10_000);
    const { retired, ready } = timeline(sim, from);
    expect(retired).toHaveLength(3);
    for (let i = 1; i < retired.length; i++) expect(retired[i] - ready[i - 1]).toBeLessThan(1_500);
  });
});

describe("automatic rollback", () => {
  it("a v2 that never becomes ready is rolled back to v1 by the same strategy, with an alert naming the cause", () => {
    const { sim, rollouts, lb, id } = web(3);
    const seen = watch(sim, rollouts);
    sim.executor.hangOnStart("web", 1); // the first new instance never reports started
    rollouts.newRevision("web");
    const served = new Map<number, number>();
    for (let t = 0; t < 200; t++) { // steady traffic meanwhile: never to an instance that is not ready
      const h = lb.pick(id);
      served.set(h, (served.get(h) ?? 0) + 1);
      expect(sim.kernel.instanceState(h)).toBe("running");
      lb.finished(h, 1);
      sim.runFor(100);
    }
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1, target: 1 });
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1]);
    expect(seen.minAvailable).toBeGreaterThanOrEqual(3);
    // newest rollout last: the rollback rolled revision 1 out again
    expect(rollouts.history("web")).toEqual([{ revision: 2, outcome: "rolled-back" }, { revision: 1, outcome: "good" }]);
    const alert = sim.events.find((e) => e.kind === "alert" && e.toCode === 10);
    expect(alert).toMatchObject({ toCode: 10, cause: "readiness-failed" });
    expect(sim.events.some((e) => e.kind === "rollout" && e.fromCode === 5 && e.cause === "readiness-failed" && e.value === 2)).toBe(true);
  });

  it("a rollout without progress within its deadline is rolled back (cause progress-deadline)", () => {
    const { sim, rollouts } = web(2);
    rollouts.configure("web", { progressDeadlineMs: 2000 });
    sim.executor.hangOnStart("web", 1);
    rollouts.newRevision("web");
    sim.runFor(2500);
    expect(sim.events.find((e) => e.kind === "alert" && e.toCode === 10)).toMatchObject({ cause: "progress-deadline" });
    sim.runFor(15000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(revisions(sim, rollouts)).toEqual([1, 1]);
  });

  it("a v2 that answers but errors past its breaker's threshold is rolled back; the failures stay on v2's share", () => {
    const { sim, rollouts, lb, id } = web(3);
    lb.configureBreaker("web", { windowSize: 10, minCalls: 5, failureRatePercent: 50 });
    rollouts.configure("web", { maxSurge: 1, maxUnavailable: 0, minReadyMs: 5000 }); // v2 serves a while before the next step
    rollouts.newRevision("web");
    let failed = 0, total = 0;
    for (let t = 0; t < 300; t++) {
      const h = lb.pick(id);
      const bad = rollouts.revisionOf(h) === 2 && rollouts.status("web").phase === "rolling";
      lb.finished(h, 1, bad ? "failure" : "success");
      failed += bad ? 1 : 0;
      total++;
      sim.runFor(20);
    }
    expect(sim.events.find((e) => e.kind === "alert" && e.toCode === 10)).toMatchObject({ cause: "error-rate" });
    sim.runFor(5000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1]);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThanOrEqual(10); // the breaker's window: the one canary's share, then it is out of the pool
    expect(total).toBe(300);
  });
});

describe("commands and history", () => {
  it("pause holds a rollout where it is; resume carries on; undo goes back to any revision in the history", () => {
    const { sim, rollouts } = web(2);
    rollouts.configure("web", { maxSurge: 0, maxUnavailable: 1 });
    rollouts.newRevision("web");
    sim.runFor(50);
    rollouts.pause("web");
    expectError(() => rollouts.pause("web"), "E_ROLLOUT_NONE", "'web' has no rollout in progress to pause");
    sim.runFor(5000);
    expect(rollouts.status("web").phase).toBe("paused");
    expect(revisions(sim, rollouts).filter((r) => r === 2).length).toBe(1);
    rollouts.resume("web");
    sim.runFor(5000);
    expect(revisions(sim, rollouts)).toEqual([2, 2]);
    expect(rollouts.undo("web")).toBe(1);
    sim.runFor(5000);
    expect(revisions(sim, rollouts)).toEqual([1, 1]);
    expect(rollouts.undo("web", 2)).toBe(2);
    sim.runFor(5000);
    expect(revisions(sim, rollouts)).toEqual([2, 2]);
    expectError(() => rollouts.undo("web", 9), "E_UNKNOWN_REVISION", "'web': revision 9 is not in its history");
  });

  it("the history keeps the last 10 revisions and never drops the stable one", () => {
    const { sim, rollouts } = web(1);
    for (let i = 0; i < 14; i++) {
      rollouts.newRevision("web");
      sim.runFor(2000);
    }
    const history = rollouts.history("web");
    expect(history).toHaveLength(10);
    expect(history.at(-1)).toEqual({ revision: 15, outcome: "good" });
    expect(rollouts.status("web").stable).toBe(15);
  });

  it("a bad update setting is refused naming the service, field and value", () => {
    const { rollouts } = web(1);
    expectError(() => rollouts.configure("web", { maxSurge: 99 }), "E_INVALID_UPDATE", "service 'web': max-surge 99 is neither 0..64 instances nor 1000 + a percentage");
    expectError(() => rollouts.configure("web", { progressDeadlineMs: 0 }), "E_INVALID_UPDATE", "progress-deadline 0 ms");
  });
});
