// The event log: a ring of fixed records, each with a sequence number that grows by one per
// record. It keeps the newest EVENT_LOG_CAPACITY records; a host that reads too slowly sees a
// gap in the sequence (and `eventsOverwritten` counts it), so nothing is lost silently.
//
//   0        8      12     13     14     15     16        20         24       28      32
//   +--------+------+------+------+------+------+---------+----------+--------+-------+
//   | timeMs | seq  | kind | from | to   |cause | service | instance | value  | 0     |
//   +--------+------+------+------+------+------+---------+----------+--------+-------+
//      i64     u32    u8     u8     u8     u8      i32       i32        i32      u32
import { EVENT_LOG_CAPACITY } from "../limits";
import { clockNow } from "../clock";

export const EVENT_RECORD_BYTES: i32 = 32;

export const EVENT_SERVICE_STATE: u8 = 1;
export const EVENT_INSTANCE_STATE: u8 = 2;
export const EVENT_SERVICE_REGISTERED: u8 = 3;
export const EVENT_SERVICE_UNREGISTERED: u8 = 4;
/** The outbox was full; the action waits for the next tick (value: the action kind). */
export const EVENT_ACTION_DEFERRED: u8 = 5;
// Health and recovery (assembly/health, assembly/recovery). `from`/`to` hold the kind's own codes:
/** A health state changed. instance: a handle, or -1 for the service; from/to: HEALTH_*; value: check id or -1. */
export const EVENT_HEALTH: u8 = 6;
/**
 * An alert (deduplicated per service). from: severity (0 info, 1 warning, 2 critical); to: the
 * service's health; value: the alert's own sequence number, 1, 2, 3, ... with no gaps, so a host
 * that forwards alerts can tell one was lost even when other records were not.
 */
export const EVENT_ALERT: u8 = 7;
/** A fault was detected. from: the pattern (FAULT_*); value: its evidence (exit status, count, ms). */
export const EVENT_FAULT: u8 = 8;
/** A recovery step was taken. from: the step (STEP_*); to: attempt or escalation level; value: delay ms or count; instance: restart-instance's. */
export const EVENT_RECOVERY: u8 = 9;
/** A manifest version was applied (value: its revision; from: 0 load, 1 rollback). */
export const EVENT_MANIFEST_APPLIED: u8 = 16;
/** A manifest load was refused and changed nothing (value: the error code; instance: the offset). */
export const EVENT_MANIFEST_REJECTED: u8 = 17;
/** A service matching a subscription changed (instance: subscription id; value: DISCOVERY_CHANGE_*). */
export const EVENT_DISCOVERY: u8 = 18;
/** A running service's instance count changes (lifecycle/resize.ts). from: the count; to: the target; value: the target, or -1 when the leaving instances were released. */
export const EVENT_INSTANCES_SET: u8 = 20;
/** A rollout step (assembly/rollout/tables.ts). from: the step (STEP_*); to: the rollout's phase after it; cause: why; value: the revision. */
export const EVENT_ROLLOUT: u8 = 21;
/**
 * One node's resources (assembly/resources/): from: what happened (RESOURCE_EVENT_* in
 * resources/events.ts: queued, admitted, refused, over a limit, reservation expired, scale);
 * to: the resource (vector.ts index; 32 + u: unit u); value: the need, the sample or the count.
 */
export const EVENT_RESOURCE: u8 = 13;

const MASK: u32 = <u32>EVENT_LOG_CAPACITY - 1;
const records = new StaticArray<u8>(EVENT_LOG_CAPACITY * EVENT_RECORD_BYTES);
/** Sequence number the next record gets; the first record is 1. */
let nextSeq: u32 = 1;

export function eventsNextSeq(): u32 { return nextSeq; }

/** Records written before the retained window (the host computes its own losses from gaps). */
export function eventsOverwritten(): u32 {
  const written = nextSeq - 1;
  return written > <u32>EVENT_LOG_CAPACITY ? written - <u32>EVENT_LOG_CAPACITY : 0;
}

export function eventLog(kind: u8, service: i32, instance: i32, from: u8, to: u8, cause: u8, value: i32): void {
  const at = changetype<usize>(records) + <usize>((nextSeq & MASK) * <u32>EVENT_RECORD_BYTES);
  store<i64>(at, clockNow(), 0);
  store<u32>(at, nextSeq, 8);
  store<u8>(at, kind, 12);
  store<u8>(at, from, 13);
  store<u8>(at, to, 14);
  store<u8>(at, cause, 15);
  store<i32>(at, service, 16);
  store<i32>(at, instance, 20);
  store<i32>(at, value, 24);
  store<u32>(at, 0, 28);
  nextSeq++;
}

/**
 * Copies records from `fromSeq` on (or the oldest retained, if that is later) to `dst`, as many
 * as fit in `capacity` bytes. Returns the number of records copied.
 */
export function eventsCopy(fromSeq: u32, dst: usize, capacity: i32): i32 {
  const retained = min<u32>(nextSeq - 1, <u32>EVENT_LOG_CAPACITY);
  const oldest = nextSeq - retained;
  let seq = fromSeq;
  // Wrap-safe: a `fromSeq` outside [oldest, nextSeq] (overwritten or not yet written) starts at the oldest.
  if (seq - oldest > retained) seq = oldest;
  const fit = <u32>(capacity / EVENT_RECORD_BYTES);
  const count = min<u32>(nextSeq - seq, fit);
  for (let i: u32 = 0; i < count; i++) {
    const src = changetype<usize>(records) + <usize>(((seq + i) & MASK) * <u32>EVENT_RECORD_BYTES);
    memory.copy(dst + <usize>(i * <u32>EVENT_RECORD_BYTES), src, <usize>EVENT_RECORD_BYTES);
  }
  return <i32>count;
}

export function eventsReset(): void {
  nextSeq = 1; // records past nextSeq are never read, so they need no clearing
}
