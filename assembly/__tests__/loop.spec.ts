// loop.ts: settle, tick and run. The virtual HAL's sleep moves the clock by the time asked for.
import {
  run, tick, serviceStart, serviceState, nextDeadline, actionsPending,
} from "../index";
import { E_INVALID_ARGUMENT, OK } from "../errors";
import { STATE_FAILED, STATE_STARTING } from "../lifecycle/states";
import { ACTION_KILL } from "../log/outbox";
import { clockNow } from "../clock";
import { NO_DEADLINE } from "../timers/heap";
import { freshKernel, mustRegister, drain, detailText } from "./support/kernel";
import { applyTimeouts } from "./support/records";
import { getNowMs, setNowMs } from "./support/hal";

describe("run", () => {
  beforeEach(() => { freshKernel(); });

  it("refuses a negative duration", () => {
    expect<i32>(run(-1)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("run: duration -1 ms is negative");
  });

  it("sleeps through the whole duration when nothing is due", () => {
    setNowMs(100);
    expect<i32>(run(500)).toBe(0);
    expect<i64>(getNowMs()).toBe(600);
    expect<i64>(clockNow()).toBe(600);
  });

  it("returns at once with the count when actions are already waiting", () => {
    const a = mustRegister("a");
    serviceStart(a);
    expect<i32>(run(1000)).toBe(1);
    expect<i64>(getNowMs()).toBe(0);
  });

  it("wakes at the next deadline and returns as soon as it produced actions", () => {
    const a = mustRegister("a");
    expect<i32>(applyTimeouts(a, 300, 100)).toBe(OK);
    serviceStart(a);
    drain();
    expect<i64>(nextDeadline()).toBe(300);
    expect<i32>(run(10_000)).toBe(1);
    expect<i64>(getNowMs()).toBe(300);
    expect<u8>(drain()[0].kind).toBe(ACTION_KILL);
    expect<i32>(serviceState(a)).toBe(STATE_FAILED);
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
  });

  it("stops at the end of the duration when the deadline lies beyond it", () => {
    const a = mustRegister("a");
    applyTimeouts(a, 300, 100);
    serviceStart(a);
    drain();
    expect<i32>(run(299)).toBe(0);
    expect<i64>(getNowMs()).toBe(299);
    expect<i32>(serviceState(a)).toBe(STATE_STARTING);
    expect<i32>(run(1)).toBe(1);
  });

  it("a zero duration just ticks", () => {
    setNowMs(42);
    expect<i32>(run(0)).toBe(0);
    expect<i64>(getNowMs()).toBe(42);
  });
});

describe("tick", () => {
  beforeEach(() => { freshKernel(); });

  it("fires every deadline that is due, and only those", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    applyTimeouts(a, 100, 100);
    applyTimeouts(b, 100, 100);
    applyTimeouts(c, 200, 100);
    serviceStart(a);
    serviceStart(b);
    serviceStart(c);
    drain();
    setNowMs(150);
    expect<i32>(tick()).toBe(2);
    expect<i32>(serviceState(a)).toBe(STATE_FAILED);
    expect<i32>(serviceState(b)).toBe(STATE_FAILED);
    expect<i32>(serviceState(c)).toBe(STATE_STARTING);
    expect<i64>(nextDeadline()).toBe(200);
  });

  it("does nothing with nothing due", () => {
    setNowMs(1_000_000);
    expect<i32>(tick()).toBe(0);
    expect<i32>(actionsPending()).toBe(0);
  });
});
