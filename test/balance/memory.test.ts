// Zero allocation: a million picks and reports (every strategy, breakers and ejection at work)
// leave the kernel's memory size and its allocator's high-water mark unchanged.
import { describe, it, expect } from "vitest";
import { STRATEGIES } from "../../host/index.ts";
import { runningPool, BREAKER } from "./support.ts";

describe("no allocation on the balancing paths", () => {
  it("1,000,000 picks and reports", () => {
    const pool = runningPool(16, { seed: 3 });
    const { balancer, kernel, hal, id, handles } = pool;
    balancer.configureBreaker(id, { ...BREAKER, consecutiveFailures: 4 });
    balancer.configureOutlier(id, { consecutiveFailures: 6, baseEjectionMs: 50, maxEjectionMs: 500, maxEjectedPercent: 20 });
    const x = kernel.exports;
    const memoryBefore = kernel.memoryBytes();
    const highWaterBefore = kernel.heapHighWater();
    let operations = 0;
    for (let round = 0; operations < 1_000_000; round++) {
      balancer.setStrategy(id, STRATEGIES[round % STRATEGIES.length]);
      balancer.setHealth(handles[round % 16], round % 7 === 0 ? "unhealthy" : "healthy");
      for (let i = 0; i < 5000; i++) {
        const handle = (i & 3) === 0 ? x.balancePickKey(id, i * 2654435761) : x.balancePick(id);
        operations++;
        if (handle < 0) continue; // no eligible instance: an error code and its detail, no allocation
        x.balanceRequestFinished(handle, i % 50, i % 11 === 0 ? 0 : 1);
        operations++;
        if (i % 1000 === 0) hal.advance(37);
      }
      x.balancePickBytes(id, kernel.put(`key-${round}`));
      x.balanceInstanceStats(handles[0]);
      x.balanceServiceStats(id);
      x.balanceRequestFinished(handles[0], Number.NaN, 1); // refused: detail written in place
    }
    expect(kernel.memoryBytes()).toBe(memoryBefore);
    expect(kernel.heapHighWater()).toBe(highWaterBefore);
  });
});
