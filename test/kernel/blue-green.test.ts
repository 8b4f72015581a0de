// Blue-green rollouts in virtual time with the simulated executor (assembly/rollout/blue-green.ts):
// green starts beside blue out of the balancer's picks, the health gate, the switch at once,
// the rollback window (blue kept running, not picked), undo and automatic rollback inside it
// switching back at once, and blue's ordinals taken over by the new revision after it.
import { describe, it, expect } from "vitest";
import type { Simulation, Rollouts } from "../../host/index.ts";
import { runningWeb, traffic } from "./support/rollout-web.ts";

function web(instances = 3) {
  const w = runningWeb(instances);
  w.rollouts.configure("web", { strategy: "blue-green" });
  return w;
}

const switches = (sim: Simulation, from = 0) => sim.events.slice(from).filter((e) => e.kind === "rollout" && e.fromCode === 10);

describe("blue-green", () => {
  it("green starts beside blue unpicked, switches at once after the health gate, blue stays for the window, then ordinals 0..n-1 run green", () => {
    const { sim, rollouts, lb, id } = web(3);
    rollouts.configure("web", { strategy: "blue-green", healthGateMs: 1_000, rollbackWindowMs: 5_000 });
    rollouts.newRevision("web");
    // before the switch: six instances, green starting or gated, every pick blue
    const before = traffic(sim, rollouts, lb, id, 10, 100);
    expect(sim.kernel.instances("web")).toHaveLength(6);
    expect(before.every((r) => r === 1)).toBe(true);
    expect(switches(sim)).toHaveLength(0);
    sim.runFor(1_000);
    expect(switches(sim)).toHaveLength(1);
    const switchedAt = switches(sim)[0].timeMs;
    // after it every pick is green, while blue keeps running (on standby) for the window
    const after = traffic(sim, rollouts, lb, id, 30, 100);
    expect(after.every((r) => r === 2)).toBe(true);
    const blue = sim.kernel.instances("web").slice(0, 3);
    expect(blue.map((h) => [rollouts.revisionOf(h), sim.kernel.instanceState(h)])).toEqual([[1, "running"], [1, "running"], [1, "running"]]);
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2, stable: 1 });
    sim.runFor(10_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", target: 2, stable: 2, updated: 3, available: 3 });
    expect(sim.kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([2, 2, 2]);
    const blueStopped = sim.events.find((e) => e.kind === "instance-state" && e.to === "stopping" && e.timeMs > switchedAt)!;
    expect(blueStopped.timeMs - switchedAt).toBeGreaterThanOrEqual(5_000); // kept the whole window
    expect(traffic(sim, rollouts, lb, id, 10, 50).every((r) => r === 2)).toBe(true);
    expect(rollouts.history("web")).toEqual([{ revision: 1, outcome: "good" }, { revision: 2, outcome: "good" }]);
  });

  it("the health gate: no switch until every green instance has been ready that long", () => {
    const { sim, rollouts } = web(2);
    rollouts.configure("web", { strategy: "blue-green", healthGateMs: 3_000 });
    const from = sim.events.length;
    rollouts.newRevision("web");
    sim.runFor(5_000);
    const greenReady = sim.events.slice(from).filter((e) => e.kind === "instance-state" && e.to === "running").map((e) => e.timeMs);
    expect(greenReady).toHaveLength(2);
    expect(switches(sim, from)[0].timeMs - Math.max(...greenReady)).toBeGreaterThanOrEqual(3_000);
  });

  it("undo inside the window switches back at once: blue takes every next pick, green drains away", () => {
    const { sim, rollouts, lb, id } = web(3);
    rollouts.configure("web", { strategy: "blue-green", rollbackWindowMs: 60_000 });
    rollouts.newRevision("web");
    sim.runFor(2_000);
    expect(traffic(sim, rollouts, lb, id, 5, 100).every((r) => r === 2)).toBe(true);
    const bluePids = sim.kernel.instances("web").slice(0, 3);
    const starts = sim.events.filter((e) => e.kind === "instance-state" && e.to === "starting").length;
    expect(rollouts.undo("web")).toBe(1);
    expect(traffic(sim, rollouts, lb, id, 20, 100).every((r) => r === 1)).toBe(true); // at once: the very next pick
    sim.runFor(2_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1, target: 1 });
    expect(sim.kernel.instances("web")).toEqual(bluePids); // the same blue instances, none restarted
    expect(sim.events.filter((e) => e.kind === "instance-state" && e.to === "starting").length).toBe(starts);
    expect(switches(sim).map((e) => e.value)).toEqual([2, 1]);
  });

  it("green erring past its breaker's threshold after the switch is rolled back inside the window: blue again, alert error-rate", () => {
    const { sim, rollouts, lb, id } = web(3);
    lb.configureBreaker("web", { windowSize: 10, minCalls: 5, failureRatePercent: 50 });
    rollouts.configure("web", { strategy: "blue-green", rollbackWindowMs: 60_000 });
    rollouts.newRevision("web");
    sim.runFor(2_000);
    const picked = traffic(sim, rollouts, lb, id, 100, 50, (r) => (r === 2 ? "failure" : "success"));
    expect(sim.events.find((e) => e.kind === "alert" && e.toCode === 10)).toMatchObject({ cause: "error-rate" });
    expect(picked.slice(-50).every((r) => r === 1)).toBe(true);
    sim.runFor(3_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(sim.kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1, 1]);
    expect(rollouts.history("web")[0]).toEqual({ revision: 2, outcome: "rolled-back" });
  });

  it("a green instance failing readiness rolls back before the switch: no pick ever reached green", () => {
    const { sim, rollouts, lb, id } = web(2);
    sim.executor.hangOnStart("web", 3);
    rollouts.configure("web", { strategy: "blue-green", progressDeadlineMs: 2_000 });
    rollouts.newRevision("web");
    const picked = traffic(sim, rollouts, lb, id, 80, 100);
    expect(picked.every((r) => r === 1)).toBe(true);
    expect(switches(sim)).toHaveLength(0);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(sim.kernel.instances("web")).toHaveLength(2);
  });
});
