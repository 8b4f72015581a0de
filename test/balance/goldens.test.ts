// Golden sequences and the per-strategy semantics, case by case, through the host binding.
import { describe, it, expect } from "vitest";
import { runningPool, pickLetters } from "./support.ts";

/** nginx's smooth weighted round robin, written out to cross-check the goldens on long runs. */
function nginxSwrr(weights: number[], picks: number): string {
  const current = weights.map(() => 0);
  const total = weights.reduce((a, b) => a + b, 0);
  let out = "";
  for (let n = 0; n < picks; n++) {
    let best = -1;
    for (let i = 0; i < weights.length; i++) {
      current[i] += weights[i];
      if (best < 0 || current[i] > current[best]) best = i;
    }
    current[best] -= total;
    out += String.fromCharCode(97 + best);
  }
  return out;
}

describe("weighted round robin (nginx smooth WRR, bit-exact)", () => {
  it("5:1:1 gives a a b a c a a, period after period", () => {
    const pool = runningPool(3, { strategy: "weighted-round-robin", weights: [5, 1, 1] });
    expect(pickLetters(pool, 14)).toBe("aabacaa".repeat(2));
  });

  it("3:2:1 gives a b a c b a (worked by hand)", () => {
    // current weights, each step: +w, pick the first maximum, take 6 off it
    // (3,2,1)a->(-3,2,1) (0,4,2)b->(0,-2,2) (3,0,3)a->(-3,0,3) (0,2,4)c->(0,2,-2) (3,4,-1)b->(3,-2,-1) (6,0,0)a->(0,0,0)
    const pool = runningPool(3, { strategy: "weighted-round-robin", weights: [3, 2, 1] });
    expect(pickLetters(pool, 12)).toBe("abacba".repeat(2));
  });

  it("4:2:1:1 gives a b a c d a b a (worked by hand)", () => {
    // (4,2,1,1)a (0,4,2,2)b (4,-2,3,3)a (0,0,4,4)c (4,2,-3,5)d (8,4,-2,-2)a (4,6,-1,-1)b (8,0,0,0)a
    const pool = runningPool(4, { strategy: "weighted-round-robin", weights: [4, 2, 1, 1] });
    expect(pickLetters(pool, 16)).toBe("abacdaba".repeat(2));
  });

  it("matches nginx over 10,000 picks with uneven weights", () => {
    const weights = [7, 3, 11, 1, 5, 2, 9, 4];
    const pool = runningPool(weights.length, { strategy: "weighted-round-robin", weights });
    expect(pickLetters(pool, 10_000)).toBe(nginxSwrr(weights, 10_000));
  });

  it("skips ineligible instances: the total weight is the eligible instances' (as nginx skips down peers)", () => {
    const pool = runningPool(3, { strategy: "weighted-round-robin", weights: [5, 1, 1], panicPercent: 0 });
    pool.balancer.setDraining(pool.handles[1], true);
    const seq = pickLetters(pool, 12);
    expect(seq).not.toContain("b");
    expect(seq).toBe(nginxSwrr([5, 1], 12).replace(/b/g, "c"));
  });
});

describe("round robin", () => {
  it("rotates over all instances in order", () => {
    const pool = runningPool(4);
    expect(pickLetters(pool, 8, true)).toBe("abcdabcd");
  });

  it("rotates over eligible instances only; a newly eligible one takes its place without a double turn", () => {
    const pool = runningPool(3, { panicPercent: 0 });
    pool.balancer.setEnabled(pool.handles[1], false);
    expect(pickLetters(pool, 4)).toBe("acac");
    expect(pickLetters(pool, 1)).toBe("a");
    pool.balancer.setEnabled(pool.handles[1], true); // b is next after a
    expect(pickLetters(pool, 6)).toBe("bcabca");
  });

  it("an instance leaving mid-rotation does not reset the rotation", () => {
    const pool = runningPool(4, { panicPercent: 0 });
    expect(pickLetters(pool, 2)).toBe("ab");
    pool.balancer.setHealth(pool.handles[2], "unhealthy");
    expect(pickLetters(pool, 3)).toBe("dab");
  });
});

describe("least connections", () => {
  it("choices 0 (the full scan, nginx least_conn) picks the instance with the fewest requests in flight", () => {
    const pool = runningPool(3, { strategy: "least-connections" });
    pool.balancer.setOption(pool.id, "choices", 0);
    const [a, b, c] = pool.handles;
    for (const h of [a, a, b]) pool.balancer.started(h);
    expect(pool.balancer.pick(pool.id)).toBe(c);
    expect(pool.balancer.pick(pool.id)).toBe(b); // b 1, c 1: ties rotate past c
  });

  it("choices 0: ties rotate; with every request finished at once, picks go round instead of herding on the first", () => {
    const pool = runningPool(4, { strategy: "least-connections" });
    pool.balancer.setOption(pool.id, "choices", 0);
    expect(pickLetters(pool, 8, true)).toBe("abcdabcd");
  });

  it("power of two choices (Envoy LEAST_REQUEST, choice count 2) never picks the busier of two", () => {
    const pool = runningPool(8, { strategy: "least-connections" });
    pool.balancer.setOption(pool.id, "choices", 2);
    for (let i = 0; i < 7; i++) pool.balancer.started(pool.handles[0]); // a is very busy
    const counts = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const h = pool.balancer.pick(pool.id);
      counts.set(h, (counts.get(h) ?? 0) + 1);
      pool.balancer.finished(h, 1);
    }
    expect(counts.get(pool.handles[0]) ?? 0).toBe(0); // a loses every comparison
    expect(counts.size).toBe(7);
  });
});

describe("weighted least connections", () => {
  it("keeps requests in flight in proportion to weight: the lowest (active + 1) / weight", () => {
    const pool = runningPool(2, { strategy: "weighted-least-connections", weights: [3, 1] });
    // a 1/3 < b 1/1 -> a; 2/3 < 1 -> a; 3/3 = 1/1 tie, rotates past a -> b; 4/3 < 2 -> a;
    // 5/3 < 2 -> a; 5/3... a 6/3 = b 2/1 tie -> b; a 6/3 < 3 -> a (nothing finishes)
    expect(pickLetters(pool, 8)).toBe("aabaaaba");
  });

  it("Envoy's bias: 0 ignores load (the heavier always wins); 2.0 weighs load more than 1.0", () => {
    const heavyShare = (biasPercent: number): number => {
      const pool = runningPool(2, { strategy: "weighted-least-connections", weights: [4, 1] });
      pool.balancer.setOption(pool.id, "activeBiasPercent", biasPercent);
      return [...pickLetters(pool, 30)].filter((x) => x === "a").length;
    };
    expect(heavyShare(0)).toBe(30);
    // steady state weight / (active + 1)^bias equal: bias 1 -> a + 1 = 4 (b + 1): ~24 of 30;
    // bias 2 -> a + 1 = 2 (b + 1): ~20 of 30
    expect(heavyShare(100)).toBeGreaterThanOrEqual(23);
    expect(heavyShare(100)).toBeLessThanOrEqual(26);
    expect(heavyShare(200)).toBeGreaterThanOrEqual(19);
    expect(heavyShare(200)).toBeLessThanOrEqual(22);
  });
});

describe("health-based", () => {
  it("prefers healthy, then degraded, never unhealthy (above the panic threshold)", () => {
    const pool = runningPool(4, { strategy: "health-based" });
    const [a, b, c, d] = pool.handles;
    pool.balancer.setHealth(a, "healthy");
    pool.balancer.setHealth(b, "degraded");
    pool.balancer.setHealth(c, "healthy");
    pool.balancer.setHealth(d, "unhealthy");
    expect(pickLetters(pool, 4)).toBe("acac");
    pool.balancer.setHealth(a, "degraded");
    pool.balancer.setHealth(c, "degraded");
    expect(new Set(pickLetters(pool, 6))).toEqual(new Set(["a", "b", "c"]));
  });

  it("panic: below 50 % available, balance across every member (Envoy) and count the entry", () => {
    const pool = runningPool(4, { strategy: "health-based" });
    for (const h of pool.handles.slice(0, 3)) pool.balancer.setHealth(h, "unhealthy");
    expect(new Set(pickLetters(pool, 8))).toEqual(new Set(["a", "b", "c", "d"]));
    const stats = pool.balancer.serviceStats(pool.id);
    expect(stats.panic).toBe(true);
    expect(stats.panicEntries).toBe(1);
    expect(stats.panicPicks).toBe(8);
    pool.balancer.setHealth(pool.handles[0], "healthy"); // 2 of 4: 50 %, not below
    expect(new Set(pickLetters(pool, 8))).toEqual(new Set(["a", "d"]));
    expect(pool.balancer.serviceStats(pool.id).panic).toBe(false);
  });
});

describe("fastest response (peak EWMA x (pending + 1), two choices)", () => {
  it("sends most requests to the fast instance; the slow one gets what the fast one's queue pushes over", () => {
    const pool = runningPool(2, { strategy: "fastest-response" });
    const [fast, slow] = pool.handles;
    const latency = new Map([[fast, 2], [slow, 50]]);
    const counts = new Map([[fast, 0], [slow, 0]]);
    const inFlight: { handle: number; doneAt: number }[] = [];
    for (let t = 0; t < 3000; t++) {
      for (let r = 0; r < 10; r++) { // 10 requests a millisecond
        const handle = pool.balancer.pick(pool.id);
        counts.set(handle, counts.get(handle)! + 1);
        inFlight.push({ handle, doneAt: t + latency.get(handle)! });
      }
      pool.hal.advance(1);
      for (let i = inFlight.length - 1; i >= 0; i--) {
        if (inFlight[i].doneAt > t + 1) continue;
        pool.balancer.finished(inFlight[i].handle, latency.get(inFlight[i].handle)!);
        inFlight.splice(i, 1);
      }
    }
    const share = counts.get(fast)! / 30_000;
    expect(share).toBeGreaterThan(0.8);
    expect(counts.get(slow)!).toBeGreaterThan(0);
  });

  it("with no samples anywhere the requests in flight decide: the busier of two never wins", () => {
    const pool = runningPool(8, { strategy: "fastest-response" });
    for (let i = 0; i < 3; i++) pool.balancer.started(pool.handles[0]); // a is busy, nobody is measured
    const counts = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const h = pool.balancer.pick(pool.id);
      counts.set(h, (counts.get(h) ?? 0) + 1);
      pool.balancer.finished(h, 1, "cancelled"); // a cancelled request leaves no latency sample
    }
    expect(counts.get(pool.handles[0]) ?? 0).toBe(0);
    expect(counts.size).toBe(7);
  });

  it("an instance without samples costs the default, so it is probed, not flooded", () => {
    const pool = runningPool(3, { strategy: "fastest-response" });
    pool.balancer.setOption(pool.id, "defaultCostMs", 10);
    const [a, b] = pool.handles;
    // a and b are measured at 5 ms; c is new (10 ms by default)
    for (const h of [a, b]) { pool.balancer.started(h); pool.balancer.finished(h, 5); }
    const picks: number[] = [];
    for (let i = 0; i < 30; i++) picks.push(pool.balancer.pick(pool.id)); // nothing finishes: pending grows
    const c = pool.handles[2];
    const toC = picks.filter((h) => h === c).length;
    expect(toC).toBeGreaterThan(0);
    expect(toC).toBeLessThan(15); // c's cost rises with its own pending requests like anyone's
    expect(pool.balancer.instanceStats(c).costMs).toBeNull();
    expect(pool.balancer.instanceStats(a).costMs).toBeCloseTo(5);
  });

  it("the estimate jumps up to a slow sample and decays back with time", () => {
    const pool = runningPool(1, { strategy: "fastest-response" });
    pool.balancer.setOption(pool.id, "decayMs", 1000);
    const [a] = pool.handles;
    pool.balancer.started(a);
    pool.balancer.finished(a, 100);
    expect(pool.balancer.instanceStats(a).costMs).toBeCloseTo(100);
    pool.hal.advance(1000);
    expect(pool.balancer.instanceStats(a).costMs).toBeCloseTo(100 / Math.E, 5);
  });
});
