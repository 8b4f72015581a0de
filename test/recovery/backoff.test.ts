// Backoff through the kernel: each kind's sequence, and the peer case from the AWS article
// "Exponential Backoff And Jitter": every jitter mode's delays stay within its formula's
// bounds over 10,000 draws (taken from the kernel's own EVENT_RECOVERY records).
import { describe, it, expect } from "vitest";
import { Kernel, VirtualHal, Recovery, recoveryOf, type BackoffPolicy, type JitterMode } from "../../host/index.ts";
import { backoffBounds } from "../../host/sim/invariants.ts";

interface Draw { attempt: number; delayMs: number }

/**
 * `count` restarts in a row of a service that crashes as soon as it runs. Every `stableEvery`-th
 * run lasts past the stable time, so attempts start over and every part of the curve is drawn.
 */
function draw(backoff: BackoffPolicy, count: number, stableEvery = 12, seed = 7): Draw[] {
  const hal = new VirtualHal(seed);
  const k = new Kernel({ hal, profile: "release" });
  k.register("svc");
  new Recovery(k).configure("svc", {
    restart: "always", restartsMax: 8, windowMs: 1, stableMs: 1_000, backoff,
    strategies: { crash: ["restart-backoff"], "crash-loop": ["restart-backoff"] },
  });
  k.start("svc");
  const draws: Draw[] = [];
  while (draws.length < count) {
    const spawn = k.drainActions().find((a) => a.kind === "spawn")!;
    k.instanceStarted(spawn.instance);
    hal.advance(draws.length % stableEvery === 0 ? 1_500 : 2);
    k.instanceExited(spawn.instance, 1);
    const step = k.readEvents().map(recoveryOf).find((r) => r?.step === "restart-backoff")!;
    draws.push({ attempt: step.detail, delayMs: step.value });
    hal.advance(step.value);
    k.tick();
  }
  return draws;
}

describe("backoff kinds", () => {
  it("fixed, linear and exponential follow their formulas up to the cap", () => {
    const delays = (kind: BackoffPolicy["kind"]) => draw({ kind, baseMs: 100, capMs: 1_000, factor: 2 }, 8, 100).map((d) => d.delayMs);
    expect(delays("fixed")).toEqual([100, 100, 100, 100, 100, 100, 100, 100]);
    expect(delays("linear")).toEqual([100, 200, 300, 400, 500, 600, 700, 800]);
    expect(delays("exponential")).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000, 1_000]);
  });

  it("a stable run starts the sequence over", () => {
    const draws = draw({ kind: "exponential", baseMs: 100, capMs: 10_000, factor: 2 }, 8, 4);
    expect(draws.map((d) => d.attempt)).toEqual([1, 2, 3, 4, 1, 2, 3, 4]);
  });

  it("adaptive grows while failures come fast and shrinks once they stop", () => {
    const hal = new VirtualHal(1);
    const k = new Kernel({ hal, profile: "release" });
    k.register("svc");
    new Recovery(k).configure("svc", {
      restart: "always", restartsMax: 8, windowMs: 1, stableMs: 60_000,
      backoff: { kind: "adaptive", baseMs: 100, capMs: 10_000, factor: 2 },
    });
    k.start("svc");
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      const spawn = k.drainActions().find((a) => a.kind === "spawn")!;
      k.instanceStarted(spawn.instance);
      hal.advance(i === 5 ? 3 * 60_000 : 1); // a quiet stretch of three stable periods
      k.instanceExited(spawn.instance, 1);
      const delay = k.readEvents().map(recoveryOf).find((r) => r?.step === "restart-backoff")!.value;
      delays.push(delay);
      hal.advance(delay);
      k.tick();
    }
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 200, 400, 800]);
  });
});

describe("peer: AWS backoff jitter bounds over 10,000 draws", () => {
  const policy = (jitter: JitterMode): Required<BackoffPolicy> => ({ kind: "exponential", baseMs: 100, capMs: 20_000, factor: 2, jitter });

  it.each(["none", "full", "equal", "decorrelated"] as const)("%s", (jitter) => {
    const draws = draw(policy(jitter), 10_000);
    let previous = 100;
    for (const { attempt, delayMs } of draws) {
      const [lo, hi] = backoffBounds(policy(jitter), attempt, attempt === 1 ? 100 : previous);
      expect(delayMs >= lo && delayMs <= hi, `attempt ${attempt}: ${delayMs} outside ${lo}..${hi}`).toBe(true);
      previous = delayMs;
    }
    const values = draws.map((d) => d.delayMs);
    if (jitter !== "none") {
      expect(new Set(values).size).toBeGreaterThan(1_000); // really random, not a constant in disguise
      const atCap = draws.filter((d) => d.attempt >= 10);
      const mean = atCap.reduce((sum, d) => sum + d.delayMs, 0) / atCap.length;
      if (jitter === "full") expect(mean / 20_000).toBeCloseTo(0.5, 1);
      if (jitter === "equal") expect(mean / 20_000).toBeCloseTo(0.75, 1);
    }
  });
});
