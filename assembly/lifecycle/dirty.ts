// Services whose next step must be re-evaluated, in FIFO order (a fixed ring with a membership
// flag, so a service is queued at most once). Work that found the outbox full goes to the
// deferred set and is retried on the next tick, never in a tight loop.
import { SERVICES_MAX } from "../limits";
import { fillAll } from "../util/fill";

const queue = new StaticArray<u16>(SERVICES_MAX);
const queued = new StaticArray<bool>(SERVICES_MAX);
let head: i32 = 0;
let length: i32 = 0;

const deferred = new StaticArray<u16>(SERVICES_MAX);
const isDeferred = new StaticArray<bool>(SERVICES_MAX);
let deferredLength: i32 = 0;

export function markDirty(service: i32): void {
  if (queued[service]) return;
  queued[service] = true;
  queue[(head + length++) % SERVICES_MAX] = <u16>service;
}

/** Next service to evaluate, or -1. */
export function takeDirty(): i32 {
  if (length == 0) return -1;
  const service = <i32>queue[head];
  head = (head + 1) % SERVICES_MAX;
  length--;
  queued[service] = false;
  return service;
}

export function markDeferred(service: i32): void {
  if (isDeferred[service]) return;
  isDeferred[service] = true;
  deferred[deferredLength++] = <u16>service;
}

/** Moves the deferred services back into the dirty queue (start of a tick). */
export function retryDeferred(): void {
  for (let i = 0; i < deferredLength; i++) {
    const service = <i32>deferred[i];
    isDeferred[service] = false;
    markDirty(service);
  }
  deferredLength = 0;
}

export function dirtyReset(): void {
  head = 0;
  length = 0;
  fillAll(queued, false);
  deferredLength = 0;
  fillAll(isDeferred, false);
}
