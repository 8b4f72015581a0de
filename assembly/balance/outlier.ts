// Outlier ejection (Envoy's consecutive_5xx detector): an instance that fails
// `consecutiveFailures` requests in a row is ejected from balancing for baseEjectionMs times
// the number of times it has been ejected, capped at maxEjectionMs, and re-admitted when that
// time has passed (eligibility.ts ends ejections on its rebuilds). At most maxEjectedPercent
// of the service's instances are ejected at once, but always at least one may be.
import { clockRefresh } from "../clock";
import { serviceInstanceCount } from "../registry/services";
import { poolReady } from "./eligibility";
import {
  slotAt, serviceAt, markStale, SLOT_OUTLIER_FAILURES, SLOT_EJECTED_UNTIL_MS, SLOT_EJECTIONS, SERVICE_EJECT_CONSECUTIVE,
  SERVICE_EJECT_BASE_MS, SERVICE_EJECT_MAX_MS, SERVICE_EJECT_MAX_PERCENT, SERVICE_EJECTED,
} from "./tables";

/** A success ends the instance's streak of failures (inlined: breakerPass's common case). */
@inline export function outlierSucceeded(slot: i32, service: i32): void {
  if (load<u16>(serviceAt(service), SERVICE_EJECT_CONSECUTIVE) != 0) store<u16>(slotAt(slot), 0, SLOT_OUTLIER_FAILURES);
}

export function outlierRecord(slot: i32, service: i32, failed: bool): void {
  if (!failed) { outlierSucceeded(slot, service); return; }
  const config = serviceAt(service);
  const threshold = <i32>load<u16>(config, SERVICE_EJECT_CONSECUTIVE);
  if (threshold == 0) return;
  const record = slotAt(slot);
  const streak = min(<i32>load<u16>(record, SLOT_OUTLIER_FAILURES) + 1, 0xffff);
  store<u16>(record, <u16>streak, SLOT_OUTLIER_FAILURES);
  if (streak < threshold || load<i64>(record, SLOT_EJECTED_UNTIL_MS) != 0) return;
  const allowed = max(1, <i32>serviceInstanceCount[service] * <i32>load<u8>(config, SERVICE_EJECT_MAX_PERCENT) / 100);
  if (<i32>load<u8>(config, SERVICE_EJECTED) >= allowed) {
    poolReady(service); // ejections that just ended are counted out by a rebuild
    if (<i32>load<u8>(config, SERVICE_EJECTED) >= allowed) return; // a candidate still: the next failure retries
  }
  const ejections = load<u32>(record, SLOT_EJECTIONS) + 1;
  store<u32>(record, ejections, SLOT_EJECTIONS);
  const duration = min(<i64>load<i32>(config, SERVICE_EJECT_BASE_MS) * <i64>ejections, <i64>load<i32>(config, SERVICE_EJECT_MAX_MS));
  store<i64>(record, clockRefresh() + duration, SLOT_EJECTED_UNTIL_MS);
  store<u16>(record, 0, SLOT_OUTLIER_FAILURES);
  store<u8>(config, load<u8>(config, SERVICE_EJECTED) + 1, SERVICE_EJECTED);
  markStale(service);
}
