// The breaker in one call (assembly/balance/permit.ts): a permit in one export, the outcome and
// the next permit in one, under a manual clock: the same transitions as through picks and
// reports, a refusal as an answer (no error), exactly K half-open probes, bad handles rejected.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { runningPool, type Pool } from "./support.ts";
import { OUTCOMES } from "../../host/kernel/balance.ts";

function breakerPool(): { pool: Pool; handle: number } {
  const pool = runningPool(1, { panicPercent: 0 });
  pool.balancer.configureBreaker(pool.id, { consecutiveFailures: 2, failureRatePercent: 0, minCalls: 1, windowSize: 10, openMs: 1000, halfOpenPermits: 2 });
  return { pool, handle: pool.handles[0] };
}

const stats = (pool: Pool) => pool.balancer.instanceStats(pool.handles[0]);

describe("breaker in one call", () => {
  it("acquire counts the call in flight; report ends it with its outcome", () => {
    const { pool, handle } = breakerPool();
    expect(pool.balancer.acquire(handle)).toBe(true);
    expect(stats(pool)).toMatchObject({ active: 1, successes: 0 });
    pool.balancer.report(handle, 3, OUTCOMES.success);
    expect(stats(pool)).toMatchObject({ active: 0, successes: 1, latencyMs: 3 });
  });

  it("pass reports the finished call and takes the next permit, until the breaker opens", () => {
    const { pool, handle } = breakerPool();
    expect(pool.balancer.acquire(handle)).toBe(true);
    expect(pool.balancer.pass(handle, 1, OUTCOMES.success)).toBe(true);
    expect(pool.balancer.pass(handle, 1, OUTCOMES.failure)).toBe(true);
    expect(stats(pool)).toMatchObject({ active: 1, successes: 1, failures: 1, breaker: "closed" });
    expect(pool.balancer.pass(handle, 1, OUTCOMES.failure)).toBe(false); // the second failure in a row opens it
    expect(stats(pool)).toMatchObject({ active: 0, failures: 2, breaker: "open", breakerOpened: 1 });
    expect(pool.balancer.acquire(handle)).toBe(false); // refused: an answer, not an error
  });

  it("half-open admits exactly halfOpenPermits probes; their successes close it", () => {
    const { pool, handle } = breakerPool();
    pool.balancer.acquire(handle);
    pool.balancer.pass(handle, 1, OUTCOMES.failure);
    pool.balancer.report(handle, 1, OUTCOMES.failure);
    expect(stats(pool).breaker).toBe("open");
    pool.hal.advance(1000);
    expect([pool.balancer.acquire(handle), pool.balancer.acquire(handle), pool.balancer.acquire(handle)]).toEqual([true, true, false]);
    pool.balancer.report(handle, 1, OUTCOMES.success);
    expect(pool.balancer.pass(handle, 1, OUTCOMES.success)).toBe(true); // the second success closes it: the next call is admitted
    expect(stats(pool)).toMatchObject({ breaker: "closed", active: 1 });
  });

  it("a stale or unknown handle is an error naming it", () => {
    const { pool, handle } = breakerPool();
    expectError(() => pool.balancer.acquire(12345), "E_UNKNOWN_INSTANCE", "12345");
    pool.balancer.acquire(handle);
    expectError(() => pool.balancer.pass(handle, -1, OUTCOMES.success), "E_INVALID_LATENCY", "latencyMs -1");
    expect(stats(pool).active).toBe(1); // nothing was counted
  });
  it("pass's O(1) success path leaves the same state as report + acquire, over 5,000 seeded outcomes", () => {
    const config = { windowSize: 20, minCalls: 10, failureRatePercent: 50, consecutiveFailures: 5, slowCallMs: 50, slowRatePercent: 60, openMs: 1000 };
    const one = runningPool(1, { panicPercent: 0 });
    const two = runningPool(1, { panicPercent: 0 });
    for (const pool of [one, two]) {
      pool.balancer.configureBreaker(pool.id, config);
      pool.balancer.configureOutlier(pool.id, { consecutiveFailures: 3 });
      pool.balancer.acquire(pool.handles[0]);
    }
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    let opened = 0;
    for (let i = 0; i < 5000; i++) {
      const outcome = next() < 0.3 ? OUTCOMES.failure : OUTCOMES.success;
      const latency = Math.floor(next() * 80);
      const passed = one.balancer.pass(one.handles[0], latency, outcome);
      two.balancer.report(two.handles[0], latency, outcome);
      expect(two.balancer.acquire(two.handles[0])).toBe(passed);
      expect(one.balancer.instanceStats(one.handles[0])).toEqual(two.balancer.instanceStats(two.handles[0]));
      if (!passed) { // open: let the clock run to half-open and take a permit again
        opened++;
        for (const pool of [one, two]) { pool.hal.advance(60_000); pool.kernel.tick(); }
        expect(one.balancer.acquire(one.handles[0])).toBe(two.balancer.acquire(two.handles[0]));
      }
    }
    expect(opened).toBeGreaterThan(10); // the sequence went through the rules, not only the fast path
  });
});
