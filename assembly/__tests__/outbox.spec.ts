// log/outbox.ts: the action ring the host drains.
import {
  outboxPush, outboxDrain, outboxCount, outboxHasRoom, outboxReset, outboxNoteDeferred, outboxDeferredCount,
  ACTION_SPAWN, ACTION_STOP, ACTION_KILL, ACTION_RECORD_BYTES,
} from "../log/outbox";
import { OUTBOX_CAPACITY } from "../limits";
import { ioBuffer, actionsPending, counter, COUNTER_ACTIONS_DEFERRED } from "../index";
import { freshKernel, drain } from "./support/kernel";

describe("outbox", () => {
  beforeEach(() => { freshKernel(); outboxReset(); });

  it("starts empty", () => {
    expect<i32>(outboxCount()).toBe(0);
    expect<bool>(outboxHasRoom(OUTBOX_CAPACITY)).toBe(true);
    expect<bool>(outboxHasRoom(OUTBOX_CAPACITY + 1)).toBe(false);
    expect<i32>(drain().length).toBe(0);
  });

  it("drains in push order with every field at its offset", () => {
    outboxPush(ACTION_SPAWN, 1, 0x10002, 0);
    outboxPush(ACTION_STOP, 2, 0x20003, 1);
    outboxPush(ACTION_KILL, 3, 0x30004, -1);
    expect<i32>(actionsPending()).toBe(3);
    expect<i32>(outboxDrain(ioBuffer(), 8192)).toBe(3);
    const at = ioBuffer();
    expect<u8>(load<u8>(at, 0)).toBe(ACTION_SPAWN);
    expect<u8>(load<u8>(at, 1)).toBe(0);
    expect<u16>(load<u16>(at, 2)).toBe(0);
    expect<i32>(load<i32>(at, 4)).toBe(1);
    expect<i32>(load<i32>(at, 8)).toBe(0x10002);
    expect<i32>(load<i32>(at, 12)).toBe(0);
    expect<u8>(load<u8>(at + ACTION_RECORD_BYTES, 0)).toBe(ACTION_STOP);
    expect<i32>(load<i32>(at + ACTION_RECORD_BYTES, 12)).toBe(1);
    expect<u8>(load<u8>(at + 2 * ACTION_RECORD_BYTES, 0)).toBe(ACTION_KILL);
    expect<i32>(load<i32>(at + 2 * ACTION_RECORD_BYTES, 12)).toBe(-1);
    expect<i32>(outboxCount()).toBe(0);
  });

  it("drains at most what fits the capacity and keeps the rest in order", () => {
    for (let i = 0; i < 5; i++) outboxPush(ACTION_SPAWN, i, i, i);
    expect<i32>(outboxDrain(ioBuffer(), 2 * ACTION_RECORD_BYTES + 15)).toBe(2);
    expect<i32>(outboxCount()).toBe(3);
    const rest = drain();
    expect<i32>(rest.length).toBe(3);
    expect<i32>(rest[0].service).toBe(2);
    expect<i32>(rest[2].service).toBe(4);
  });

  it("fills to capacity exactly and wraps around the ring", () => {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < OUTBOX_CAPACITY; i++) outboxPush(ACTION_SPAWN, i, round, 0);
      expect<bool>(outboxHasRoom(1)).toBe(false);
      expect<bool>(outboxHasRoom(0)).toBe(true);
      const half = OUTBOX_CAPACITY / 2;
      expect<i32>(outboxDrain(ioBuffer(), half * ACTION_RECORD_BYTES)).toBe(half);
      for (let i = 0; i < half; i++) outboxPush(ACTION_STOP, OUTBOX_CAPACITY + i, round, 0);
      let expected = half;
      for (let pass = 0; pass < 4 && outboxCount() > 0; pass++) {
        const batch = drain();
        for (let i = 0; i < batch.length; i++) {
          expect<i32>(batch[i].service).toBe(expected++);
          expect<i32>(batch[i].handle).toBe(round);
        }
      }
      expect<i32>(expected).toBe(OUTBOX_CAPACITY + half);
    }
  });

  it("counts deferred work (the COUNTER_ACTIONS_DEFERRED counter)", () => {
    expect<u32>(outboxDeferredCount()).toBe(0);
    outboxNoteDeferred();
    outboxNoteDeferred();
    expect<u32>(outboxDeferredCount()).toBe(2);
    expect<u32>(counter(COUNTER_ACTIONS_DEFERRED)).toBe(2);
    outboxReset();
    expect<u32>(outboxDeferredCount()).toBe(0);
  });

  throws("on a push without room (a programmer error: callers reserve with outboxHasRoom)", () => {
    for (let i = 0; i <= OUTBOX_CAPACITY; i++) outboxPush(ACTION_SPAWN, 0, 0, 0);
  });
});
