// The BALANCE section (`balance:` and `instances.weights` in services.yaml): its payload is the
// BALANCE, BREAKER and OUTLIER records (balance/config.ts: i32 fields, -1 the kernel's
// default), then the instance weights:
//
//   0 BALANCE (24 bytes) | 24 BREAKER (40) | 64 OUTLIER (20) | 84 n u16 | 86 n weights u16
//
// Checked with the balance layer's own rules while the blob is validated; applied in place on a
// running service (the next pick follows it), through the same functions as the ABI's records:
// a new strategy leaves the breakers' states alone, and the breakers are reset only when their
// settings change. No section: every field the kernel's default, every weight 1. Weights:
// instance ordinal k < n weighs weights[k], the others 1.
import { OK } from "../../errors";
import { SERVICE_SUBJECT, serviceInstanceCount } from "../../registry/services";
import { field, recordScratch, recordDefaults } from "../../util/record";
import {
  weightValid, balanceResolve, balanceValid, balanceApplyRecord, breakerResolve, breakerValid, breakerApplyRecord,
  outlierResolve, outlierValid, outlierApplyRecord, BALANCE_RECORD_BYTES, BREAKER_RECORD_BYTES, BALANCE_STRATEGY,
} from "../../balance/config";
import {
  slotAt, slotOfOrdinal, markMembershipChanged, SLOT_WEIGHT, STRATEGY_CONSISTENT_HASH,
} from "../../balance/tables";

export const BALANCE_AT_BREAKER: i32 = BALANCE_RECORD_BYTES;
export const BALANCE_AT_OUTLIER: i32 = BALANCE_RECORD_BYTES + BREAKER_RECORD_BYTES;
/** u16 n, then n u16 weights. */
export const BALANCE_WEIGHTS: i32 = 84;
export const BALANCE_BYTES: i32 = 86;

@inline function weightCount(ptr: usize): i32 { return <i32>load<u16>(ptr + BALANCE_WEIGHTS); }
@inline function weightAt(ptr: usize, ordinal: i32): i32 {
  return <i32>load<u16>(ptr + <usize>(BALANCE_BYTES + 2 * ordinal));
}

/** Whether `size` bytes hold the payload at `ptr` exactly (the fixed fields and n weights). */
export function balanceFits(ptr: usize, size: i32): bool {
  return size >= BALANCE_BYTES && size == BALANCE_BYTES + 2 * weightCount(ptr);
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function balanceSectionValid(ptr: usize): i32 {
  const S = SERVICE_SUBJECT;
  const r = recordScratch;
  balanceResolve(ptr, r);
  let bad = balanceValid(S, r);
  if (bad == OK) { breakerResolve(ptr + BALANCE_AT_BREAKER, r); bad = breakerValid(S, r); }
  if (bad == OK) { outlierResolve(ptr + BALANCE_AT_OUTLIER, r); bad = outlierValid(S, r); }
  for (let k = 0, n = weightCount(ptr); k < n && bad == OK; k++) bad = weightValid(S, weightAt(ptr, k));
  return bad; // n against the instance count: validate.ts, once the whole section is read
}

/** Whether the payload (0: none) asks for consistent hashing, which holds one of the hash tables. */
export function balanceHashes(ptr: usize): bool {
  if (ptr == 0) return false;
  balanceResolve(ptr, recordScratch);
  return field(recordScratch, BALANCE_STRATEGY) == <i32>STRATEGY_CONSISTENT_HASH;
}

/** Sets the service's balancing as the payload at `ptr` says (0: no section, the defaults). */
export function balanceApply(service: i32, ptr: usize): void {
  const record = ptr == 0 ? recordDefaults : ptr;
  const r = recordScratch;
  balanceResolve(record, r);
  const set = balanceApplyRecord(service, r);
  assert(set == OK, "a validated balance section did not apply"); // capacity was checked by the diff
  breakerResolve(record + BALANCE_AT_BREAKER, r);
  breakerApplyRecord(service, r);
  outlierResolve(record + BALANCE_AT_OUTLIER, r);
  outlierApplyRecord(service, r);
  balanceWeights(service, ptr);
}

/** Instance weights from the payload (0: none; the instances the service has now; ordinals past n weigh 1). */
export function balanceWeights(service: i32, ptr: usize): void {
  const n = ptr == 0 ? 0 : weightCount(ptr);
  const count = <i32>serviceInstanceCount[service];
  let changed = false;
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const weight = <u16>(ordinal < n ? weightAt(ptr, ordinal) : 1);
    const record = slotAt(slotOfOrdinal(service, ordinal));
    if (load<u16>(record, SLOT_WEIGHT) == weight) continue;
    store<u16>(record, weight, SLOT_WEIGHT);
    changed = true;
  }
  if (changed) markMembershipChanged(service);
}
