// Bad input: clear error codes whose messages name the service or instance, the field and the
// value; configuration is validated when it is set, and a refused setting changes nothing.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { runningPool, BREAKER } from "./support.ts";
import { SECTIONS, recordOf, type RecordValues } from "../../host/kernel/records.ts";
import type { Strategy } from "../../host/kernel/balance.ts";

describe("bad input", () => {
  const pool = runningPool(2);
  const { balancer, kernel, id, handles } = pool;
  const x = kernel.exports;

  it("unknown service ids and instance handles", () => {
    expectError(() => balancer.pick(999), "E_UNKNOWN_SERVICE", "999");
    expectError(() => balancer.pick(-1), "E_UNKNOWN_SERVICE", "-1");
    expectError(() => kernel.check(x.recordApply(77, SECTIONS.balance, kernel.putRecord(recordOf("balance", {})))), "E_UNKNOWN_SERVICE", "77");
    expectError(() => balancer.setWeight((1 << 16) | 600, 2), "E_UNKNOWN_INSTANCE", "not an instance");
    expectError(() => balancer.setHealth(handles[0] + (1 << 16), "healthy"), "E_STALE_INSTANCE");
  });

  it("weights: zero, negative and above the limit", () => {
    expectError(() => balancer.setWeight(handles[0], 0), "E_INVALID_WEIGHT", "weight 0 is outside 1..1000", "'api'");
    expectError(() => balancer.setWeight(handles[0], -5), "E_INVALID_WEIGHT", "weight -5");
    expectError(() => balancer.setWeight(handles[0], 1001), "E_INVALID_WEIGHT", "weight 1001");
    expect(balancer.instanceStats(handles[0]).weight).toBe(1);
  });

  it("strategy codes and options out of range", () => {
    const raw = (values: RecordValues<"balance">) => () => kernel.applyRecord(id, "balance", recordOf("balance", values));
    expectError(raw({ strategy: 9 }), "E_INVALID_STRATEGY", "strategy 9 is outside 0..8");
    expectError(raw({ strategy: -2 }), "E_INVALID_STRATEGY", "strategy -2");
    expectError(() => balancer.setStrategy(id, "fastest" as Strategy), "E_INVALID_STRATEGY", "strategy 'fastest'", "'api'");
    expectError(() => kernel.check(x.recordApply(id, 17, 24)), "E_INVALID_ARGUMENT", "record section 17");
    expectError(() => kernel.check(x.recordApply(id, SECTIONS.balance, 20)), "E_INVALID_ARGUMENT", "record length 20 is not its 24 bytes");
    expectError(() => balancer.setOption(id, "choices", 3), "E_INVALID_OPTION", "choices 3");
    expectError(() => balancer.setOption(id, "panicPercent", 101), "E_INVALID_OPTION", "panicPercent 101 is outside 0..100");
    expectError(() => balancer.setOption(id, "activeBiasPercent", -2), "E_INVALID_OPTION", "activeBiasPercent -2");
    expectError(() => balancer.setOption(id, "decayMs", 0), "E_INVALID_OPTION", "decayMs 0");
    expect(balancer.serviceStats(id).strategy).toBe("round-robin");
  });

  it("health, flags and outcomes", () => {
    expectError(() => kernel.check(x.instanceSetHealth(handles[0], 4)), "E_INVALID_HEALTH", "health 4");
    expectError(() => kernel.check(x.balanceSetEnabled(handles[0], 2)), "E_INVALID_ARGUMENT", "enabled 2 is neither 0 nor 1");
    expectError(() => kernel.check(x.balanceSetDraining(handles[0], -1)), "E_INVALID_ARGUMENT", "draining -1");
  });

  it.each([
    [{ windowSize: 0 }, "windowSize 0 is outside 1..64"],
    [{ windowSize: 65 }, "windowSize 65"],
    [{ windowSize: 10, minCalls: 11 }, "minCalls 11 is outside 1..10"],
    [{ minCalls: 0 }, "minCalls 0"],
    [{ failureRatePercent: 101 }, "failureRatePercent 101 is outside 0..100"],
    [{ consecutiveFailures: -2 }, "consecutiveFailures -2"], // -1 is the kernel's default
    [{ slowCallMs: -5 }, "slowCallMs -5"],
    [{ slowCallMs: 0, slowRatePercent: 50 }, "slowRatePercent (0 while slowCallMs is 0) 50"],
    [{ slowCallMs: 100, slowRatePercent: 120 }, "slowRatePercent (0 while slowCallMs is 0) 120 is outside 0..100"],
    [{ failureRatePercent: 0, consecutiveFailures: 0, slowRatePercent: 0 }, "nothing could open the breaker"],
    [{ openMs: 0 }, "openMs 0"],
    [{ openMs: 5000, openMaxMs: 4000 }, "openMaxMs 4000 is outside 5000.."],
    [{ halfOpenPermits: 0 }, "halfOpenPermits 0 is outside 1..255"],
  ])("breaker %o is refused (%s)", (config, message) => {
    expectError(() => balancer.configureBreaker(id, { ...BREAKER, ...config }), "E_INVALID_BREAKER", message, "'api'");
  });

  it.each([
    [{ consecutiveFailures: 70000 }, "consecutiveFailures 70000"],
    [{ baseEjectionMs: 0 }, "baseEjectionMs 0"],
    [{ baseEjectionMs: 1000, maxEjectionMs: 999 }, "maxEjectionMs 999 is outside 1000.."],
    [{ maxEjectedPercent: 101 }, "maxEjectedPercent 101"],
  ])("outlier %o is refused (%s)", (config, message) => {
    expectError(() => balancer.configureOutlier(id, config), "E_INVALID_OUTLIER", message);
  });

  it("a refused breaker setting changes nothing (validated when set, not when used)", () => {
    balancer.configureBreaker(id, { ...BREAKER, consecutiveFailures: 1, failureRatePercent: 0 });
    expectError(() => balancer.configureBreaker(id, { ...BREAKER, windowSize: 0 }), "E_INVALID_BREAKER");
    const h = balancer.pick(id);
    balancer.finished(h, 1, "failure");
    expect(balancer.instanceStats(h).breaker).toBe("open"); // the earlier setting still holds
    balancer.disableBreaker(id);
  });

  it("no eligible instance is an error, never a trap", () => {
    const empty = runningPool(2, { panicPercent: 0, name: "empty" });
    for (const h of empty.handles) empty.balancer.setDraining(h, true);
    expectError(() => empty.balancer.pick(empty.id), "E_NO_ELIGIBLE_INSTANCE", "'empty'", "none of its 2 instances");
    empty.kernel.stop(empty.id);
    expectError(() => empty.balancer.pickKey(empty.id, 5), "E_NO_ELIGIBLE_INSTANCE");
    expect(empty.balancer.serviceStats(empty.id).noEligible).toBe(2);
    const none = empty.kernel.register("zero", { instances: 0 });
    expectError(() => empty.balancer.pick(none), "E_NO_ELIGIBLE_INSTANCE", "none of its 0 instances");
  });

  it("bad key lengths and batch counts", () => {
    expectError(() => kernel.check(x.balancePickBytes(id, -1)), "E_IO_LENGTH", "key length -1");
    expectError(() => balancer.pickBatch(id, 0), "E_INVALID_ARGUMENT", "pick batch count 0");
  });
});
