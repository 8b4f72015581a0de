// registry/instances.ts: the instance pool, handles, generations and stale handles.
import {
  instanceAllocate, instanceRelease, instanceResolve, instanceHandle, instanceNextGeneration, instanceGeneration,
  instancesFree, instanceUsed, instanceState as slotState, instanceService, instancesReset,
} from "../registry/instances";
import { INSTANCES_MAX } from "../limits";
import { E_UNKNOWN_INSTANCE, E_STALE_INSTANCE, OK } from "../errors";
import { STATE_STOPPED, STATE_STARTING, STATE_RUNNING } from "../registry/states";
import {
  serviceInstance, instanceState, instanceStarted, instanceExited, serviceStart, serviceStop, serviceSetInstances,
} from "../index";
import { ACTION_SPAWN } from "../log/outbox";
import { freshKernel, mustRegister, drain, detailText } from "./support/kernel";

describe("instance pool", () => {
  beforeEach(() => { freshKernel(); });

  it("hands out the lowest free slots first, stopped and owned", () => {
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX);
    expect<i32>(instanceAllocate(5)).toBe(0);
    expect<i32>(instanceAllocate(6)).toBe(1);
    expect<i32>(instanceAllocate(6)).toBe(2);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX - 3);
    expect<bool>(instanceUsed[1]).toBe(true);
    expect<u8>(slotState[1]).toBe(STATE_STOPPED);
    expect<u16>(instanceService[1]).toBe(6);
  });

  it("reuses a released slot", () => {
    instanceAllocate(0);
    const slot = instanceAllocate(0);
    instanceAllocate(0);
    instanceRelease(slot);
    expect<bool>(instanceUsed[slot]).toBe(false);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX - 2);
    expect<i32>(instanceAllocate(1)).toBe(slot);
  });

  it("holds INSTANCES_MAX instances", () => {
    for (let i = 0; i < INSTANCES_MAX; i++) instanceAllocate(0);
    expect<i32>(instancesFree()).toBe(0);
  });

  throws("allocating from an empty pool (a programmer error: callers check instancesFree)", () => {
    for (let i = 0; i <= INSTANCES_MAX; i++) instanceAllocate(0);
  });

  it("reset frees every slot", () => {
    for (let i = 0; i < 10; i++) instanceAllocate(0);
    instancesReset();
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX);
    expect<bool>(instanceUsed[0]).toBe(false);
    expect<i32>(instanceAllocate(0)).toBe(0);
  });
});

describe("instance handles", () => {
  beforeEach(() => { freshKernel(); });

  it("are (generation << 16) | slot, positive, and resolve to their slot", () => {
    instanceAllocate(0);
    const slot = instanceAllocate(0);
    const handle = instanceHandle(slot);
    expect<i32>(handle & 0xffff).toBe(slot);
    expect<i32>(handle >>> 16).toBe(<i32>instanceGeneration[slot]);
    expect<i32>(handle).toBeGreaterThan(0);
    expect<i32>(instanceResolve(handle)).toBe(slot);
  });

  it("never use generation 0 and wrap within 15 bits, so a handle stays positive", () => {
    const slot = instanceAllocate(0);
    let wraps = 0;
    let bad = 0;
    for (let i = 0; i < 0x8010; i++) {
      const before = <i32>instanceGeneration[slot];
      instanceNextGeneration(slot);
      const after = <i32>instanceGeneration[slot];
      if (after == 0 || after > 0x7fff || instanceHandle(slot) <= 0) bad++;
      if (after < before) { wraps++; expect<i32>(after).toBe(1, "wraps to 1, skipping 0"); }
    }
    expect<i32>(bad).toBe(0);
    expect<i32>(wraps).toBe(1);
  });

  it("turn stale when the slot starts a new run", () => {
    const slot = instanceAllocate(0);
    const old = instanceHandle(slot);
    instanceNextGeneration(slot);
    expect<i32>(instanceResolve(old)).toBe(E_STALE_INSTANCE);
    expect<string>(detailText()).toBe("instance handle " + old.toString()
      + " is from an earlier run; the current handle is " + instanceHandle(slot).toString());
    expect<i32>(instanceResolve(instanceHandle(slot))).toBe(slot);
  });

  it("of a released slot are unknown, and stay unusable when the slot is reused", () => {
    const slot = instanceAllocate(0);
    const old = instanceHandle(slot);
    instanceRelease(slot);
    expect<i32>(instanceResolve(old)).toBe(E_UNKNOWN_INSTANCE);
    expect<i32>(instanceAllocate(1)).toBe(slot);
    expect<i32>(instanceResolve(old)).toBe(E_STALE_INSTANCE);
  });

  it("that name no instance are refused, never trapped on", () => {
    expect<i32>(instanceResolve(0)).toBe(E_UNKNOWN_INSTANCE);
    expect<string>(detailText()).toBe("instance handle 0 is not an instance");
    expect<i32>(instanceResolve(-1)).toBe(E_UNKNOWN_INSTANCE);
    expect<i32>(instanceResolve(i32.MIN_VALUE)).toBe(E_UNKNOWN_INSTANCE);
    expect<i32>(instanceResolve((1 << 16) | 7)).toBe(E_UNKNOWN_INSTANCE); // slot 7 is free
    expect<i32>(instanceResolve((1 << 16) | 0xffff)).toBe(E_UNKNOWN_INSTANCE); // past the table
    expect<i32>(instanceResolve(i32.MAX_VALUE)).toBe(E_UNKNOWN_INSTANCE);
  });
});

describe("instance handles through the ABI", () => {
  beforeEach(() => { freshKernel(); });

  it("serviceInstance gives the current handle; a spawn starts a new run with a new handle", () => {
    const a = mustRegister("a", 2);
    const before = serviceInstance(a, 1);
    expect<i32>(instanceState(before)).toBe(STATE_STOPPED);
    expect<i32>(serviceStart(a)).toBe(OK);
    const actions = drain();
    expect<i32>(actions.length).toBe(2);
    expect<u8>(actions[1].kind).toBe(ACTION_SPAWN);
    expect<i32>(actions[1].arg).toBe(1); // the ordinal
    const spawned = actions[1].handle;
    expect<i32>(spawned).not.toBe(before);
    expect<i32>(spawned & 0xffff).toBe(before & 0xffff);
    expect<i32>(serviceInstance(a, 1)).toBe(spawned);
    expect<i32>(instanceState(spawned)).toBe(STATE_STARTING);
    expect<i32>(instanceState(before)).toBe(E_STALE_INSTANCE);
    expect<i32>(instanceStarted(before)).toBe(E_STALE_INSTANCE);
    expect<i32>(instanceExited(before, 0)).toBe(E_STALE_INSTANCE);
    expect<i32>(instanceStarted(spawned)).toBe(OK);
    expect<i32>(instanceState(spawned)).toBe(STATE_RUNNING);
  });

  it("a report about an earlier run does not touch the current one", () => {
    const a = mustRegister("a", 1);
    serviceStart(a);
    const first = drain()[0].handle;
    instanceStarted(first);
    serviceStop(a);
    instanceExited(drain()[0].handle, 0);
    serviceStart(a);
    const second = drain()[0].handle;
    expect<i32>(second).not.toBe(first);
    expect<i32>(instanceExited(first, 1)).toBe(E_STALE_INSTANCE); // late news of the first run
    expect<i32>(instanceState(second)).toBe(STATE_STARTING);
  });

  it("serviceInstance refuses ordinals outside the service's instances", () => {
    const a = mustRegister("a", 2);
    expect<i32>(serviceInstance(a, 2)).toBe(-1);
    expect<string>(detailText()).toBe("service 'a': instance ordinal 2 is outside 0..1");
    expect<i32>(serviceInstance(a, -1)).toBe(-1);
    expect<i32>(serviceInstance(99, 0)).toBe(-6);
  });

  it("handles of removed instances become unknown when a service shrinks", () => {
    const a = mustRegister("a", 3);
    const third = serviceInstance(a, 2);
    expect<i32>(serviceSetInstances(a, 2)).toBe(OK);
    expect<i32>(instanceState(third)).toBe(E_UNKNOWN_INSTANCE);
  });
});
