// The per-service configuration records by section, one dispatch for every caller: the ABI
// (records/abi.ts) and the manifest's sections (manifest/sections/) resolve, validate, apply
// and read a record through the same functions, so a manifest and a host's typed API produce
// the same kernel record byte for byte. Layouts: util/record.ts and each layer's record file.
//
//   section      bytes  layer file
//   0 TIMEOUTS       8  registry/timeouts.ts
//   1 BALANCE       24  balance/config.ts
//   2 BREAKER       40  balance/config.ts
//   3 OUTLIER       20  balance/config.ts
//   4 RECOVERY     104  recovery/record.ts
import { OK, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { field } from "../util/record";
import { timeoutsResolve, timeoutsValid, timeoutsApplyRecord, timeoutsReadRecord, TIMEOUTS_RECORD_BYTES } from "../registry/timeouts";
import {
  balanceResolve, balanceValid, balanceApplyRecord, balanceReadRecord, breakerResolve, breakerValid, breakerApplyRecord,
  breakerReadRecord, outlierResolve, outlierValid, outlierApplyRecord, outlierReadRecord, BALANCE_RECORD_BYTES,
  BREAKER_RECORD_BYTES, OUTLIER_RECORD_BYTES,
} from "../balance/config";
import {
  recoveryResolve, recoveryValid, recoveryApplyRecord, recoveryReadRecord, RECOVERY_RECORD_BYTES, RECOVERY_BACKUP,
} from "../recovery/record";
import { backupValid } from "../recovery/policy";

export const SECTION_TIMEOUTS: i32 = 0;
export const SECTION_BALANCE: i32 = 1;
export const SECTION_BREAKER: i32 = 2;
export const SECTION_OUTLIER: i32 = 3;
export const SECTION_RECOVERY: i32 = 4;
export const SECTION_COUNT: i32 = 5;

/** E_INVALID_ARGUMENT unless `section` names one. */
export function sectionKnown(section: i32): i32 {
  if (section >= 0 && section < SECTION_COUNT) return OK;
  return fail(E_INVALID_ARGUMENT).text("record section ").int(section)
    .text(" is not 0 timeouts, 1 balance, 2 breaker, 3 outlier or 4 recovery").code();
}

export function sectionBytes(section: i32): i32 {
  switch (section) {
    case SECTION_TIMEOUTS: return TIMEOUTS_RECORD_BYTES;
    case SECTION_BALANCE: return BALANCE_RECORD_BYTES;
    case SECTION_BREAKER: return BREAKER_RECORD_BYTES;
    case SECTION_OUTLIER: return OUTLIER_RECORD_BYTES;
    default: return RECOVERY_RECORD_BYTES;
  }
}

/** Copies the record at `from` to `to` with every sentinel replaced by the kernel's default. */
export function sectionResolve(section: i32, from: usize, to: usize): void {
  switch (section) {
    case SECTION_TIMEOUTS: timeoutsResolve(from, to); break;
    case SECTION_BALANCE: balanceResolve(from, to); break;
    case SECTION_BREAKER: breakerResolve(from, to); break;
    case SECTION_OUTLIER: outlierResolve(from, to); break;
    default: recoveryResolve(from, to);
  }
}

/** A resolved record's rules (no state read but a recovery backup, checked by the caller). */
export function sectionValid(section: i32, service: i32, r: usize): i32 {
  switch (section) {
    case SECTION_TIMEOUTS: return timeoutsValid(service, r);
    case SECTION_BALANCE: return balanceValid(service, r);
    case SECTION_BREAKER: return breakerValid(service, r);
    case SECTION_OUTLIER: return outlierValid(service, r);
    default: return recoveryValid(service, r);
  }
}

/** The record's rules that read the kernel (a registered service's backup): OK or the error. */
export function sectionValidHere(section: i32, service: i32, r: usize): i32 {
  return section == SECTION_RECOVERY ? backupValid(service, field(r, RECOVERY_BACKUP)) : OK;
}

/**
 * Applies a resolved, valid record. Only BALANCE can fail (consistent hashing finds every table
 * held), and it fails before it changes anything.
 */
export function sectionApply(section: i32, service: i32, r: usize): i32 {
  switch (section) {
    case SECTION_TIMEOUTS: timeoutsApplyRecord(service, r); return OK;
    case SECTION_BALANCE: return balanceApplyRecord(service, r);
    case SECTION_BREAKER: breakerApplyRecord(service, r); return OK;
    case SECTION_OUTLIER: outlierApplyRecord(service, r); return OK;
    default: recoveryApplyRecord(service, r); return OK;
  }
}

/** Writes the service's effective record to `out`; returns its length. */
export function sectionRead(section: i32, service: i32, out: usize): i32 {
  switch (section) {
    case SECTION_TIMEOUTS: return timeoutsReadRecord(service, out);
    case SECTION_BALANCE: return balanceReadRecord(service, out);
    case SECTION_BREAKER: return breakerReadRecord(service, out);
    case SECTION_OUTLIER: return outlierReadRecord(service, out);
    default: return recoveryReadRecord(service, out);
  }
}
