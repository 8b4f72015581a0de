// log/events.ts: the event log ring.
import {
  eventLog, eventsCopy, eventsNextSeq, eventsOverwritten, eventsReset, EVENT_RECORD_BYTES, EVENT_SERVICE_STATE,
  EVENT_INSTANCE_STATE,
} from "../log/events";
import { EVENT_LOG_CAPACITY } from "../limits";
import { clockRefresh } from "../clock";
import { ioBuffer } from "../index";
import { freshKernel, readEvents } from "./support/kernel";
import { setNowMs } from "./support/hal";

describe("event log", () => {
  beforeEach(() => { freshKernel(); eventsReset(); });

  it("starts empty with sequence 1", () => {
    expect<u32>(eventsNextSeq()).toBe(1);
    expect<u32>(eventsOverwritten()).toBe(0);
    expect<i32>(eventsCopy(1, ioBuffer(), 8192)).toBe(0);
  });

  it("writes every field of a record at its offset, stamped with the kernel clock", () => {
    setNowMs(1234);
    clockRefresh();
    eventLog(EVENT_SERVICE_STATE, 7, -1, 1, 2, 9, -42);
    const events = readEvents(1);
    expect<i32>(events.length).toBe(1);
    const e = events[0];
    expect<i64>(e.timeMs).toBe(1234);
    expect<u32>(e.seq).toBe(1);
    expect<u8>(e.kind).toBe(EVENT_SERVICE_STATE);
    expect<u8>(e.from).toBe(1);
    expect<u8>(e.to).toBe(2);
    expect<u8>(e.cause).toBe(9);
    expect<i32>(e.service).toBe(7);
    expect<i32>(e.instance).toBe(-1);
    expect<i32>(e.value).toBe(-42);
    expect<u32>(load<u32>(ioBuffer(), 28)).toBe(0);
    expect<u32>(eventsNextSeq()).toBe(2);
  });

  it("numbers records consecutively and reads from any sequence on", () => {
    for (let i = 0; i < 5; i++) eventLog(EVENT_INSTANCE_STATE, i, i, 0, 1, 0, i * 10);
    const all = readEvents(1);
    expect<i32>(all.length).toBe(5);
    for (let i = 0; i < 5; i++) {
      expect<u32>(all[i].seq).toBe(<u32>(i + 1));
      expect<i32>(all[i].value).toBe(i * 10);
    }
    const tail = readEvents(4);
    expect<i32>(tail.length).toBe(2);
    expect<u32>(tail[0].seq).toBe(4);
    expect<i32>(readEvents(6).length).toBe(0); // up to date: nothing new
  });

  it("a sequence outside the retained window starts at the oldest record", () => {
    for (let i = 0; i < 3; i++) eventLog(EVENT_INSTANCE_STATE, i, i, 0, 1, 0, i);
    expect<u32>(readEvents(0)[0].seq).toBe(1);
    expect<u32>(readEvents(100)[0].seq).toBe(1);
    expect<u32>(readEvents(u32.MAX_VALUE)[0].seq).toBe(1);
  });

  it("copies only as many records as fit the capacity", () => {
    for (let i = 0; i < 10; i++) eventLog(EVENT_INSTANCE_STATE, i, i, 0, 1, 0, i);
    expect<i32>(eventsCopy(1, ioBuffer(), 3 * EVENT_RECORD_BYTES + 31)).toBe(3);
    expect<i32>(eventsCopy(1, ioBuffer(), 0)).toBe(0);
  });

  it("keeps the newest EVENT_LOG_CAPACITY records and counts the overwritten", () => {
    const written = EVENT_LOG_CAPACITY + 88;
    for (let i = 0; i < written; i++) eventLog(EVENT_INSTANCE_STATE, i, i, 0, 1, 0, i);
    expect<u32>(eventsNextSeq()).toBe(<u32>(written + 1));
    expect<u32>(eventsOverwritten()).toBe(88);
    const oldest = readEvents(1); // overwritten: starts at the oldest retained
    expect<u32>(oldest[0].seq).toBe(89);
    expect<i32>(oldest[0].value).toBe(88);
    let seq: u32 = 89;
    let read = 0;
    while (true) {
      const batch = readEvents(seq);
      if (batch.length == 0) break;
      for (let i = 0; i < batch.length; i++) {
        expect<u32>(batch[i].seq).toBe(seq);
        expect<i32>(batch[i].value).toBe(<i32>seq - 1);
        seq++;
        read++;
      }
    }
    expect<i32>(read).toBe(EVENT_LOG_CAPACITY);
  });

  it("reset starts the sequence over", () => {
    eventLog(EVENT_INSTANCE_STATE, 0, 0, 0, 1, 0, 0);
    eventsReset();
    expect<u32>(eventsNextSeq()).toBe(1);
    expect<i32>(readEvents(1).length).toBe(0);
  });
});
