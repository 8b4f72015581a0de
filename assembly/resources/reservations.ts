// Explicit two-phase reservations: a host or a coordinator reserves a service's requests for
// `count` instances (a move, a scale-up) before acting, then commits (held until released) or
// releases; a reservation not committed within its time-to-live expires and frees what it held.
// Ids carry a generation (slot | generation << 8), so a stale id is refused, never misread.
import { OK, E_CAPACITY_RESERVATIONS, E_UNKNOWN_RESERVATION, E_RESOURCE_EXHAUSTED, E_INVALID_ARGUMENT } from "../errors";
import { RESERVATIONS_MAX, TIMEOUT_MS_MAX, INSTANCES_PER_SERVICE_MAX } from "../limits";
import { fail } from "../util/detail";
import { clockNow } from "../clock";
import { sayService } from "../registry/services";
import { RESOURCES } from "./vector";
import { node, RESERVATION_FREE, RESERVATION_PENDING, RESERVATION_COMMITTED } from "./tables";
import { fits, admitQueued, sayBlocking } from "./admission";
import { resourceEvent, RESOURCE_EVENT_EXPIRED } from "./events";

function amount(service: i32, r: i32, count: i32): u64 { return <u64>node.request[service * RESOURCES + r] * <u64>count; }

function hold(slot: i32, sign: i32): void {
  const service = node.reservationService[slot];
  const count = <i32>node.reservationCount[slot];
  for (let r = 0; r < RESOURCES; r++) {
    const a = amount(service, r, count);
    node.held[r] = sign > 0 ? node.held[r] + a : (node.held[r] >= a ? node.held[r] - a : 0);
  }
}

/** Reserves `count` instances' requests of a service for `ttlMs`; returns the reservation id. */
export function reservationReserve(service: i32, count: i32, ttlMs: i32): i32 {
  if (count < 1 || count > INSTANCES_PER_SERVICE_MAX || ttlMs < 1 || ttlMs > TIMEOUT_MS_MAX) {
    return sayService(fail(E_INVALID_ARGUMENT).text("reserve "), service).text(": count ").int(count).text(" or ttl ")
      .int(ttlMs).text(" ms is out of range").code();
  }
  if (!fits(service, count, 0)) {
    return sayBlocking(sayService(fail(E_RESOURCE_EXHAUSTED).text("reserve "), service).text(": "), service, count).code();
  }
  let slot = 0;
  while (slot < RESERVATIONS_MAX && node.reservationState[slot] != RESERVATION_FREE) slot++;
  if (slot == RESERVATIONS_MAX) {
    return fail(E_CAPACITY_RESERVATIONS).text("reserve: all ").int(RESERVATIONS_MAX).text(" reservations are held").code();
  }
  node.reservationState[slot] = RESERVATION_PENDING;
  node.reservationService[slot] = service;
  node.reservationCount[slot] = <u16>count;
  node.reservationExpiresMs[slot] = clockNow() + <i64>ttlMs;
  node.reservationGeneration[slot] = (node.reservationGeneration[slot] + 1) & 0x7FFF;
  hold(slot, 1);
  return slot | (<i32>node.reservationGeneration[slot] << 8);
}

function resolve(id: i32): i32 {
  const slot = id & 0xFF;
  if (id >= 0 && slot < RESERVATIONS_MAX && node.reservationState[slot] != RESERVATION_FREE && (id >> 8) == <i32>node.reservationGeneration[slot]) return slot;
  return fail(E_UNKNOWN_RESERVATION).text("reservation ").int(id).text(" is not held (released, expired or never made)").code();
}

/** Commits a pending reservation: held until released. */
export function reservationCommit(id: i32): i32 {
  const slot = resolve(id);
  if (slot < 0) return slot;
  node.reservationState[slot] = RESERVATION_COMMITTED;
  return OK;
}

function free(slot: i32): void {
  hold(slot, -1);
  node.reservationState[slot] = RESERVATION_FREE;
}

/** Releases a reservation, pending or committed; the queue is admitted in order. */
export function reservationRelease(id: i32): i32 {
  const slot = resolve(id);
  if (slot < 0) return slot;
  free(slot);
  admitQueued();
  return OK;
}

/** Expires the pending reservations whose time is up (loop.ts, every tick). */
export function reservationsExpire(now: i64): void {
  let expired = 0;
  for (let slot = 0; slot < RESERVATIONS_MAX; slot++) {
    if (node.reservationState[slot] != RESERVATION_PENDING || node.reservationExpiresMs[slot] > now) continue;
    resourceEvent(node.reservationService[slot], RESOURCE_EVENT_EXPIRED, -1, slot | (<i32>node.reservationGeneration[slot] << 8));
    free(slot);
    expired++;
  }
  if (expired > 0) admitQueued();
}

/** The earliest expiry of a pending reservation (i64.MAX_VALUE: none). */
export function reservationsNextDeadline(): i64 {
  let next = i64.MAX_VALUE;
  for (let slot = 0; slot < RESERVATIONS_MAX; slot++) {
    if (node.reservationState[slot] == RESERVATION_PENDING) next = min(next, node.reservationExpiresMs[slot]);
  }
  return next;
}

/** A service leaves: its reservations go. */
export function reservationsForget(service: i32): void {
  for (let slot = 0; slot < RESERVATIONS_MAX; slot++) {
    if (node.reservationState[slot] != RESERVATION_FREE && node.reservationService[slot] == service) free(slot);
  }
}
