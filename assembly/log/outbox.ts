// The outbox: actions the host must perform, in order. Work that needs outbox space reserves
// it first (`outboxHasRoom`); when the host has not drained, that work is deferred to a later
// tick and an ACTION_DEFERRED event says so. An action is never dropped.
//
//   0      1         4         8          12      16
//   +------+---------+---------+----------+-------+
//   | kind | 0 0 0   | service | instance | arg   |
//   +------+---------+---------+----------+-------+
//     u8               i32       i32        i32
import { OUTBOX_CAPACITY } from "../limits";

export const ACTION_RECORD_BYTES: i32 = 16;

/** Start the instance (a process, a task, a thread); answer with instanceStarted/instanceExited. */
export const ACTION_SPAWN: u8 = 1;
/** Stop gracefully (SIGTERM, a stop request); the kernel kills after the stop timeout. */
export const ACTION_STOP: u8 = 2;
/** Stop now (SIGKILL, task delete). The instance counts as stopped once this is issued. */
export const ACTION_KILL: u8 = 3;
/** Run health check `arg` (a check id) against the instance; answer with checkReport. */
export const ACTION_RUN_CHECK: u8 = 4;
/** Escalation reached its end: the host decides whether to reboot (instance: -1; arg: the fault pattern). */
export const ACTION_REBOOT_REQUEST: u8 = 5;
/** Reload the service's configuration in place (SIGHUP, ExecReload=; instance: -1; arg: the fault pattern). */
export const ACTION_CONFIG_RELOAD: u8 = 6;
/** Switch the service's traffic to its backup (instance: -1; arg: the backup service id). */
export const ACTION_FAILOVER: u8 = 7;
/** A hot config key changed in place (instance: -1; arg: the key's ordinal, see configKeyAt). */
export const ACTION_CONFIG_CHANGED: u8 = 8;
/** Deliver an alert group's notification (instance: the group; arg: receiver | group state << 8; see alerts/groups.ts). */
export const ACTION_NOTIFY: u8 = 9;

const MASK: u32 = <u32>OUTBOX_CAPACITY - 1;
const records = new StaticArray<u8>(OUTBOX_CAPACITY * ACTION_RECORD_BYTES);
let head: u32 = 0; // next to drain
let tail: u32 = 0; // next to fill
let deferredCount: u32 = 0;

@inline export function outboxCount(): i32 { return <i32>(tail - head); }

@inline export function outboxHasRoom(n: i32): bool { return outboxCount() + n <= OUTBOX_CAPACITY; }

/** Counts work that waited for outbox room (a host that drains too rarely shows here). */
export function outboxNoteDeferred(): void { deferredCount++; }
export function outboxDeferredCount(): u32 { return deferredCount; }

/** Appends an action; the caller has reserved room (a programmer error otherwise). */
export function outboxPush(kind: u8, service: i32, instance: i32, arg: i32): void {
  assert(outboxHasRoom(1), "outbox push without room");
  const at = changetype<usize>(records) + <usize>((tail & MASK) * <u32>ACTION_RECORD_BYTES);
  store<u32>(at, kind, 0);
  store<i32>(at, service, 4);
  store<i32>(at, instance, 8);
  store<i32>(at, arg, 12);
  tail++;
}

/** Moves up to `capacity / 16` actions to `dst`, oldest first; returns how many. */
export function outboxDrain(dst: usize, capacity: i32): i32 {
  const count = min(outboxCount(), capacity / ACTION_RECORD_BYTES);
  for (let i = 0; i < count; i++) {
    const src = changetype<usize>(records) + <usize>(((head + <u32>i) & MASK) * <u32>ACTION_RECORD_BYTES);
    memory.copy(dst + <usize>(i * ACTION_RECORD_BYTES), src, <usize>ACTION_RECORD_BYTES);
  }
  head += <u32>count;
  return count;
}

export function outboxReset(): void {
  head = 0;
  tail = 0;
  deferredCount = 0;
}
