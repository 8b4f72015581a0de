// The BALANCE section (`balance:` and `instances.weights` in services.yaml): its payload is the
// BALANCE, BREAKER and OUTLIER records (balance/config.ts) in their sparse form (util/record.ts:
// a field mask, then the fields the YAML gave; the others are the kernel's defaults), then the
// instance weights:
//
//   BALANCE (sparse) | BREAKER (sparse) | OUTLIER (sparse) | n u16 | n weights u16
//
// Checked with the balance layer's own rules while the blob is validated; applied in place on a
// running service (the next pick follows it), through the same functions as the ABI's records:
// a new strategy leaves the breakers' states alone, and the breakers are reset only when their
// settings change. No section: every field the kernel's default, every weight 1. Weights:
// instance ordinal k < n weighs weights[k], the others 1.
import { OK } from "../../errors";
import { WITH_BREAKER } from "../../features";
import { SERVICE_SUBJECT, serviceInstanceCount } from "../../registry/services";
import { field, recordScratch, sparseFits, sparseBytes, sparseRead } from "../../util/record";
import {
  weightValid, balanceResolve, balanceValid, balanceApplyRecord, breakerResolve, breakerValid, breakerApplyRecord,
  outlierResolve, outlierValid, outlierApplyRecord, BALANCE_RECORD_BYTES, BREAKER_RECORD_BYTES, OUTLIER_RECORD_BYTES,
  BALANCE_STRATEGY,
} from "../../balance/config";
import {
  slotAt, slotOfOrdinal, markMembershipChanged, SLOT_WEIGHT, STRATEGY_CONSISTENT_HASH,
} from "../../balance/tables";

const BALANCE_FIELDS: i32 = BALANCE_RECORD_BYTES / 4;
const BREAKER_FIELDS: i32 = BREAKER_RECORD_BYTES / 4;
const OUTLIER_FIELDS: i32 = OUTLIER_RECORD_BYTES / 4;

function breakerAt(ptr: usize): usize { return ptr + <usize>sparseBytes(ptr); }
function outlierAt(ptr: usize): usize { const at = breakerAt(ptr); return at + <usize>sparseBytes(at); }
function weightsAt(ptr: usize): usize { const at = outlierAt(ptr); return at + <usize>sparseBytes(at); }
@inline function weightAt(ptr: usize, ordinal: i32): i32 { return <i32>load<u16>(weightsAt(ptr) + <usize>(2 + 2 * ordinal)); }

/** How many weights the (fitting) payload at `ptr` gives. */
export function balanceWeightCount(ptr: usize): i32 { return <i32>load<u16>(weightsAt(ptr)); }

/** Whether `size` bytes hold the payload at `ptr` exactly (three sparse records, n and n weights). */
export function balanceFits(ptr: usize, size: i32): bool {
  const end = ptr + <usize>size;
  if (!sparseFits(ptr, size, BALANCE_FIELDS)) return false;
  const breaker = breakerAt(ptr);
  if (!sparseFits(breaker, <i32>(end - breaker), BREAKER_FIELDS)) return false;
  const outlier = outlierAt(ptr);
  if (!sparseFits(outlier, <i32>(end - outlier), OUTLIER_FIELDS)) return false;
  const weights = weightsAt(ptr);
  return <i32>(end - weights) >= 2 && <i32>(end - weights) == 2 + 2 * <i32>load<u16>(weights);
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function balanceSectionValid(ptr: usize): i32 {
  const S = SERVICE_SUBJECT;
  const r = recordScratch;
  balanceResolve(sparseRead(ptr, BALANCE_FIELDS), r);
  let bad = balanceValid(S, r);
  if (bad == OK) { breakerResolve(sparseRead(breakerAt(ptr), BREAKER_FIELDS), r); bad = breakerValid(S, r); }
  if (bad == OK) { outlierResolve(sparseRead(outlierAt(ptr), OUTLIER_FIELDS), r); bad = outlierValid(S, r); }
  for (let k = 0, n = balanceWeightCount(ptr); k < n && bad == OK; k++) bad = weightValid(S, weightAt(ptr, k));
  return bad; // n against the instance count: references.ts, once the whole section is read
}

/** Whether the payload (0: none) asks for consistent hashing, which holds one of the hash tables. */
export function balanceHashes(ptr: usize): bool {
  if (ptr == 0) return false;
  balanceResolve(sparseRead(ptr, BALANCE_FIELDS), recordScratch);
  return field(recordScratch, BALANCE_STRATEGY) == <i32>STRATEGY_CONSISTENT_HASH;
}

/** Sets the service's balancing as the payload at `ptr` says (0: no section, the defaults). */
export function balanceApply(service: i32, ptr: usize): void {
  const r = recordScratch;
  balanceResolve(sparseRead(ptr, BALANCE_FIELDS), r);
  const set = balanceApplyRecord(service, r);
  assert(set == OK, "a validated balance section did not apply"); // capacity was checked by the diff
  if (WITH_BREAKER) { // (tiny: no breaker or ejection to set)
    breakerResolve(sparseRead(ptr == 0 ? 0 : breakerAt(ptr), BREAKER_FIELDS), r);
    breakerApplyRecord(service, r);
    outlierResolve(sparseRead(ptr == 0 ? 0 : outlierAt(ptr), OUTLIER_FIELDS), r);
    outlierApplyRecord(service, r);
  }
  balanceWeights(service, ptr);
}

/** Instance weights from the payload (0: none; the instances the service has now; ordinals past n weigh 1). */
export function balanceWeights(service: i32, ptr: usize): void {
  const n = ptr == 0 ? 0 : balanceWeightCount(ptr);
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
