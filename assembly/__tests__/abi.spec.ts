// index.ts, limits.ts and io.ts: the parts of the exported ABI not covered by a module's spec.
import {
  limit, profile, ioBuffer, ioCapacity, LIMIT_SERVICES, LIMIT_INSTANCES, LIMIT_INSTANCES_PER_SERVICE, LIMIT_EDGES,
  LIMIT_TAGS, LIMIT_NAME_BYTES, LIMIT_EVENT_LOG, LIMIT_OUTBOX, LIMIT_IO_BYTES, counter, serviceCount, reset,
  serviceStart, actionsPending, eventsNextSeq, nextDeadline, lastError, errorDetail,
} from "../index";
import * as limits from "../limits";
import { E_INVALID_ARGUMENT, E_UNKNOWN_SERVICE, OK } from "../errors";
import { ioFits } from "../io";
import { NO_DEADLINE } from "../timers/heap";
import { freshKernel, mustRegister, detailText, lookup } from "./support/kernel";
import { setNowMs } from "./support/hal";

describe("limits", () => {
  it("are reported by limit(), and an unknown index is an error", () => {
    expect<i32>(limit(LIMIT_SERVICES)).toBe(limits.SERVICES_MAX);
    expect<i32>(limit(LIMIT_INSTANCES)).toBe(limits.INSTANCES_MAX);
    expect<i32>(limit(LIMIT_INSTANCES_PER_SERVICE)).toBe(limits.INSTANCES_PER_SERVICE_MAX);
    expect<i32>(limit(LIMIT_EDGES)).toBe(limits.EDGES_MAX);
    expect<i32>(limit(LIMIT_TAGS)).toBe(limits.TAGS_MAX);
    expect<i32>(limit(LIMIT_NAME_BYTES)).toBe(limits.NAME_BYTES_MAX);
    expect<i32>(limit(LIMIT_EVENT_LOG)).toBe(limits.EVENT_LOG_CAPACITY);
    expect<i32>(limit(LIMIT_OUTBOX)).toBe(limits.OUTBOX_CAPACITY);
    expect<i32>(limit(LIMIT_IO_BYTES)).toBe(limits.IO_BUFFER_BYTES);
    expect<i32>(limit(-1)).toBe(E_INVALID_ARGUMENT);
    expect<i32>(limit(1000)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("limit 1000 is not a LIMIT_* index");
  });

  it("are the release profile's when no MYCO_PROFILE is given (as in these specs)", () => {
    expect<i32>(profile()).toBe(limits.PROFILE_RELEASE);
    expect<i32>(limits.SERVICES_MAX).toBe(128);
    expect<i32>(limits.INSTANCES_MAX).toBe(512);
  });

  it("relate as the kernel needs", () => {
    const log = limits.EVENT_LOG_CAPACITY, outbox = limits.OUTBOX_CAPACITY;
    expect<i32>(log & (log - 1)).toBe(0);
    expect<i32>(outbox & (outbox - 1)).toBe(0);
    expect<bool>(limits.NAME_INDEX_SLOTS >= 2 * limits.SERVICES_MAX).toBe(true);
    expect<bool>(limits.TAGS_MAX <= 64).toBe(true);
    expect<bool>(limits.IO_BUFFER_BYTES >= 4 * limits.SERVICES_MAX).toBe(true);
    expect<i32>(limits.TIMERS_MAX).toBe(limits.INSTANCES_MAX + limits.SERVICES_MAX + limits.CHECKS_MAX + 2 * limits.ROLLOUT_SERVICES);
  });
});

describe("the I/O buffer", () => {
  it("has the profile's capacity", () => {
    expect<i32>(ioCapacity()).toBe(limits.IO_BUFFER_BYTES);
    expect<usize>(ioBuffer()).toBeGreaterThan(0);
  });

  it("ioFits accepts exactly the ranges inside it", () => {
    const n = limits.IO_BUFFER_BYTES;
    expect<bool>(ioFits(0, 0)).toBe(true);
    expect<bool>(ioFits(0, n)).toBe(true);
    expect<bool>(ioFits(1, n - 1)).toBe(true);
    expect<bool>(ioFits(1, n)).toBe(false);
    expect<bool>(ioFits(0, n + 1)).toBe(false);
    expect<bool>(ioFits(0, -1)).toBe(false);
    expect<bool>(ioFits(-1, 1)).toBe(false);
    expect<bool>(ioFits(i32.MAX_VALUE, i32.MAX_VALUE)).toBe(false);
  });
});

describe("reset", () => {
  it("returns to the state right after init", () => {
    freshKernel();
    const a = mustRegister("a");
    mustRegister("b");
    serviceStart(a);
    setNowMs(5);
    reset();
    expect<i32>(serviceCount()).toBe(0);
    expect<i32>(lookup("a")).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(actionsPending()).toBe(0);
    expect<u32>(eventsNextSeq()).toBe(1);
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
    expect<u32>(counter(0)).toBe(0);
    expect<u32>(counter(1)).toBe(0);
    expect<u32>(counter(2)).toBe(0);
    expect<i32>(mustRegister("a")).toBe(0);
  });

  it("clears the last error", () => {
    freshKernel();
    lookup("missing");
    reset();
    expect<i32>(lastError()).toBe(OK);
    expect<i32>(errorDetail()).toBe(0);
  });
});

describe("counters", () => {
  it("an unknown counter reads 0", () => {
    freshKernel();
    expect<u32>(counter(99)).toBe(0);
    expect<u32>(counter(-1)).toBe(0);
  });
});
