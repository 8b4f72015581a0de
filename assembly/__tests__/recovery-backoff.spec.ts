// recovery/backoff: each kind's formula, the cap, and the jitter modes' bounds (the AWS article's
// formulas) over many draws from the HAL random.
import { recoveryDefaults } from "../recovery/record";
import {
  BACKOFF_FIXED, BACKOFF_LINEAR, BACKOFF_EXPONENTIAL, JITTER_NONE, JITTER_FULL, JITTER_EQUAL,
  JITTER_DECORRELATED, JITTER_PERCENT,
} from "../recovery/policy";
import { fixedDelay } from "../recovery/backoff/fixed";
import { linearDelay } from "../recovery/backoff/linear";
import { exponentialDelay } from "../recovery/backoff/exponential";
import { jitterApply, randomBetween } from "../recovery/backoff/jitter";
import { setRandomSeed } from "./support/hal";
import { applyBackoff as setBackoff } from "./support/records";

const S: i32 = 0;

describe("backoff formulas", () => {
  beforeEach(() => { recoveryDefaults(S); setRandomSeed(12345); });

  it("fixed, linear and exponential, capped", () => {
    expect<i32>(setBackoff(S, BACKOFF_FIXED, 100, 1000, 200, JITTER_NONE)).toBe(0);
    expect<i64>(fixedDelay(S, 9)).toBe(100);
    expect<i64>(linearDelay(S, 3)).toBe(300);
    expect<i64>(linearDelay(S, 50)).toBe(1000);
    expect<i64>(exponentialDelay(S, 1)).toBe(100);
    expect<i64>(exponentialDelay(S, 4)).toBe(800);
    expect<i64>(exponentialDelay(S, 5)).toBe(1000);
    expect<i64>(exponentialDelay(S, 1024)).toBe(1000); // the loop stops at the cap
  });

  it("a factor of 1.5", () => {
    setBackoff(S, BACKOFF_EXPONENTIAL, 100, 100000, 150, JITTER_NONE);
    expect<i64>(exponentialDelay(S, 3)).toBe(225);
  });

  it("refuses cap below base and factors out of range, changing nothing", () => {
    expect<i32>(setBackoff(S, BACKOFF_LINEAR, 500, 400, 200, JITTER_NONE)).toBeLessThan(0);
    expect<i32>(setBackoff(S, BACKOFF_LINEAR, 100, 400, 99, JITTER_NONE)).toBeLessThan(0);
    expect<i32>(setBackoff(S, 4, 100, 400, 200, JITTER_NONE)).toBeLessThan(0);
    expect<i32>(setBackoff(S, BACKOFF_LINEAR, 100, 400, 200, 4)).toBeLessThan(0);
    expect<i64>(linearDelay(S, 2)).toBe(200); // still the defaults: base 100
  });
});

describe("jitter", () => {
  beforeEach(() => { recoveryDefaults(S); setBackoff(S, BACKOFF_EXPONENTIAL, 100, 20000, 200, JITTER_NONE); setRandomSeed(777); });

  it("random_between stays in lo..hi and reaches both ends", () => {
    let low = false, high = false;
    for (let i = 0; i < 10000; i++) {
      const v = randomBetween(3, 6);
      expect<bool>(v >= 3 && v <= 6).toBe(true);
      if (v == 3) low = true;
      if (v == 6) high = true;
    }
    expect<bool>(low && high).toBe(true);
  });

  it("none, full, equal and decorrelated stay within their formulas over 10,000 draws", () => {
    let previous: i64 = 100;
    for (let i = 0; i < 10000; i++) {
      const d: i64 = <i64>(100 + (i % 5000));
      expect<i64>(jitterApply(JITTER_NONE, S, d, previous)).toBe(d);
      const full = jitterApply(JITTER_FULL, S, d, previous);
      expect<bool>(full >= 0 && full <= d).toBe(true);
      const equal = jitterApply(JITTER_EQUAL, S, d, previous);
      expect<bool>(equal >= d / 2 && equal <= d).toBe(true);
      const decorrelated = jitterApply(JITTER_DECORRELATED, S, d, previous);
      expect<bool>(decorrelated >= 100 && decorrelated <= min<i64>(20000, previous * 3)).toBe(true);
      previous = decorrelated;
    }
  });

  it("a percentage p: d x 1 - p..1 + p, capped, reaching both ends; only 1..100 % are codes", () => {
    let low = false, high = false;
    for (let i = 0; i < 10000; i++) {
      const v = jitterApply(JITTER_PERCENT + 20, S, 1000, 1000);
      expect<bool>(v >= 800 && v <= 1200).toBe(true);
      if (v == 800) low = true;
      if (v == 1200) high = true;
      expect<bool>(jitterApply(JITTER_PERCENT + 50, S, 19000, 1000) <= 20000).toBe(true); // the cap
    }
    expect<bool>(low && high).toBe(true);
    expect<i32>(setBackoff(S, BACKOFF_EXPONENTIAL, 100, 400, 200, JITTER_PERCENT)).toBeLessThan(0);
    expect<i32>(setBackoff(S, BACKOFF_EXPONENTIAL, 100, 400, 200, JITTER_PERCENT + 101)).toBeLessThan(0);
    expect<i32>(setBackoff(S, BACKOFF_EXPONENTIAL, 100, 400, 200, JITTER_PERCENT + 100)).toBe(0);
  });
});
