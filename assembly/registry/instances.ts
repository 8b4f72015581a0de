// The instance pool: every instance of every service lives in one fixed table. The host sees an
// instance through a handle, (generation << 16) | slot: the generation grows with every run of
// the slot, so a late report about an earlier run is recognised as stale, not misapplied.
import { INSTANCES_MAX } from "../limits";
import { E_UNKNOWN_INSTANCE, E_STALE_INSTANCE } from "../errors";
import { STATE_STOPPED } from "./states";
import { fail } from "../util/detail";
import { IdPool } from "../util/id-pool";
import { fillAll } from "../util/fill";

const GENERATION_MASK: i32 = 0x7fff;

export const instanceUsed = new StaticArray<bool>(INSTANCES_MAX);
export const instanceState = new StaticArray<u8>(INSTANCES_MAX);
export const instanceService = new StaticArray<u16>(INSTANCES_MAX);
export const instanceGeneration = new StaticArray<u16>(INSTANCES_MAX);
export const instanceExitCode = new StaticArray<i32>(INSTANCES_MAX);

const slots = new IdPool(INSTANCES_MAX);

@inline export function instancesFree(): i32 { return slots.available(); }

/** Takes a free slot for `service`; the caller checked `instancesFree() > 0`. */
export function instanceAllocate(service: i32): i32 {
  const slot = slots.take();
  assert(slot >= 0, "instance pool empty");
  instanceUsed[slot] = true;
  instanceState[slot] = STATE_STOPPED;
  instanceService[slot] = <u16>service;
  instanceExitCode[slot] = 0;
  instanceNextGeneration(slot);
  return slot;
}

export function instanceRelease(slot: i32): void {
  assert(instanceUsed[slot], "releasing a free instance slot");
  instanceUsed[slot] = false;
  instanceNextGeneration(slot); // handles of the released instance turn stale
  slots.give(slot);
}

/** A new run of the slot: earlier handles become stale. Generation 0 is never used. */
export function instanceNextGeneration(slot: i32): void {
  let generation = (<i32>instanceGeneration[slot] + 1) & GENERATION_MASK;
  if (generation == 0) generation = 1;
  instanceGeneration[slot] = <u16>generation;
}

/** The current handle of a slot (callers pass a slot the kernel gave them: no bounds check). */
@inline export function instanceHandle(slot: i32): i32 { return (<i32>unchecked(instanceGeneration[slot]) << 16) | slot; }

/**
 * The slot behind a live handle, or -1 (no detail: for a hot path that hands anything else to
 * a general path, whose instanceResolve says why). The slot is bounds-checked once, so the
 * tables are read unchecked: no call and no second check per read.
 */
@inline export function instanceLiveSlot(handle: i32): i32 {
  const slot = handle & 0xffff;
  return handle > 0 && slot < INSTANCES_MAX && unchecked(instanceUsed[slot])
    && (handle >>> 16) == <i32>unchecked(instanceGeneration[slot]) ? slot : -1;
}

/** The slot behind a handle from the host, or an error code (with detail). */
export function instanceResolve(handle: i32): i32 {
  const slot = instanceLiveSlot(handle);
  return slot >= 0 ? slot : resolveFailed(handle);
}

/** Why `handle` (not live) resolves to nothing: no such instance, or an earlier run of its slot. */
function resolveFailed(handle: i32): i32 {
  const slot = handle & 0xffff;
  if (handle <= 0 || slot >= INSTANCES_MAX || !instanceUsed[slot]) {
    return fail(E_UNKNOWN_INSTANCE).text("instance handle ").int(handle).text(" is not an instance").code();
  }
  return fail(E_STALE_INSTANCE).text("instance handle ").int(handle).text(" is from an earlier run; the current handle is ")
    .int(instanceHandle(slot)).code();
}

export function instancesReset(): void {
  fillAll(instanceUsed, false);
  fillAll(instanceState, STATE_STOPPED);
  fillAll(instanceGeneration, 0); // as at init: the same inputs after a reset give the same handles
  fillAll(instanceExitCode, 0);
  slots.reset();
}

instancesReset();