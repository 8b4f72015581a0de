// Distribution with a fixed seed: random and power-of-two-choices picks spread within stated
// bounds over 100,000 picks (chi-square at p = 0.001, and max/mean).
import { describe, it, expect } from "vitest";
import { runningPool, chiSquare, chiSquareCritical, maxOverMean, type Pool } from "./support.ts";
import type { Strategy } from "../../host/index.ts";

const PICKS = 100_000;

function countPicks(pool: Pool, picks: number, inFlight = 0): number[] {
  const counts = pool.handles.map(() => 0);
  const open: number[] = [];
  for (let i = 0; i < picks; i++) {
    const handle = pool.balancer.pick(pool.id);
    counts[pool.ordinal.get(handle)!]++;
    open.push(handle);
    if (open.length > inFlight) pool.balancer.finished(open.shift()!, 1);
  }
  return counts;
}

describe.each([8, 64])("%i instances, seed 7", (n) => {
  it("random is uniform: chi-square below the 0.1 % critical value, max/mean <= 1.05", () => {
    const counts = countPicks(runningPool(n, { seed: 7, strategy: "random" }), PICKS);
    expect(chiSquare(counts, counts.map(() => PICKS / n))).toBeLessThan(chiSquareCritical(n - 1));
    expect(maxOverMean(counts)).toBeLessThanOrEqual(n === 8 ? 1.03 : 1.08);
  });

  it("weighted random follows the weights (chi-square against weight shares)", () => {
    const weights = Array.from({ length: n }, (_, i) => 1 + (i % 5));
    const total = weights.reduce((a, b) => a + b, 0);
    const counts = countPicks(runningPool(n, { seed: 7, strategy: "random", weights }), PICKS);
    expect(chiSquare(counts, weights.map((w) => (PICKS * w) / total))).toBeLessThan(chiSquareCritical(n - 1));
  });

  it("least connections with two choices spreads evenly under load (32 requests in flight)", () => {
    const pool = runningPool(n, { seed: 7, strategy: "least-connections" });
    pool.balancer.setOption(pool.id, "choices", 2);
    const counts = countPicks(pool, PICKS, 32);
    expect(maxOverMean(counts)).toBeLessThanOrEqual(n === 8 ? 1.02 : 1.1);
    expect(chiSquare(counts, counts.map(() => PICKS / n))).toBeLessThan(chiSquareCritical(n - 1));
  });

  it("fastest response with equal latencies spreads evenly (two choices, 32 in flight)", () => {
    const counts = countPicks(runningPool(n, { seed: 7, strategy: "fastest-response" }), PICKS, 32);
    expect(maxOverMean(counts)).toBeLessThanOrEqual(n === 8 ? 1.05 : 1.15);
  });
});

describe("weighted least connections with two choices (the pick's equal-weights shortcut)", () => {
  /** The ordinals picked, 32 requests in flight, finishing oldest first. */
  const sequence = (strategy: Strategy, weights?: number[]): number[] => {
    const pool = runningPool(16, { seed: 7, strategy, weights });
    pool.balancer.setOption(pool.id, "choices", 2);
    const picked: number[] = [];
    const open: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const handle = pool.balancer.pick(pool.id);
      picked.push(pool.ordinal.get(handle)!);
      open.push(handle);
      if (open.length > 32) pool.balancer.finished(open.shift()!, 1);
    }
    return picked;
  };

  it("equal weights: the same picks as least connections (same seed, same load)", () => {
    expect(sequence("weighted-least-connections", Array(16).fill(3))).toEqual(sequence("least-connections"));
  });

  it("unequal weights: other picks, the heavier instances taking more", () => {
    const weights = Array.from({ length: 16 }, (_, i) => (i < 8 ? 1 : 4));
    const picked = sequence("weighted-least-connections", weights);
    expect(picked).not.toEqual(sequence("least-connections"));
    const heavy = picked.filter((o) => o >= 8).length;
    expect(heavy / picked.length).toBeGreaterThan(0.6);
  });
});

describe("the seed decides the run", () => {
  it("the same seed gives the same picks; another seed, other picks", () => {
    const run = (seed: number): number[] => countPicks(runningPool(8, { seed, strategy: "random" }), 1000);
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });
});
