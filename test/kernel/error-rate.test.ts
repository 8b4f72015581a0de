// The update's own error-rate verdict (assembly/rollout/verdict.ts) in virtual time with the
// simulated executor: the new revision's failed share of its requests over the window, from the
// balancer's per-instance outcomes, judged once the window holds min-requests requests. The
// breaker stays off in these runs (the default), so the verdict is the only thing that judges
// errors. Failures are drawn from a seeded generator: every run is the same run.
import { describe, it, expect } from "vitest";
import type { Simulation, Rollouts, UpdateConfig } from "../../host/index.ts";
import { runningWeb, traffic } from "./support/rollout-web.ts";

/** A seeded uniform draw in [0, 1) (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function web(instances: number, update: UpdateConfig) {
  const w = runningWeb(instances);
  w.rollouts.configure("web", update);
  w.lb.setStrategy("web", "weighted-round-robin");
  return w;
}

/** Revision 2 fails with probability `v2`, revision 1 with `v1`. */
function failing(seed: number, v2: number, v1 = 0) {
  const draw = seeded(seed);
  const tally = { v1: 0, v2: 0, v2Failed: 0 };
  const outcome = (revision: number): "success" | "failure" => {
    const bad = draw() < (revision === 2 ? v2 : v1);
    if (revision === 2) { tally.v2++; tally.v2Failed += bad ? 1 : 0; } else tally.v1++;
    return bad ? "failure" : "success";
  };
  return { tally, outcome };
}

const verdicts = (sim: Simulation) => sim.events.filter((e) => e.kind === "rollout" && e.fromCode === 12);
const rolledBack = (sim: Simulation) => sim.events.find((e) => e.kind === "alert" && e.toCode === 10);
const revisions = (sim: Simulation, rollouts: Rollouts) => sim.kernel.instances("web").map((h) => rollouts.revisionOf(h));

describe("error-rate verdict", () => {
  it("a canary failing 20% of its requests passes a 5% threshold: rolled back, the verdict naming the rate, failures held to its share", () => {
    const { sim, rollouts, lb, id } = web(4, {
      strategy: "canary", canary: { count: 1, sharePercent: 10, healthyMs: 600_000 }, errorRate: { thresholdPercent: 5, windowMs: 10_000, minRequests: 20 },
    });
    rollouts.newRevision("web");
    sim.runFor(500);
    expect(revisions(sim, rollouts)).toEqual([1, 1, 1, 2]);
    const { tally, outcome } = failing(15, 0.2);
    const picked = traffic(sim, rollouts, lb, id, 2_000, 10, outcome);
    const verdict = verdicts(sim);
    expect(verdict).toHaveLength(1);
    expect(verdict[0]).toMatchObject({ cause: "error-rate" });
    expect(verdict[0].value).toBeGreaterThanOrEqual(500); // basis points: at or past the 5% threshold
    expect(rolledBack(sim)).toMatchObject({ cause: "error-rate" });
    expect(lb.instanceStats(sim.kernel.instances("web")[3]).breaker).toBe("closed"); // the verdict's own, not a breaker's
    // judged once 20 requests reached the canary: its failures stay a few, out of ~10% of the picks before the verdict
    expect(tally.v2).toBeGreaterThanOrEqual(20);
    expect(tally.v2Failed).toBeLessThanOrEqual(12);
    expect(picked.slice(-500).every((r) => r === 1)).toBe(true);
    sim.runFor(5_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 1 });
    expect(rollouts.history("web")[0]).toEqual({ revision: 2, outcome: "rolled-back" });
  });

  it("a canary failing 2% stays under a 5% threshold and is promoted; the window's counts are in the status", () => {
    const { sim, rollouts, lb, id } = web(4, {
      strategy: "canary", canary: { count: 1, sharePercent: 10, healthyMs: 20_000 }, errorRate: { thresholdPercent: 5, windowMs: 10_000, minRequests: 20 },
    });
    rollouts.newRevision("web");
    sim.runFor(500);
    const { tally, outcome } = failing(7, 0.02);
    traffic(sim, rollouts, lb, id, 1_000, 10, outcome); // 10 s
    const status = rollouts.status("web");
    expect(status.phase).toBe("rolling");
    expect(status.windowRequests).toBeGreaterThan(50);
    expect(status.windowRequests).toBeLessThanOrEqual(tally.v2);
    expect(status.windowFailures * 100).toBeLessThan(5 * status.windowRequests);
    traffic(sim, rollouts, lb, id, 2_000, 10, outcome);
    sim.runFor(10_000);
    expect(verdicts(sim)).toHaveLength(0);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2 });
  });

  it("fewer than min-requests requests judge nothing; the verdict comes once they are there", () => {
    const { sim, rollouts, lb, id } = web(3, {
      maxSurge: 1, maxUnavailable: 0, minReadyMs: 60_000, errorRate: { thresholdPercent: 50, windowMs: 60_000, minRequests: 40 },
    });
    rollouts.newRevision("web");
    sim.runFor(500); // the surge instance runs v2 and is picked; min-ready holds the next step
    const { tally, outcome } = failing(3, 1);
    while (tally.v2 < 39) traffic(sim, rollouts, lb, id, 1, 50, outcome);
    sim.runFor(1_000);
    expect(tally.v2Failed).toBe(39);
    expect(verdicts(sim)).toHaveLength(0);
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", windowRequests: 39, windowFailures: 39 });
    while (tally.v2 < 40) traffic(sim, rollouts, lb, id, 1, 50, outcome);
    sim.runFor(1_000);
    expect(verdicts(sim).map((e) => e.value)).toEqual([10_000]);
  });

  it("failures older than the window are forgotten: the same burst rolls back under a 60 s window, not under a 5 s one", () => {
    const run = (windowMs: number) => {
      const { sim, rollouts, lb, id } = web(3, {
        maxSurge: 1, maxUnavailable: 0, minReadyMs: 60_000, errorRate: { thresholdPercent: 20, windowMs, minRequests: 20 },
      });
      rollouts.newRevision("web");
      sim.runFor(500);
      let burst = 8; // v2's first 8 requests fail (below min-requests), the rest succeed
      const outcome = (revision: number) => (revision === 2 && burst-- > 0 ? "failure" : "success");
      traffic(sim, rollouts, lb, id, 30, 10, outcome); // 0.3 s: the burst
      sim.runFor(10_000); // quiet
      traffic(sim, rollouts, lb, id, 60, 100, outcome); // 6 s: 20 v2 successes
      return { verdicts: verdicts(sim), status: rollouts.status("web") };
    };
    const long = run(60_000), short = run(5_000);
    expect(long.verdicts).toHaveLength(1);
    expect(long.verdicts[0].value).toBeGreaterThanOrEqual(2_000); // 8 of at most 28
    expect(short.verdicts).toHaveLength(0);
    expect(short.status).toMatchObject({ phase: "rolling", windowFailures: 0 });
  });

  it("only the new revision's runs count: the old revision erring, or a retired old instance draining, judges nothing", () => {
    const { sim, rollouts, lb, id } = web(3, { maxSurge: 1, maxUnavailable: 0, errorRate: { thresholdPercent: 5, windowMs: 10_000, minRequests: 10 } });
    const { outcome } = failing(11, 0, 0.5);
    traffic(sim, rollouts, lb, id, 100, 10, outcome); // v1 errs before the rollout: none of it is v2's
    const inFlight = Array.from({ length: 9 }, () => lb.pick(id)); // three v1 requests per instance held open over the rollout
    rollouts.newRevision("web");
    for (let i = 0; i < 600; i++) {
      traffic(sim, rollouts, lb, id, 1, 10, outcome);
      if (i === 100) for (const h of inFlight) lb.finished(h, 1, "failure"); // the old runs' last requests fail while they drain
    }
    sim.runFor(10_000);
    expect(verdicts(sim)).toHaveLength(0);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2 });
    expect(revisions(sim, rollouts)).toEqual([2, 2, 2]);
  });
});
