// Statistics: counters bumped on the hot paths (no logs), and the records the host reads
// through the I/O buffer (balanceInstanceStats, balanceServiceStats), little-endian:
//
//  instance (64 bytes)                          service (64 bytes)
//  +0  u64 picks                                +0  u64 picks
//  +8  u64 successes                            +8  u64 successes
//  +16 u64 failures                             +16 u64 failures
//  +24 u32 breaker opened                       +24 u32 active (sum over instances)
//  +28 u32 breaker half-opened                  +28 u32 picks that found no eligible instance
//  +32 u32 breaker closed                       +32 u32 panic-mode entries
//  +36 u32 ejections                            +36 u32 picks made in panic mode
//  +40 f32 latency EWMA ms (-1: none)           +40 u32 pool rebuilds
//  +44 u32 active (in flight)                   +44 u32 hash-table builds
//  +48 f64 peak-EWMA cost ms now (-1: none)     +48 u32 hash-table checksum (FNV-1a)
//  +56 u16 weight  +58 u16 isolations           +52 u8 eligible (pool size)  +53 u8 members
//  +60 u8 breaker state  +61 u8 health          +54 u8 ejected now  +55 u8 strategy
//  +62 u8 flags: 1 disabled, 2 draining,        +56 u8 in panic (0/1)  +57 u8 breakers not closed
//      4 ejected, 8 in pool, 16 isolated,       +58 u8 instances  +59..63 zero
//      32 canary (split.ts)
//  +63 u8 lifecycle state
import { clockNow } from "../clock";
import { instanceState, instanceService } from "../registry/instances";
import { instanceSlotOf, serviceInstanceCount } from "../registry/services";
import { WITH_ALL_STRATEGIES } from "../features";
import { costDecayed } from "./strategies/fastest-response";
import { breakersNotClosed } from "./eligibility";
import {
  slotAt, serviceAt, SLOT_PICKS, SLOT_SUCCESSES, SLOT_FAILURES, SLOT_OPENED,
  SLOT_EJECTIONS, SLOT_LATENCY_MS, SLOT_ACTIVE, SLOT_WEIGHT, SLOT_ISOLATIONS, SLOT_BREAKER, SLOT_HEALTH, SLOT_FLAGS,
  SLOT_EJECTED_UNTIL_MS, SLOT_IN_POOL, SERVICE_PICKS, SERVICE_SUCCESSES, SERVICE_FAILURES, SERVICE_NO_ELIGIBLE,
  SERVICE_PANIC_ENTRIES, SERVICE_PANIC_PICKS, SERVICE_POOL_BUILDS, SERVICE_TABLE_BUILDS, SERVICE_TABLE_CHECKSUM,
  SERVICE_POOL_COUNT, SERVICE_POOL_MEMBERS, SERVICE_EJECTED, SERVICE_STRATEGY, SERVICE_PANIC,
} from "./tables";

export const INSTANCE_STATS_BYTES: i32 = 64;
export const SERVICE_STATS_BYTES: i32 = 64;

/** EWMA weight of a new latency sample: 1/8, as TCP's smoothed RTT (RFC 6298). */
const LATENCY_WEIGHT: f32 = 0.125;

@inline function bump64(record: usize, offset: usize): void { store<u64>(record + offset, load<u64>(record + offset) + 1); }
@inline function bump32(record: usize, offset: usize): void { store<u32>(record + offset, load<u32>(record + offset) + 1); }

/** A pick's counts on the instance (a run of picks counts the service once: batch.ts). */
@inline export function countSlotPick(slot: i32): void {
  const record = slotAt(slot);
  bump64(record, SLOT_PICKS);
  bump32(record, SLOT_ACTIVE);
}

@inline export function countPick(slot: i32, service: i32): void {
  countSlotPick(slot);
  bump64(serviceAt(service), SERVICE_PICKS); // and, in panic mode, SERVICE_PANIC_PICKS (pick.ts)
}

@inline export function countOutcome(slot: i32, service: i32, failed: bool, latencyMs: f64): void {
  const record = slotAt(slot);
  bump64(record, failed ? SLOT_FAILURES : SLOT_SUCCESSES);
  bump64(serviceAt(service), failed ? SERVICE_FAILURES : SERVICE_SUCCESSES);
  const smoothed = load<f32>(record, SLOT_LATENCY_MS);
  const sample = <f32>latencyMs;
  store<f32>(record, smoothed < 0 ? sample : smoothed + (sample - smoothed) * LATENCY_WEIGHT, SLOT_LATENCY_MS);
}

export function writeInstanceStats(slot: i32, out: usize): i32 {
  const record = slotAt(slot);
  memory.copy(out, record, 48); // picks .. active: the record's layout is the wire layout
  store<u32>(out, load<u32>(record, SLOT_ACTIVE), 44);
  // fastest response's cost (f64) only where the strategy is compiled; -1 (none) in tiny
  store<f64>(out, WITH_ALL_STRATEGIES ? costDecayed(slot, <i32>instanceService[slot], clockNow()) : -1, 48);
  store<u16>(out, load<u16>(record, SLOT_WEIGHT), 56);
  store<u16>(out, load<u16>(record, SLOT_ISOLATIONS), 58);
  store<u8>(out, load<u8>(record, SLOT_BREAKER), 60);
  store<u8>(out, load<u8>(record, SLOT_HEALTH), 61);
  const flags = <i32>load<u8>(record, SLOT_FLAGS) | (load<i64>(record, SLOT_EJECTED_UNTIL_MS) != 0 ? 4 : 0)
    | (load<u8>(record, SLOT_IN_POOL) != 0 ? 8 : 0) | (load<u16>(record, SLOT_ISOLATIONS) > 0 ? 16 : 0);
  store<u8>(out, <u8>flags, 62);
  store<u8>(out, instanceState[slot], 63);
  return INSTANCE_STATS_BYTES;
}

export function writeServiceStats(service: i32, out: usize): i32 {
  const config = serviceAt(service);
  const count = <i32>serviceInstanceCount[service];
  let active: u32 = 0;
  for (let k = 0; k < count; k++) active += load<u32>(slotAt(instanceSlotOf(service, k)), SLOT_ACTIVE);
  memory.fill(out, 0, SERVICE_STATS_BYTES);
  memory.copy(out, config + SERVICE_PICKS, 24);
  store<u32>(out, active, 24);
  memory.copy(out + 28, config + SERVICE_NO_ELIGIBLE, 24); // noEligible .. tableChecksum
  store<u8>(out, load<u8>(config, SERVICE_POOL_COUNT), 52);
  store<u8>(out, load<u8>(config, SERVICE_POOL_MEMBERS), 53);
  store<u8>(out, load<u8>(config, SERVICE_EJECTED), 54);
  store<u8>(out, load<u8>(config, SERVICE_STRATEGY), 55);
  store<u8>(out, load<u8>(config, SERVICE_PANIC), 56);
  store<u8>(out, <u8>breakersNotClosed(service), 57);
  store<u8>(out, <u8>count, 58);
  return SERVICE_STATS_BYTES;
}

assert(SLOT_PICKS == 0 && SLOT_SUCCESSES == 8 && SLOT_FAILURES == 16 && SLOT_OPENED == 24 && SLOT_EJECTIONS == 36
  && SLOT_LATENCY_MS == 40, "the instance record's first 44 bytes are the wire layout");
assert(SERVICE_NO_ELIGIBLE == 32 && SERVICE_PANIC_ENTRIES == 36 && SERVICE_PANIC_PICKS == 40 && SERVICE_POOL_BUILDS == 44
  && SERVICE_TABLE_BUILDS == 48 && SERVICE_TABLE_CHECKSUM == 52, "the service record's counters are the wire layout");
