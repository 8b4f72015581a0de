// The circuit breaker under a manual clock: every transition, with the thresholds of its
// configuration; exactly K half-open probes; opossum's #119 (half-open flood) and #385 (stuck
// open) cases; isolation and reset; stale and unknown reports rejected.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { runningPool, bringUp, type Pool } from "./support.ts";

/** One instance behind a breaker; panic off, so a refused instance is never picked. */
function breakerPool(config: Parameters<Pool["balancer"]["configureBreaker"]>[1], instances = 1): Pool {
  const pool = runningPool(instances, { panicPercent: 0 });
  pool.balancer.configureBreaker(pool.id, config);
  return pool;
}

/** Picks (the request starts) and reports the outcome right away. */
function call(pool: Pool, outcome: "success" | "failure", latencyMs = 1): number {
  const handle = pool.balancer.pick(pool.id);
  pool.balancer.finished(handle, latencyMs, outcome);
  return handle;
}

const state = (pool: Pool, i = 0) => pool.balancer.instanceStats(pool.handles[i]).breaker;

describe("closed -> open", () => {
  it("opens on the consecutive-failure threshold, not one failure earlier", () => {
    const pool = breakerPool({ consecutiveFailures: 3, failureRatePercent: 0, minCalls: 1, windowSize: 10 });
    call(pool, "failure");
    call(pool, "failure");
    call(pool, "success"); // resets the streak
    call(pool, "failure");
    call(pool, "failure");
    expect(state(pool)).toBe("closed");
    call(pool, "failure");
    expect(state(pool)).toBe("open");
    expect(pool.balancer.instanceStats(pool.handles[0]).breakerOpened).toBe(1);
    expectError(() => pool.balancer.pick(pool.id), "E_NO_ELIGIBLE_INSTANCE", "api");
  });

  it("opens on the failure rate only once the window holds minCalls calls", () => {
    const pool = breakerPool({ windowSize: 10, minCalls: 6, failureRatePercent: 50, consecutiveFailures: 0 });
    for (const outcome of ["failure", "failure", "failure", "success", "failure"] as const) call(pool, outcome);
    expect(state(pool)).toBe("closed"); // 4/5 failed, but only 5 calls
    call(pool, "success"); // 4/6 = 67 % >= 50 %
    expect(state(pool)).toBe("open");
  });

  it("judges a sliding window: old outcomes leave it", () => {
    const pool = breakerPool({ windowSize: 4, minCalls: 4, failureRatePercent: 75, consecutiveFailures: 0 });
    for (const outcome of ["failure", "failure", "success", "success", "success", "failure", "success", "failure"] as const) {
      call(pool, outcome); // never 3 of the last 4
    }
    expect(state(pool)).toBe("closed");
    call(pool, "failure"); // last 4: s f s... -> f s f f = 3 of 4
    expect(state(pool)).toBe("open");
  });

  it("opens on the slow-call rate (latency above slowCallMs), with its own threshold", () => {
    const pool = breakerPool({
      windowSize: 10, minCalls: 4, failureRatePercent: 0, consecutiveFailures: 0, slowCallMs: 100, slowRatePercent: 50,
    });
    call(pool, "success", 100); // not above the threshold
    call(pool, "success", 101);
    call(pool, "success", 5);
    expect(state(pool)).toBe("closed");
    call(pool, "success", 250); // 2 of 4 slow
    expect(state(pool)).toBe("open");
  });
});

describe("open -> half-open -> closed", () => {
  const config = { consecutiveFailures: 1, failureRatePercent: 0, openMs: 1000, openMaxMs: 8000, halfOpenPermits: 3 };

  it("stays open for openMs, then admits exactly K probes and closes after K successes", () => {
    const pool = breakerPool(config, 2);
    const [a, b] = pool.handles;
    pool.balancer.started(a);
    pool.balancer.finished(a, 1, "failure"); // opens a
    expect(state(pool, 0)).toBe("open");
    pool.hal.advance(999);
    for (let i = 0; i < 5; i++) pool.balancer.finished(pool.balancer.pick(pool.id), 1);
    expect(pool.balancer.instanceStats(a).picks).toBe(0); // nothing went to a while open
    pool.hal.advance(1);
    expect(state(pool, 0)).toBe("half-open");
    // many picks while nothing reports: exactly 3 reach a
    const probes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const handle = pool.balancer.pick(pool.id);
      if (handle === a) probes.push(handle);
      else pool.balancer.finished(handle, 1);
    }
    expect(probes.length).toBe(3);
    expectError(() => pool.balancer.started(a), "E_BREAKER_OPEN");
    pool.balancer.finished(a, 1);
    pool.balancer.finished(a, 1);
    expect(state(pool, 0)).toBe("half-open");
    pool.balancer.finished(a, 1);
    expect(state(pool, 0)).toBe("closed");
    const stats = pool.balancer.instanceStats(a);
    expect([stats.breakerOpened, stats.breakerHalfOpened, stats.breakerClosed]).toEqual([1, 1, 1]);
    expect(b).toBeGreaterThan(0);
  });

  it("any half-open failure re-opens it, for twice as long, capped at openMaxMs", () => {
    const pool = breakerPool(config);
    const [a] = pool.handles;
    call(pool, "failure");
    const durations: number[] = [];
    for (let round = 0; round < 5; round++) {
      let waited = 0;
      while (state(pool) === "open") { pool.hal.advance(100); waited += 100; }
      durations.push(waited);
      expect(state(pool)).toBe("half-open");
      pool.balancer.started(a);
      pool.balancer.finished(a, 1, "failure");
    }
    expect(durations).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(pool.balancer.instanceStats(a).breakerOpened).toBe(6);
  });

  it("a slow half-open probe counts as a failure", () => {
    const pool = breakerPool({ ...config, slowCallMs: 50, slowRatePercent: 100 });
    call(pool, "failure");
    pool.hal.advance(1000);
    call(pool, "success", 80);
    expect(state(pool)).toBe("open");
  });

  it("a cancelled probe gives its permit back", () => {
    const pool = breakerPool({ ...config, halfOpenPermits: 1 });
    const [a] = pool.handles;
    call(pool, "failure");
    pool.hal.advance(1000);
    pool.balancer.started(a);
    expectError(() => pool.balancer.started(a), "E_BREAKER_OPEN");
    pool.balancer.finished(a, 0, "cancelled");
    pool.balancer.started(a);
    pool.balancer.finished(a, 1);
    expect(state(pool)).toBe("closed");
  });
});

describe("the failure modes opossum's users hit", () => {
  const config = { consecutiveFailures: 2, failureRatePercent: 0, openMs: 1000, openMaxMs: 60_000, halfOpenPermits: 1 };

  it("#119: half-open lets one probe through, not the flood; its failure re-opens the breaker", () => {
    const pool = breakerPool(config);
    const [a] = pool.handles;
    call(pool, "failure");
    call(pool, "failure");
    pool.hal.advance(1000);
    const admitted = [0, 1, 2, 3, 4].filter(() => {
      try { pool.balancer.started(a); return true; } catch { return false; }
    }).length;
    expect(admitted).toBe(1);
    pool.balancer.finished(a, 1, "failure");
    expect(state(pool)).toBe("open");
  });

  it("#385: failures of calls admitted before it opened do not push the reopening back", () => {
    const pool = breakerPool(config);
    const [a] = pool.handles;
    for (let i = 0; i < 6; i++) pool.balancer.started(a); // six concurrent calls
    pool.balancer.finished(a, 1, "failure");
    pool.balancer.finished(a, 1, "failure"); // opens
    pool.hal.advance(500);
    for (let i = 0; i < 4; i++) pool.balancer.finished(a, 1, "failure"); // late failures while open
    pool.hal.advance(500);
    expect(state(pool)).toBe("half-open"); // on time
    expect(pool.balancer.instanceStats(a).breakerOpened).toBe(1);
  });

  it("probes that never report do not leave it stuck: after the open duration it re-opens and probes again", () => {
    const pool = breakerPool(config);
    const [a] = pool.handles;
    call(pool, "failure");
    call(pool, "failure");
    pool.hal.advance(1000);
    pool.balancer.started(a); // the probe is lost
    pool.hal.advance(2000); // the probe deadline (the open duration) passes: open again, for 2 s
    expect(state(pool)).toBe("open");
    pool.hal.advance(2000);
    expect(state(pool)).toBe("half-open");
    pool.balancer.started(a);
    pool.balancer.finished(a, 1);
    expect(state(pool)).toBe("closed");
  });
});

describe("manual control", () => {
  it("isolation holds it open, reference-counted; release without isolation is an error", () => {
    const pool = runningPool(2, { panicPercent: 0 });
    const [a] = pool.handles;
    expect(pool.balancer.isolate(a)).toBe(1);
    expect(pool.balancer.isolate(a)).toBe(2);
    for (let i = 0; i < 4; i++) expect(pool.balancer.pick(pool.id)).not.toBe(a);
    expectError(() => pool.balancer.started(a), "E_BREAKER_OPEN");
    expect(pool.balancer.release(a)).toBe(1);
    expect(pool.balancer.instanceStats(a).isolations).toBe(1);
    expect(pool.balancer.release(a)).toBe(0);
    expect(new Set([0, 1, 2, 3].map(() => pool.balancer.pick(pool.id)))).toContain(a);
    expectError(() => pool.balancer.release(a), "E_NOT_ISOLATED", "breakerRelease");
  });

  it("reset closes an open breaker at once", () => {
    const pool = breakerPool({ consecutiveFailures: 1, failureRatePercent: 0, openMs: 60_000, openMaxMs: 60_000 });
    call(pool, "failure");
    expect(state(pool)).toBe("open");
    pool.balancer.resetBreaker(pool.handles[0]);
    expect(state(pool)).toBe("closed");
    call(pool, "success");
  });
});

describe("reports are checked", () => {
  it("a report for an earlier run of the instance (a stale handle) is rejected", () => {
    const pool = runningPool(1);
    const old = pool.balancer.pick(pool.id);
    pool.kernel.stop(pool.id);
    for (const action of pool.kernel.drainActions()) if (action.kind === "stop") pool.kernel.instanceExited(action.instance, 0);
    pool.kernel.start(pool.id);
    bringUp(pool.kernel);
    expectError(() => pool.balancer.finished(old, 1), "E_STALE_INSTANCE", String(old));
    const fresh = pool.balancer.pick(pool.id);
    expect(fresh).not.toBe(old);
    expect(pool.balancer.instanceStats(fresh).active).toBe(1); // the old run's request left with it
  });

  it("unknown handles, finishing more than started, bad outcomes and latencies are rejected", () => {
    const pool = runningPool(1);
    const [a] = pool.handles;
    expectError(() => pool.balancer.finished(12345, 1), "E_UNKNOWN_INSTANCE", "12345");
    expectError(() => pool.balancer.finished(a, 1), "E_NO_ACTIVE_REQUEST", "no request in flight");
    pool.balancer.started(a);
    expectError(() => pool.kernel.check(pool.kernel.exports.balanceRequestFinished(a, 1, 7)), "E_INVALID_OUTCOME", "outcome 7");
    expectError(() => pool.balancer.finished(a, -3), "E_INVALID_LATENCY", "latencyMs -3");
    expectError(() => pool.balancer.finished(a, Number.NaN), "E_INVALID_LATENCY", "NaN");
    pool.balancer.finished(a, 3);
  });
});
