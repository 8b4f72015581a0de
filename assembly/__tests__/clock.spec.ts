// clock.ts: one reading of the HAL clock per call; a clock that steps back is clamped and counted.
import { clockRefresh, clockNow, clockBackwardSteps, clockReset } from "../clock";
import { counter, COUNTER_CLOCK_BACKWARD_STEPS } from "../index";
import { freshKernel } from "./support/kernel";
import { setNowMs } from "./support/hal";

describe("kernel clock", () => {
  beforeEach(() => { freshKernel(); });

  it("follows the HAL clock forward", () => {
    expect<i64>(clockNow()).toBe(0);
    setNowMs(250);
    expect<i64>(clockRefresh()).toBe(250);
    expect<i64>(clockNow()).toBe(250);
    setNowMs(251);
    expect<i64>(clockRefresh()).toBe(251);
    expect<u32>(clockBackwardSteps()).toBe(0);
  });

  it("keeps its reading until the next refresh", () => {
    setNowMs(10);
    clockRefresh();
    setNowMs(20);
    expect<i64>(clockNow()).toBe(10);
  });

  it("ignores a step back and counts it", () => {
    setNowMs(1000);
    clockRefresh();
    setNowMs(400);
    expect<i64>(clockRefresh()).toBe(1000);
    expect<u32>(clockBackwardSteps()).toBe(1);
    expect<u32>(counter(COUNTER_CLOCK_BACKWARD_STEPS)).toBe(1);
    setNowMs(1000); // standing still is not a step back
    clockRefresh();
    expect<u32>(clockBackwardSteps()).toBe(1);
    setNowMs(1001);
    expect<i64>(clockRefresh()).toBe(1001);
  });

  it("reset goes back to zero and forgets the count", () => {
    setNowMs(50);
    clockRefresh();
    setNowMs(10);
    clockRefresh();
    clockReset();
    expect<i64>(clockNow()).toBe(0);
    expect<u32>(clockBackwardSteps()).toBe(0);
    expect<i64>(clockRefresh()).toBe(10);
  });
});
