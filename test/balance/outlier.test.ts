// Outlier ejection (Envoy's consecutive_5xx): eject for base x ejections (capped), at most a
// share of the pool at once (at least one), re-admitted when the time has passed.
import { describe, it, expect } from "vitest";
import { runningPool, type Pool } from "./support.ts";

function fail(pool: Pool, handle: number, times: number): void {
  for (let i = 0; i < times; i++) {
    pool.balancer.started(handle);
    pool.balancer.finished(handle, 1, "failure");
  }
}

const ejected = (pool: Pool, handle: number) => pool.balancer.instanceStats(handle).ejected;

describe("outlier ejection", () => {
  it("ejects after N consecutive failures, for base x ejections, capped, and re-admits on time", () => {
    const pool = runningPool(4, { panicPercent: 0 });
    pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 3, baseEjectionMs: 1000, maxEjectionMs: 2500, maxEjectedPercent: 50 });
    const [a] = pool.handles;
    fail(pool, a, 2);
    pool.balancer.started(a);
    pool.balancer.finished(a, 1, "success"); // breaks the streak
    fail(pool, a, 2);
    expect(ejected(pool, a)).toBe(false);
    const durations: number[] = [];
    for (let round = 0; round < 4; round++) {
      fail(pool, a, 3);
      expect(ejected(pool, a)).toBe(true);
      for (let i = 0; i < 6; i++) expect(pool.balancer.pick(pool.id)).not.toBe(a);
      let waited = 0;
      while (ejected(pool, a)) { pool.hal.advance(100); waited += 100; }
      durations.push(waited);
      expect(new Set([0, 1, 2, 3].map(() => pool.balancer.pick(pool.id)))).toContain(a);
    }
    expect(durations).toEqual([1000, 2000, 2500, 2500]);
    expect(pool.balancer.instanceStats(a).ejections).toBe(4);
  });

  it("ejects at most maxEjectedPercent of the instances at once, but always one", () => {
    const pool = runningPool(10, { panicPercent: 0 });
    pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 1, baseEjectionMs: 10_000, maxEjectionMs: 10_000, maxEjectedPercent: 20 });
    for (const h of pool.handles.slice(0, 5)) fail(pool, h, 1);
    expect(pool.handles.filter((h) => ejected(pool, h)).length).toBe(2);
    expect(pool.balancer.serviceStats(pool.id).ejected).toBe(2);

    const small = runningPool(3, { panicPercent: 0, name: "small" });
    small.balancer.configureOutlier(small.id, { consecutiveFailures: 1, baseEjectionMs: 10_000, maxEjectionMs: 10_000, maxEjectedPercent: 10 });
    for (const h of small.handles) fail(small, h, 1);
    expect(small.handles.filter((h) => ejected(small, h)).length).toBe(1); // 10 % of 3 rounds down to 0: still one
  });

  it("a candidate waiting for room is ejected once an earlier ejection ends", () => {
    const pool = runningPool(4, { panicPercent: 0 });
    pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 1, baseEjectionMs: 1000, maxEjectionMs: 1000, maxEjectedPercent: 25 });
    const [a, b] = pool.handles;
    fail(pool, a, 1);
    fail(pool, b, 1);
    expect([ejected(pool, a), ejected(pool, b)]).toEqual([true, false]);
    pool.hal.advance(1000);
    fail(pool, b, 1);
    expect([ejected(pool, a), ejected(pool, b)]).toEqual([false, true]);
  });

  it("turned off with consecutiveFailures 0", () => {
    const pool = runningPool(2, { panicPercent: 0 });
    pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 2 });
    pool.balancer.disableOutlier(pool.id);
    fail(pool, pool.handles[0], 10);
    expect(ejected(pool, pool.handles[0])).toBe(false);
  });
});
