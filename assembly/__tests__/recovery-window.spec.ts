// recovery/window: the sliding-window counter behind restart intensity, crash loops, flapping.
import { WindowCounter } from "../recovery/window";
import { WINDOW_SLOTS } from "../limits";

const counter = new WindowCounter();

describe("sliding-window counter", () => {
  beforeEach(() => { counter.clearAll(); });

  it("counts the stamps younger than the window; a stamp exactly W old has left", () => {
    counter.record(3, 1000);
    counter.record(3, 1500);
    counter.record(3, 2000);
    expect<i32>(counter.count(3, 2000, 5000)).toBe(3);
    expect<i32>(counter.count(3, 6000, 5000)).toBe(2);
    expect<i32>(counter.count(3, 6500, 5000)).toBe(1);
    expect<i32>(counter.count(3, 7000, 5000)).toBe(0);
    expect<i32>(counter.count(4, 2000, 5000)).toBe(0); // services are separate
  });

  it("countWithin also counts a stamp exactly W old (OTP's Now =< Then + Period)", () => {
    counter.record(3, 1000);
    counter.record(3, 2000);
    expect<i32>(counter.countWithin(3, 6000, 5000)).toBe(2);
    expect<i32>(counter.count(3, 6000, 5000)).toBe(1);
    expect<i32>(counter.countWithin(3, 6001, 5000)).toBe(1);
    expect<i32>(counter.countWithin(3, 7000, 5000)).toBe(1);
    expect<i32>(counter.countWithin(3, 7001, 5000)).toBe(0);
    expect<i32>(counter.countWithin(3, 2000, i32.MAX_VALUE)).toBe(2); // the widest window does not wrap
  });

  it("keeps the newest WINDOW_SLOTS stamps, so 'at least N in W' is exact for N <= WINDOW_SLOTS", () => {
    for (let i = 0; i < WINDOW_SLOTS * 3; i++) counter.record(1, <i64>(i * 10));
    expect<i32>(counter.count(1, <i64>(WINDOW_SLOTS * 30), 1_000_000)).toBe(WINDOW_SLOTS);
  });

  it("survives the 32-bit wrap of the millisecond clock", () => {
    const base: i64 = 0xffff_ff00;
    counter.record(2, base);
    counter.record(2, base + 0x200);
    expect<i32>(counter.count(2, base + 0x300, 0x400)).toBe(2);
    counter.clear(2);
    expect<i32>(counter.count(2, base + 0x300, 0x400)).toBe(0);
  });
});
