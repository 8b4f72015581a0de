// The resources layer's event records (log/events.ts EVENT_RESOURCE): `from` says what happened,
// `to` the resource (a vector.ts index, UNIT_BASE + u for unit u, 255 none), `value` the number.
import { eventLog, EVENT_RESOURCE } from "../log/events";
import { CAUSE_NONE } from "../lifecycle/causes";

/** A start waits in the queue (to: what blocked it; value 0). */
export const RESOURCE_EVENT_QUEUED: u8 = 0;
/** A queued start was admitted (value: how many still wait). */
export const RESOURCE_EVENT_ADMITTED: u8 = 1;
/** An operator's start was refused (to: what blocked it; value: the need). */
export const RESOURCE_EVENT_REFUSED: u8 = 2;
/** A usage sample was over its limit past the grace period (instance: the handle; to: the resource; value: the sample). */
export const RESOURCE_EVENT_OVER_LIMIT: u8 = 3;
/** An uncommitted reservation expired (value: the reservation id). */
export const RESOURCE_EVENT_EXPIRED: u8 = 4;
/** The scaling decision changed the instances a service wants (value: the count). */
export const RESOURCE_EVENT_SCALE: u8 = 5;

export const UNIT_BASE: i32 = 32;

export function resourceEvent(service: i32, what: u8, resource: i32, value: i32): void {
  eventLog(EVENT_RESOURCE, service, -1, what, resource < 0 ? 255 : <u8>resource, CAUSE_NONE, value);
}

export function resourceInstanceEvent(service: i32, handle: i32, what: u8, resource: i32, value: i32): void {
  eventLog(EVENT_RESOURCE, service, handle, what, <u8>resource, CAUSE_NONE, value);
}
