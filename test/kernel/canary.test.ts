// Canary rollouts in virtual time with the simulated executor (assembly/rollout/canary.ts): the
// highest ordinals replaced in place, their traffic share through the balancer's weights,
// automatic promotion after the healthy period, promotion by command, and rollback of a canary
// that errs or never becomes ready.
import { describe, it, expect } from "vitest";
import type { Simulation, Rollouts, Strategy } from "../../host/index.ts";
import { STRATEGIES } from "../../host/index.ts";
import { runningWeb, traffic } from "./support/rollout-web.ts";
import { expectError } from "../helpers.ts";

function web(instances: number, canary: { count?: number; sharePercent?: number; healthyMs?: number; autoPromote?: boolean }) {
  const w = runningWeb(instances);
  w.rollouts.configure("web", { strategy: "canary", canary });
  w.lb.setStrategy("web", "weighted-round-robin");
  return w;
}

const revisions = (sim: Simulation, rollouts: Rollouts) => sim.kernel.instances("web").map((h) => rollouts.revisionOf(h));
const promotions = (sim: Simulation) => sim.events.filter((e) => e.kind === "rollout" && e.fromCode === 11);

describe("canary", () => {
  it("one canary of 4 takes its 10% share, is promoted after the healthy period, and the rest follows by the rolling rule", () => {
    const { sim, rollouts, lb, id } = web(4, { count: 1, sharePercent: 10, healthyMs: 5_000 });
    rollouts.newRevision("web");
    sim.runFor(500);
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1, 2]); // the highest ordinal, in place
    const picked = traffic(sim, rollouts, lb, id, 300, 10); // 3 s, inside the healthy period
    expect(picked.filter((r) => r === 2).length).toBe(30); // weights 10 : 30 30 30 (reduced 1 : 3), smooth weighted round robin
    expect(promotions(sim)).toHaveLength(0);
    sim.runFor(3_000);
    expect(promotions(sim)).toHaveLength(1);
    sim.runFor(10_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2, target: 2 });
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2, 2]);
    expect(sim.kernel.instances("web").map((h) => lb.instanceStats(h).weight)).toEqual([1, 1, 1, 1]); // the share ended with the canary
  });

  it("without auto-promote it waits (past the progress deadline) until `promote`; promote without a canary is refused", () => {
    const { sim, rollouts } = web(3, { count: 1, autoPromote: false, healthyMs: 0 });
    rollouts.configure("web", { strategy: "canary", canary: { count: 1, autoPromote: false }, progressDeadlineMs: 2_000 });
    expectError(() => rollouts.promote("web"), "E_NO_CANARY", "service 'web' has no canary rollout waiting for promotion");
    rollouts.newRevision("web");
    sim.runFor(20_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2 });
    expect(revisions(sim, rollouts)).toEqual([1, 1, 2]);
    rollouts.promote("web");
    sim.runFor(1);
    expect(promotions(sim).map((e) => e.cause)).toEqual(["command"]);
    expectError(() => rollouts.promote("web"), "E_NO_CANARY", "no canary rollout waiting");
    sim.runFor(10_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2 });
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
  });

  it("a canary erring past its breaker's threshold is rolled back with an alert naming the error rate; the failures stay near its share", () => {
    const { sim, rollouts, lb, id } = web(4, { count: 1, sharePercent: 10, healthyMs: 60_000 });
    lb.configureBreaker("web", { windowSize: 10, minCalls: 5, failureRatePercent: 50 });
    rollouts.newRevision("web");
    sim.runFor(500);
    let failed = 0;
    const picked = traffic(sim, rollouts, lb, id, 1000, 10, (r) => { const bad = r === 2; failed += bad ? 1 : 0; return bad ? "failure" : "success"; });
    expect(sim.events.find((e) => e.kind === "alert" && e.toCode === 10)).toMatchObject({ cause: "error-rate" });
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThanOrEqual(10); // the breaker's window on the one canary; then it is out of the pool and rolled back
    expect(picked.slice(-100).every((r) => r === 1)).toBe(true);
    sim.runFor(5_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1, 1]);
    expect(sim.kernel.instances("web").map((h) => lb.instanceStats(h).weight)).toEqual([1, 1, 1, 1]);
  });

  it("a canary that never becomes ready is rolled back; no pick ever reaches it", () => {
    const { sim, rollouts, lb, id } = web(3, { count: 1 });
    rollouts.configure("web", { strategy: "canary", progressDeadlineMs: 2_000 });
    sim.executor.hangOnStart("web", 1);
    rollouts.newRevision("web");
    const picked = traffic(sim, rollouts, lb, id, 100, 100);
    expect(picked.every((r) => r === 1)).toBe(true);
    expect(sim.events.find((e) => e.kind === "alert" && e.toCode === 10)).toMatchObject({ cause: "progress-deadline" });
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1]);
  });
});

describe("the canary's share under every balancing strategy", () => {
  /** 10,000 picks (keys drawn by the kernel's seeded generator for the hashes), each finished at once. */
  function shareUnder(strategy: Strategy, choices: 0 | 2, instances: number, count: number, sharePercent: number) {
    const { sim, rollouts, lb, id } = web(instances, { count, sharePercent, healthyMs: 3_600_000 });
    lb.configure("web", { ...lb.config("web"), strategy, choices });
    rollouts.newRevision("web");
    sim.runFor(1_000);
    const handles = sim.kernel.instances("web");
    const byHandle = new Map(handles.map((h) => [h, 0]));
    for (let i = 0; i < 10_000; i++) {
      const h = lb.pick(id);
      byHandle.set(h, byHandle.get(h)! + 1);
      lb.finished(h, 1, "success");
      if (i % 100 === 99) sim.runFor(10);
    }
    const canaries = handles.filter((h) => rollouts.revisionOf(h) === 2);
    expect(canaries).toHaveLength(count);
    expect(handles.filter((h) => lb.instanceStats(h).canary)).toEqual(canaries);
    return { onCanaries: canaries.map((h) => byHandle.get(h)!), onOthers: handles.filter((h) => !canaries.includes(h)).map((h) => byHandle.get(h)!) };
  }

  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  const cases: [Strategy, 0 | 2][] = STRATEGIES.flatMap((s): [Strategy, 0 | 2][] => (s.includes("least-connections") ? [[s, 0], [s, 2]] : [[s, 2]]));
  it.each(cases)(
    "%s (choices %d): one canary of 4 at a 10 per cent share takes 8 to 12 per cent of 10,000 picks",
    (strategy, choices) => {
      const { onCanaries, onOthers } = shareUnder(strategy, choices, 4, 1, 10);
      expect(sum(onCanaries) + sum(onOthers)).toBe(10_000);
      expect(sum(onCanaries)).toBeGreaterThanOrEqual(800);
      expect(sum(onCanaries)).toBeLessThanOrEqual(1_200);
      if (strategy !== "fastest-response") for (const n of onOthers) expect(n).toBeGreaterThan(2_000); // the stable ones share the rest (fastest response: by its estimate)
    },
  );

  it.each(["round-robin", "least-connections", "fastest-response", "health-based"] as Strategy[])(
    "%s: the split is exact and the strategy runs within each class (two canaries of 6 at a 25 per cent share)",
    (strategy) => {
      const { onCanaries, onOthers } = shareUnder(strategy, 0, 6, 2, 25);
      expect(sum(onCanaries)).toBe(2_500); // the share counter: 25 in every 100 picks
      if (strategy !== "fastest-response") { // rotation within each class (fastest response follows its latency estimate)
        for (const n of onCanaries) expect(Math.abs(n - 1_250)).toBeLessThanOrEqual(1);
        for (const n of onOthers) expect(Math.abs(n - 1_875)).toBeLessThanOrEqual(1);
      }
    },
  );

  it("no canary, no split: round robin's sequence is the plain rotation, and the split ends with the canary", () => {
    const { sim, rollouts, lb, id } = web(4, { count: 1, sharePercent: 10, healthyMs: 2_000 });
    lb.setStrategy("web", "round-robin");
    const handles = sim.kernel.instances("web");
    const pickFinished = () => { const h = lb.pick(id); lb.finished(h, 1, "success"); return h; };
    expect(Array.from({ length: 8 }, pickFinished)).toEqual([...handles, ...handles]);
    rollouts.newRevision("web");
    sim.runFor(1_000);
    const during = Array.from({ length: 100 }, pickFinished);
    expect(during.filter((h) => rollouts.revisionOf(h) === 2)).toHaveLength(10);
    sim.runFor(30_000); // promoted, then the rest rolled
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2 });
    const after = sim.kernel.instances("web");
    const picks = Array.from({ length: 8 }, pickFinished);
    expect(new Set(picks.slice(0, 4))).toEqual(new Set(after));
    expect(picks.slice(4)).toEqual(picks.slice(0, 4));
  });
});
