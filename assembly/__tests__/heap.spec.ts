// timers/heap.ts: the indexed min-heap of deadlines.
import {
  timerArm, timerCancel, timerPopDue, timerNextDeadline, timerArmedCount, timerIsArmed, timersReset,
  timerOfInstance, timerOfWatchdog, timerOfRestart, timerOfService, timerOfCheck, NO_DEADLINE,
} from "../timers/heap";
import { TIMERS_MAX, INSTANCES_MAX, SERVICES_MAX } from "../limits";

/** Pops every timer due at `now`, as "id,id,...". */
function popAll(now: i64): string {
  let s = "";
  for (let id = timerPopDue(now); id >= 0; id = timerPopDue(now)) s += (s.length > 0 ? "," : "") + id.toString();
  return s;
}

describe("timer heap", () => {
  beforeEach(() => { timersReset(); });

  it("is empty after reset", () => {
    expect<i32>(timerArmedCount()).toBe(0);
    expect<i64>(timerNextDeadline()).toBe(NO_DEADLINE);
    expect<i32>(timerPopDue(i64.MAX_VALUE)).toBe(-1);
    expect<bool>(timerIsArmed(0)).toBe(false);
  });

  it("pops in deadline order, ties by timer id", () => {
    timerArm(5, 300);
    timerArm(2, 100);
    timerArm(9, 100);
    timerArm(1, 200);
    timerArm(0, 100);
    expect<i32>(timerArmedCount()).toBe(5);
    expect<i64>(timerNextDeadline()).toBe(100);
    expect<string>(popAll(1000)).toBe("0,2,9,1,5");
    expect<i32>(timerArmedCount()).toBe(0);
  });

  it("pops only what is due", () => {
    timerArm(3, 50);
    timerArm(4, 60);
    expect<string>(popAll(49)).toBe("");
    expect<string>(popAll(50)).toBe("3");
    expect<bool>(timerIsArmed(3)).toBe(false);
    expect<bool>(timerIsArmed(4)).toBe(true);
    expect<i64>(timerNextDeadline()).toBe(60);
  });

  it("re-arming moves a timer earlier or later instead of adding it twice", () => {
    timerArm(1, 100);
    timerArm(2, 200);
    timerArm(3, 300);
    timerArm(3, 50);
    expect<i32>(timerArmedCount()).toBe(3);
    expect<i64>(timerNextDeadline()).toBe(50);
    timerArm(3, 400);
    timerArm(1, 250);
    expect<string>(popAll(1000)).toBe("2,1,3");
  });

  it("cancel removes a timer anywhere in the heap, and cancelling twice is harmless", () => {
    for (let id = 0; id < 10; id++) timerArm(id, <i64>(100 - id * 10));
    timerCancel(9); // the root
    timerCancel(0); // the last leaf
    timerCancel(4); // somewhere in between
    timerCancel(4);
    expect<i32>(timerArmedCount()).toBe(7);
    expect<string>(popAll(1000)).toBe("8,7,6,5,3,2,1");
  });

  it("orders many timers like a sort does (pseudo-random deadlines and cancels)", () => {
    let seed: u32 = 7;
    const deadline = new StaticArray<i64>(200);
    const armed = new StaticArray<bool>(200);
    for (let id = 0; id < 200; id++) {
      seed = seed * 1103515245 + 12345;
      deadline[id] = <i64>((seed >> 16) % 1000);
      timerArm(id, deadline[id]);
      armed[id] = true;
    }
    for (let id = 0; id < 200; id += 3) { timerCancel(id); armed[id] = false; }
    let lastDeadline: i64 = -1;
    let lastId = -1;
    let popped = 0;
    for (let id = timerPopDue(1000); id >= 0; id = timerPopDue(1000)) {
      expect<bool>(armed[id]).toBe(true);
      armed[id] = false;
      const d = deadline[id];
      expect<bool>(d > lastDeadline || (d == lastDeadline && id > lastId)).toBe(true);
      lastDeadline = d;
      lastId = id;
      popped++;
    }
    expect<i32>(popped).toBe(200 - 67);
  });

  it("holds every timer id at once", () => {
    for (let id = TIMERS_MAX - 1; id >= 0; id--) timerArm(id, 5);
    expect<i32>(timerArmedCount()).toBe(TIMERS_MAX);
    expect<i32>(timerPopDue(5)).toBe(0);
    expect<i32>(timerArmedCount()).toBe(TIMERS_MAX - 1);
  });

  it("gives each owner its own timer ids: three per instance, adjacent, then services, then checks", () => {
    expect<i32>(timerOfInstance(3)).toBe(9);
    expect<i32>(timerOfWatchdog(3)).toBe(10);
    expect<i32>(timerOfRestart(3)).toBe(11);
    expect<i32>(timerOfService(0)).toBe(3 * INSTANCES_MAX);
    expect<i32>(timerOfService(3)).toBe(3 * INSTANCES_MAX + 3);
    expect<i32>(timerOfCheck(0)).toBe(3 * INSTANCES_MAX + SERVICES_MAX);
  });

});
