// Spec helpers for the configuration records (util/record.ts): write a record's i32 fields to
// the I/O buffer the way a host does (-1: the kernel's default) and apply it with one call.
import { ioBuffer, recordApply } from "../../index";
import { SECTION_TIMEOUTS, SECTION_BALANCE, SECTION_BREAKER, SECTION_OUTLIER } from "../../records/sections";
import { RECORD_DEFAULT, recordScratch } from "../../util/record";
import { recoveryResolve, recoveryValid, recoveryApplyRecord, RECOVERY_BACKOFF_KIND } from "../../recovery/record";

/** Writes `fields` as i32s to the I/O buffer; returns their byte length. */
export function putFields(fields: i32[]): i32 {
  const ptr = ioBuffer();
  for (let i = 0; i < fields.length; i++) store<i32>(ptr + <usize>(i << 2), fields[i]);
  return fields.length << 2;
}

export function applyTimeouts(id: i32, startMs: i32, stopMs: i32): i32 {
  return recordApply(id, SECTION_TIMEOUTS, putFields([startMs, stopMs]));
}

/** The strategy, the other options at their defaults unless given. */
export function applyStrategy(id: i32, strategy: i32, choices: i32 = RECORD_DEFAULT, panicPercent: i32 = RECORD_DEFAULT): i32 {
  const D = RECORD_DEFAULT;
  return recordApply(id, SECTION_BALANCE, putFields([strategy, choices, D, panicPercent, D, D]));
}

/** A breaker that is on, every setting given (window, minCalls, rate, in a row, slowMs, slowRate, open, openMax, probes). */
export function applyBreaker(
  id: i32, windowSize: i32, minCalls: i32, failureRate: i32, consecutive: i32, slowCallMs: i32, slowRate: i32,
  openMs: i32, openMaxMs: i32, permits: i32,
): i32 {
  const fields = [1, windowSize, minCalls, failureRate, consecutive, slowCallMs, slowRate, openMs, openMaxMs, permits];
  return recordApply(id, SECTION_BREAKER, putFields(fields));
}

export function applyOutlier(id: i32, consecutive: i32, baseMs: i32, maxMs: i32, maxPercent: i32): i32 {
  return recordApply(id, SECTION_OUTLIER, putFields([1, consecutive, baseMs, maxMs, maxPercent]));
}

/** The backoff fields of a RECOVERY record (the rest at their defaults), applied to row `service`
 *  directly (the backoff specs use a row with no registered service). */
export function applyBackoff(service: i32, kind: i32, baseMs: i32, capMs: i32, factorPercent: i32, jitter: i32): i32 {
  const fields = new StaticArray<i32>(26);
  for (let i = 0; i < 26; i++) fields[i] = RECORD_DEFAULT;
  fields[RECOVERY_BACKOFF_KIND] = kind;
  fields[RECOVERY_BACKOFF_KIND + 1] = baseMs;
  fields[RECOVERY_BACKOFF_KIND + 2] = capMs;
  fields[RECOVERY_BACKOFF_KIND + 3] = factorPercent;
  fields[RECOVERY_BACKOFF_KIND + 4] = jitter;
  recoveryResolve(changetype<usize>(fields), recordScratch);
  const bad = recoveryValid(service, recordScratch);
  if (bad == 0) recoveryApplyRecord(service, recordScratch);
  return bad;
}
