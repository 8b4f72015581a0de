// Statistics: per instance (picks, active, successes, failures, EWMA latency, breaker state and
// transition counts, ejections) and per service (totals, panic entries), read without allocation.
import { describe, it, expect } from "vitest";
import { runningPool } from "./support.ts";

describe("statistics", () => {
  it("count picks, requests in flight, outcomes and smoothed latency per instance and per service", () => {
    const pool = runningPool(2);
    const { balancer, id, handles } = pool;
    const [a, b] = handles;
    const picked = [balancer.pick(id), balancer.pick(id), balancer.pick(id)]; // a b a
    expect(picked).toEqual([a, b, a]);
    balancer.finished(a, 10, "success");
    balancer.finished(a, 20, "failure");
    balancer.started(b);
    const sa = balancer.instanceStats(a);
    expect([sa.picks, sa.active, sa.successes, sa.failures]).toEqual([2, 0, 1, 1]);
    expect(sa.latencyMs).toBeCloseTo(10 + (20 - 10) / 8); // EWMA, weight 1/8, seeded by the first sample
    const sb = balancer.instanceStats(b);
    expect([sb.picks, sb.active, sb.successes, sb.failures, sb.latencyMs]).toEqual([1, 2, 0, 0, null]);
    expect(sb).toMatchObject({ breaker: "closed", weight: 1, enabled: true, draining: false, eligible: true });
    const s = balancer.serviceStats(id);
    expect(s).toMatchObject({ strategy: "round-robin", picks: 3, successes: 1, failures: 1, active: 2, instances: 2, members: 2, eligible: 2 });
    balancer.finished(b, 1, "cancelled"); // leaves the in-flight count only
    expect(balancer.instanceStats(b)).toMatchObject({ active: 1, successes: 0, failures: 0 });
  });

  it("keep counting across runs of an instance, while the run's requests in flight go with it", () => {
    const pool = runningPool(1);
    const { balancer, kernel, id } = pool;
    const first = balancer.pick(id);
    balancer.finished(first, 5);
    balancer.pick(id); // in flight when the instance crashes
    kernel.instanceExited(first, 1);
    for (const action of kernel.drainActions()) if (action.kind === "stop" || action.kind === "kill") kernel.instanceExited(action.instance, 0);
    kernel.stop(id);
    kernel.start(id);
    for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
    const [second] = kernel.instances(id);
    expect(second).not.toBe(first);
    expect(balancer.instanceStats(second)).toMatchObject({ picks: 2, successes: 1, active: 0 });
  });

  it("count breaker transitions, ejections, and picks that found no instance", () => {
    const pool = runningPool(2, { panicPercent: 0 });
    const { balancer, hal, id, handles } = pool;
    balancer.configureBreaker(id, { consecutiveFailures: 1, failureRatePercent: 0, openMs: 100, openMaxMs: 100, halfOpenPermits: 1 });
    balancer.started(handles[0]);
    balancer.finished(handles[0], 1, "failure");
    hal.advance(100);
    balancer.started(handles[0]);
    balancer.finished(handles[0], 1, "success");
    expect(balancer.instanceStats(handles[0])).toMatchObject({ breakerOpened: 1, breakerHalfOpened: 1, breakerClosed: 1, breaker: "closed" });
    for (const h of handles) balancer.setDraining(h, true);
    expect(() => balancer.pick(id)).toThrow();
    expect(balancer.serviceStats(id)).toMatchObject({ noEligible: 1, eligible: 0, members: 0 });
  });
});
