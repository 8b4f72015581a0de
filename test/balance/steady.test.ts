// The steady pick (assembly/balance/steady.ts): balancePick takes a pool that nothing can change
// between two picks (no time-driven change pending, no panic, no half-open breaker) without
// pickInstance's general path. balancePickKey always takes the general path (round robin,
// weighted round robin and random ignore the key), so a twin kernel picking by key is the
// reference: the same instances in the same order and the same statistics, through every event
// that makes a pool unsteady and steady again. And breakerPass's inlined handle check rejects
// what the general path rejects, with the same errors.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { runningPool, BREAKER, type Pool } from "./support.ts";
import { OUTCOMES } from "../../host/kernel/balance.ts";
import type { Strategy } from "../../host/index.ts";

const STEADY: [Strategy, number[] | undefined][] = [
  ["round-robin", undefined],
  ["weighted-round-robin", [5, 1, 1, 3, 2, 1, 4, 1]],
  ["weighted-round-robin", undefined],
  ["random", undefined],
  ["random", [5, 1, 1, 3, 2, 1, 4, 1]], // weighted random is not steady: both take the general path
  ["least-connections", undefined], // not steady either
];

/** Every instance's picks, requests in flight, breaker and ejection, and the service's counters. */
function state(pool: Pool): unknown {
  const { picks, panicPicks, noEligible, poolRebuilds } = pool.balancer.serviceStats(pool.id);
  const instances = pool.handles.map((h) => {
    const s = pool.balancer.instanceStats(h);
    return [s.picks, s.active, s.breaker, s.ejected, s.breakerHalfOpened];
  });
  return { picks, panicPicks, noEligible, poolRebuilds, instances };
}

describe("steady picks", () => {
  it.each(STEADY)("%s (weights %j): balancePick equals the general path's picks and counts, through pool changes", (strategy, weights) => {
    const options = { strategy, weights, seed: 5, panicPercent: 50 };
    const steady = runningPool(8, options);
    const general = runningPool(8, options);
    for (const pool of [steady, general]) {
      pool.balancer.configureBreaker(pool.id, { ...BREAKER, consecutiveFailures: 1, minCalls: 1, openMs: 1000, halfOpenPermits: 2 });
      pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 2, baseEjectionMs: 1500, maxEjectionMs: 1500, maxEjectedPercent: 50 });
    }
    const twice = (act: (pool: Pool) => void) => { act(steady); act(general); };
    const picks = (count: number) => {
      for (let i = 0; i < count; i++) {
        const mine = steady.balancer.pick(steady.id);
        expect(mine).toBe(general.balancer.pickKey(general.id, i * 7919));
        steady.balancer.finished(mine, 1);
        general.balancer.finished(mine, 1);
      }
      expect(state(steady)).toEqual(state(general));
    };
    picks(40);
    twice((p) => p.balancer.setWeight(p.handles[2], 7));
    picks(30);
    twice((p) => p.balancer.setEnabled(p.handles[4], false));
    picks(30);
    twice((p) => p.balancer.setDraining(p.handles[1], true));
    picks(30);
    twice((p) => { // a failure opens instance 0's breaker; half-open after 1 s: picks take its probe permits
      const handle = p.balancer.pick(p.id);
      p.balancer.finished(handle, 1, "failure");
    });
    picks(20);
    twice((p) => p.hal.advance(1000));
    picks(30);
    twice((p) => { // two failures in a row eject an instance for 1.5 s (a time-driven change pending)
      for (let i = 0; i < 2; i++) p.balancer.finished(p.balancer.pickKey(p.id, 3), 1, "failure");
    });
    picks(30);
    twice((p) => p.hal.advance(1500));
    picks(30);
    twice((p) => [0, 2, 3, 5, 6].forEach((k) => p.balancer.setHealth(p.handles[k], "unhealthy"))); // below 50 %: panic
    picks(30);
    expect(steady.balancer.serviceStats(steady.id).panicPicks).toBeGreaterThan(0);
    twice((p) => [0, 2, 3, 5, 6].forEach((k) => p.balancer.setHealth(p.handles[k], "healthy")));
    picks(40);
  });

  it("an empty pool is the general path's error", () => {
    const pool = runningPool(2, { panicPercent: 0 });
    pool.handles.forEach((h) => pool.balancer.setEnabled(h, false));
    expectError(() => pool.balancer.pick(pool.id), "E_NO_ELIGIBLE_INSTANCE", "none of its 2 instances is eligible");
    expect(pool.balancer.serviceStats(pool.id).noEligible).toBe(1);
  });
});

describe("breakerPass's inlined handle check", () => {
  it("rejects an unknown and a stale handle as balanceRequestFinished does, whatever the outcome", () => {
    const pool = runningPool(1, { panicPercent: 0 });
    pool.balancer.configureBreaker(pool.id, BREAKER);
    const handle = pool.handles[0];
    for (const outcome of [OUTCOMES.success, OUTCOMES.failure]) {
      expectError(() => pool.balancer.pass(12345, 1, outcome), "E_UNKNOWN_INSTANCE", "instance handle 12345 is not an instance");
      expectError(() => pool.balancer.pass(0, 1, outcome), "E_UNKNOWN_INSTANCE", "instance handle 0 is not an instance");
      expectError(() => pool.balancer.pass(-1, 1, outcome), "E_UNKNOWN_INSTANCE", "instance handle -1 is not an instance");
    }
    const stale = handle + (1 << 16); // the slot's next run
    expectError(() => pool.balancer.pass(stale, 1, OUTCOMES.success), "E_STALE_INSTANCE", `the current handle is ${handle}`);
    expectError(() => pool.balancer.report(stale, 1, OUTCOMES.success), "E_STALE_INSTANCE", `the current handle is ${handle}`);
    expect(pool.balancer.acquire(handle)).toBe(true);
    expect(pool.balancer.pass(handle, 1, OUTCOMES.success)).toBe(true);
    expect(pool.balancer.instanceStats(handle)).toMatchObject({ successes: 1, active: 1 });
  });
});
