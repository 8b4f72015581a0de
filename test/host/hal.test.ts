// The two HALs: the real one really sleeps and reads a monotonic clock; the virtual one moves
// only when told, wakes the kernel early for host tasks, and replays its randomness from a seed.
import { describe, it, expect } from "vitest";
import { RealHal, VirtualHal, Kernel, splitmix32 } from "../../host/index.ts";

describe("RealHal", () => {
  it("reads a monotonic clock, sleeps for real, and draws OS randomness", () => {
    const hal = new RealHal();
    const before = hal.nowMs();
    const wallBefore = performance.now();
    expect(hal.sleepMs(25)).toBe(false);
    expect(performance.now() - wallBefore).toBeGreaterThanOrEqual(24);
    expect(hal.nowMs()).toBeGreaterThanOrEqual(before + 24n);
    const draws = new Set(Array.from({ length: 600 }, () => hal.randomU32()));
    expect(draws.size).toBeGreaterThan(590);
    for (const d of draws) expect(d >>> 0).toBe(d);
  });

  it("drives a kernel's run loop through real sleep", () => {
    const hal = new RealHal();
    const kernel = new Kernel({ hal, profile: "mcu" });
    kernel.register("blinky");
    kernel.setTimeouts("blinky", 30, 30);
    kernel.start("blinky");
    expect(kernel.drainActions().map((a) => a.kind)).toEqual(["spawn"]);
    const deadline = kernel.nextDeadline()!;
    // Nobody answers the spawn: the run loop sleeps (for real) until the 30 ms start timeout on
    // the HAL's clock, then kills.
    expect(kernel.run(1000)).toBe(1);
    expect(Number(hal.nowMs())).toBeGreaterThanOrEqual(deadline);
    expect(kernel.drainActions().map((a) => a.kind)).toEqual(["kill"]);
    expect(kernel.state("blinky")).toBe("failed");
  });
});

describe("VirtualHal", () => {
  it("moves only when told or when the kernel sleeps", () => {
    const hal = new VirtualHal(9);
    expect(hal.nowMs()).toBe(0n);
    hal.advance(15);
    expect(hal.nowMs()).toBe(15n);
    expect(hal.sleepMs(100)).toBe(false);
    expect(hal.timeMs).toBe(115);
  });

  it("wakes a sleeping kernel at the next host task and runs due tasks in order", () => {
    const hal = new VirtualHal();
    const ran: string[] = [];
    hal.at(50, () => ran.push("b"));
    hal.at(20, () => ran.push("a"));
    hal.at(50, () => ran.push("c"));
    expect(hal.sleepMs(1000)).toBe(true);
    expect(hal.timeMs).toBe(20);
    expect(hal.runDue()).toBe(1);
    expect(hal.sleepMs(1000)).toBe(true);
    expect(hal.runDue()).toBe(2);
    expect(ran).toEqual(["a", "b", "c"]);
  });

  it("replays the same random sequence from the same seed", () => {
    const a = new VirtualHal(42);
    const b = new VirtualHal(42);
    const c = new VirtualHal(43);
    const draw = (hal: VirtualHal) => Array.from({ length: 100 }, () => hal.randomU32());
    expect(draw(a)).toEqual(draw(b));
    expect(draw(c)).not.toEqual(draw(new VirtualHal(42)));
    // splitmix32 reference values (computed independently in Python), for every host port to check
    const next = splitmix32(0);
    expect([next(), next(), next()]).toEqual([0x92ca2f0e, 0x3cd6e3f3, 0x1b147dcc]);
  });
});
