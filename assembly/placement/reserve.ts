// Two-phase placement: reserve -> commit or release. A reservation places a service's instances
// all or none, exactly like placementPlace (their requests count against the nodes' capacity at
// once, so two reservations never promise the same room), and marks their slots with its id.
// Commit makes them ordinary assignments; release (or expiry on the kernel clock, checked every
// tick) takes them all away again. Either way a placement is never half-applied.
import { E_INVALID_ARGUMENT, E_CAPACITY_INSTANCES } from "../errors";
import { fail } from "../util/detail";
import { clockNow } from "../clock";
import { checkService, sayService } from "../registry/services";
import { PLACEMENT_RESERVATIONS_MAX } from "../limits";
import { fleet, NONE, NO_SLOT } from "./tables";
import { firstOfService } from "./slots";
import { placeInstances, releaseSlot } from "./place";
import { refreshBackups } from "./backups";
import { fillAll } from "../util/fill";

/** The longest a reservation may wait for its commit (a day). */
export const RESERVATION_MS_MAX: i64 = 86_400_000;

export class Reservations {
  readonly service: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_RESERVATIONS_MAX);
  readonly count: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_RESERVATIONS_MAX);
  /** Kernel time at which an uncommitted reservation expires; -1: the entry is free. */
  readonly deadline: StaticArray<i64> = new StaticArray<i64>(PLACEMENT_RESERVATIONS_MAX);
  constructor() { this.reset(); }
  reset(): void { fillAll(this.deadline, -1); }
}

export const reservations: Reservations = PLACEMENT_RESERVATIONS_MAX > 0 ? new Reservations() : changetype<Reservations>(0);

/** Reserves `count` more instances of the service for `ttlMs`; returns the reservation id. */
export function reserve(service: i32, count: i32, ttlMs: i64): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (ttlMs < 1 || ttlMs > RESERVATION_MS_MAX) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": reservation time ").int(ttlMs).text(" ms is outside 1..").int(RESERVATION_MS_MAX).code();
  }
  let id = 0;
  while (id < PLACEMENT_RESERVATIONS_MAX && reservations.deadline[id] >= 0) id++;
  if (id == PLACEMENT_RESERVATIONS_MAX) {
    return sayService(fail(E_CAPACITY_INSTANCES).text("placement: service "), service).text(": ").int(PLACEMENT_RESERVATIONS_MAX).text(" reservations wait for a commit already").code();
  }
  const placed = placeInstances(service, count);
  if (placed < 0) return placed;
  for (let k = 0; k < count; k++) fleet.slotReservation[<i32>fleet.callSlots[k]] = <u16>id;
  reservations.service[id] = service;
  reservations.count[id] = count;
  reservations.deadline[id] = clockNow() + ttlMs;
  return id;
}

function checkReservation(id: i32): i32 {
  if (id >= 0 && id < PLACEMENT_RESERVATIONS_MAX && reservations.deadline[id] >= 0) return 0;
  return fail(E_INVALID_ARGUMENT).text("placement: reservation ").int(id).text(" is not pending (committed, released, expired or never made)").code();
}

/** Ends a reservation: its instances stay (commit) or go (release); returns how many. */
function finish(id: i32, keep: bool): i32 {
  let n = 0;
  for (let slot = firstOfService(reservations.service[id]); slot != NO_SLOT;) { // a reservation's slots are its service's
    const next = fleet.nextOfService[slot];
    if (<i32>fleet.slotReservation[slot] == id) {
      fleet.slotReservation[slot] = NONE;
      if (!keep) releaseSlot(slot);
      n++;
    }
    slot = next;
  }
  reservations.deadline[id] = -1;
  return n;
}

export function commit(id: i32): i32 {
  const bad = checkReservation(id);
  return bad < 0 ? bad : finish(id, true);
}

export function cancel(id: i32): i32 {
  const bad = checkReservation(id);
  return bad < 0 ? bad : finish(id, false);
}

/** The loop's tick: releases every reservation due by `now` (their instances go); returns how many expired. */
export function placementExpire(now: i64): i32 {
  let n = 0;
  for (let id = 0; id < PLACEMENT_RESERVATIONS_MAX; id++) {
    const due = reservations.deadline[id];
    if (due >= 0 && due <= now) { finish(id, false); n++; }
  }
  if (n > 0) refreshBackups(-1);
  return n;
}

/** The earliest reservation deadline, or i64.MAX_VALUE. */
export function nextExpiry(): i64 {
  let next = i64.MAX_VALUE;
  for (let id = 0; id < PLACEMENT_RESERVATIONS_MAX; id++) {
    const due = reservations.deadline[id];
    if (due >= 0 && due < next) next = due;
  }
  return next;
}

/** A reservation's state: its instance count while pending, or -1. */
export function reservationCount(id: i32): i32 {
  return id >= 0 && id < PLACEMENT_RESERVATIONS_MAX && reservations.deadline[id] >= 0 ? reservations.count[id] : -1;
}

/** Whether a slot belongs to a pending reservation. */
export function slotReserved(slot: i32): bool { return fleet.slotReservation[slot] != NONE; }
