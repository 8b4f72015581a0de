// Batch picks (balancePickMany, Balancer.pickMany): N picks in one boundary crossing give the
// same instances, in the same order, with the same bookkeeping as N single picks on a twin
// kernel; keys travel in the buffer; bounds, a pool running out part way, and no allocation.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { runningPool, type PoolOptions } from "./support.ts";
import { STRATEGIES } from "../../host/index.ts";

const KEYED = new Set(["ip-hash", "consistent-hash"]);
const N = 64;

function twins(options: PoolOptions & { n: number }) {
  return [runningPool(options.n, options), runningPool(options.n, options)];
}

describe("balancePickMany", () => {
  it.each(STRATEGIES)("%s: 64 picks in one call equal 64 single picks, counted the same", (strategy) => {
    const weights = [3, 1, 4, 1, 5, 9, 2, 6];
    const [batch, single] = twins({ n: 8, strategy, weights, seed: 7 });
    const keys = Array.from({ length: N }, (_, i) => (i * 2654435761) >>> 0);
    const keyed = KEYED.has(strategy);
    for (let round = 0; round < 3; round++) {
      const n = batch.balancer.pickMany(batch.id, N, keyed ? keys : undefined);
      expect(n).toBe(N);
      const many = Array.from(batch.balancer.picked.subarray(0, n));
      const one = keys.map((key) => (keyed ? single.balancer.pickKey(single.id, key) : single.balancer.pick(single.id)));
      expect(many).toEqual(one);
    }
    const stats = (p: typeof batch) => p.handles.map((h) => {
      const s = p.balancer.instanceStats(h);
      return [s.picks, s.active];
    });
    expect(stats(batch)).toEqual(stats(single));
    expect(batch.balancer.serviceStats(batch.id).picks).toBe(3 * N);
  });

  it.each(["round-robin", "weighted-round-robin", "random"] as const)(
    "%s, equal weights (one loop over a steady pool): the same picks as single picks, across a pool change", (strategy) => {
      const [batch, single] = twins({ n: 16, strategy, seed: 11 });
      const counts = [N, 7, 1, N, 33];
      counts.forEach((count, round) => {
        if (round === 2) { // a pool change between runs: the next run starts from the rebuilt pool
          batch.balancer.setEnabled(batch.handles[5], false);
          single.balancer.setEnabled(single.handles[5], false);
        }
        const n = batch.balancer.pickMany(batch.id, count);
        expect(n).toBe(count);
        const many = Array.from(batch.balancer.picked.subarray(0, n));
        expect(many).toEqual(Array.from({ length: count }, () => single.balancer.pick(single.id)));
        expect(batch.balancer.pick(batch.id)).toBe(single.balancer.pick(single.id)); // the rotation resumes alike
      });
      const stats = (p: typeof batch) => p.handles.map((h) => {
        const s = p.balancer.instanceStats(h);
        return [s.picks, s.active];
      });
      expect(stats(batch)).toEqual(stats(single));
      expect(batch.balancer.serviceStats(batch.id).picks).toBe(single.balancer.serviceStats(single.id).picks);
    });

  it("rejects a count outside the buffer, keys of the wrong length and an unknown service", () => {
    const pool = runningPool(2);
    const x = pool.kernel.exports;
    const most = x.ioCapacity() / 4;
    expectError(() => pool.balancer.pickMany(pool.id, 0), "E_INVALID_ARGUMENT", "pick batch count 0 is below 1");
    expectError(() => pool.balancer.pickMany(pool.id, most + 1), "E_IO_LENGTH", `pick batch count ${most + 1} is above ${most}`);
    expect(pool.balancer.pickMany(pool.id, most)).toBe(most);
    expectError(() => pool.kernel.check(x.balancePickMany(pool.id, 4, 12)), "E_IO_LENGTH", "key length 12 is neither 0 nor 4 x the pick count 4");
    expectError(() => pool.balancer.pickMany(999, 4), "E_UNKNOWN_SERVICE", "999");
    expect(() => pool.balancer.pickMany(pool.id, 4, [1, 2])).toThrow(RangeError);
  });

  it("returns the picks made when the pool runs out part way (a half-open breaker's one probe)", () => {
    const pool = runningPool(1, { panicPercent: 0 });
    pool.balancer.configureBreaker(pool.id, { consecutiveFailures: 1, failureRatePercent: 0, minCalls: 1, windowSize: 10, openMs: 1000, halfOpenPermits: 1 });
    pool.balancer.finished(pool.balancer.pick(pool.id), 1, "failure"); // opens
    expectError(() => pool.balancer.pickMany(pool.id, 4), "E_NO_ELIGIBLE_INSTANCE", "api");
    pool.hal.advance(1000); // half-open: one probe
    expect(pool.balancer.pickMany(pool.id, 4)).toBe(1);
    expect(pool.balancer.picked[0]).toBe(pool.handles[0]);
  });

  it("allocates nothing in the kernel", () => {
    const pool = runningPool(64, { strategy: "random" });
    const before = pool.kernel.heapHighWater();
    for (let i = 0; i < 1000; i++) pool.balancer.pickMany(pool.id, N);
    expect(pool.kernel.heapHighWater()).toBe(before);
  });
});
