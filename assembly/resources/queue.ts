// The admission queue: a binary min-heap of service ids in fixed tables (resources/tables.ts
// queueAt, queuePlace, queueKey), so a start waits, is admitted or leaves in O(log n) however many
// wait. The order is strict and total: system services before user ones, then higher `priority`,
// then first come; the key packs the three into one u64 (lower: admitted sooner):
//   bits 56..63 the service type (system 0, user 1) | 32..47 0xFFFF - priority | 0..31 enqueue sequence
// A queued service whose type or priority changes is re-keyed in place (it keeps its sequence).
import { serviceType } from "../registry/services";
import { node } from "./tables";

@inline function rank(service: i32): u64 {
  return (<u64>serviceType[service] << 56) | (<u64>(0xFFFF - <i32>node.priority[service]) << 32);
}

@inline function keyAt(place: i32): u64 {
  return node.queueKey[<i32>node.queueAt[place]];
}

@inline function put(place: i32, service: i32): void {
  node.queueAt[place] = <u16>service;
  node.queuePlace[service] = <u16>place;
}

function siftUp(place: i32): void {
  const service = <i32>node.queueAt[place];
  const key = node.queueKey[service];
  while (place > 0) {
    const parent = (place - 1) >> 1;
    if (keyAt(parent) <= key) break;
    put(place, <i32>node.queueAt[parent]);
    place = parent;
  }
  put(place, service);
}

function siftDown(place: i32): void {
  const count = node.queuedCount;
  const service = <i32>node.queueAt[place];
  const key = node.queueKey[service];
  for (;;) {
    let child = 2 * place + 1;
    if (child >= count) break;
    if (child + 1 < count && keyAt(child + 1) < keyAt(child)) child++;
    if (keyAt(child) >= key) break;
    put(place, <i32>node.queueAt[child]);
    place = child;
  }
  put(place, service);
}

/** Queues a service behind every queued one of its rank (first come among equals). */
export function queuePush(service: i32): void {
  node.queueKey[service] = rank(service) | <u64>node.queueSeq;
  node.queueSeq++;
  const place = node.queuedCount++;
  put(place, service);
  siftUp(place);
}

/** The queued service admitted next, or -1. */
export function queueHead(): i32 {
  return node.queuedCount == 0 ? -1 : <i32>node.queueAt[0];
}

/** Takes a queued service out (the head when admitted, any one when it stops waiting). */
export function queueRemove(service: i32): void {
  const place = <i32>node.queuePlace[service];
  const last = --node.queuedCount;
  if (place == last) return;
  put(place, <i32>node.queueAt[last]);
  resettle(place);
}

/** A queued service's type or priority changed: its key follows, its sequence stays. */
export function queueRekey(service: i32): void {
  node.queueKey[service] = rank(service) | (node.queueKey[service] & 0xFFFF_FFFF);
  resettle(<i32>node.queuePlace[service]);
}

function resettle(place: i32): void {
  if (place > 0 && keyAt(place) < keyAt((place - 1) >> 1)) siftUp(place);
  else siftDown(place);
}

/** Whether a queued start orders before `service` were it queued now (it would come last of its rank). */
export function queueAhead(service: i32): bool {
  return node.queuedCount > 0 && keyAt(0) < (rank(service) | <u64>node.queueSeq);
}

/** How many queued starts order before a queued `service`: the heap is walked only where keys are lower. */
export function queueAheadOf(service: i32): i32 {
  return lowerBelow(0, node.queueKey[service]);
}

function lowerBelow(place: i32, key: u64): i32 {
  if (place >= node.queuedCount || keyAt(place) >= key) return 0;
  return 1 + lowerBelow(2 * place + 1, key) + lowerBelow(2 * place + 2, key);
}
