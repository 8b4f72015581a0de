// The UPDATE section (`update:` in services.yaml, tag 0x87): its payload is the UPDATE record
// (rollout/record.ts) in its sparse form (util/record.ts). Checked with the rollout layer's own
// rules while the blob is validated; applied on every load, in place: a rollout in progress
// goes by the new strategy from its next step. No section: every field the kernel's default.
// Only in a profile with the rollout layer (features.ts); without it the tag is skipped like
// any unknown ancillary tag.
import { OK, E_BLUE_GREEN_ADDRESSES } from "../../errors";
import { SERVICE_SUBJECT } from "../../registry/services";
import { fail } from "../../util/detail";
import { recordDefaults, sparseFits, sparseBytes, sparseExpand, field } from "../../util/record";
import {
  updateScratch, updateResolve, updateValid, updateApplyRecord, rolloutSurgeCap, UPDATE_FIELDS, UPDATE_STRATEGY,
} from "../../rollout/record";
import { STRATEGY_BLUE_GREEN, STRATEGY_ROLLING } from "../../rollout/tables";
import { WITH_ROLLOUT } from "../../features";
import { TAG_UPDATE, RECORD_HEADER_BYTES } from "../format";
import { findRecord } from "../reader";
import { addressedOrdinals } from "../addresses";
import { blobServiceCount, blobServiceAt, blobServiceEnd, blobInstances, blobBase, at, sayBlobService } from "../blob-tables";

export function updateFits(ptr: usize, size: i32): bool {
  return sparseFits(ptr, size, UPDATE_FIELDS) && sparseBytes(ptr) == size;
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function updateSectionValid(ptr: usize): i32 {
  const scratch = updateScratch();
  sparseExpand(ptr, UPDATE_FIELDS, scratch);
  updateResolve(scratch, scratch);
  return updateValid(SERVICE_SUBJECT, scratch);
}

/**
 * Sets the service's update strategy as the payload says (0: no section, the defaults).
 * `spareAddresses` >= 0: the service's instances sit at fixed addresses and only that many
 * ordinals beyond its count have one, so the surge is held to it (0: replace in place).
 */
export function updateSectionApply(service: i32, ptr: usize, spareAddresses: i32): void {
  const scratch = updateScratch();
  if (ptr != 0) sparseExpand(ptr, UPDATE_FIELDS, scratch);
  updateResolve(ptr == 0 ? recordDefaults : scratch, scratch);
  updateApplyRecord(service, scratch);
  if (spareAddresses >= 0) rolloutSurgeCap(service, spareAddresses);
}

/** The strategy the blob's service `i` asks for (its UPDATE record; rolling without one, or without the layer). */
export function blobUpdateStrategy(i: i32): i32 {
  if (!WITH_ROLLOUT) return <i32>STRATEGY_ROLLING;
  const offset = findRecord(blobBase, blobServiceAt[i], blobServiceEnd[i], TAG_UPDATE);
  if (offset < 0) return <i32>STRATEGY_ROLLING;
  const scratch = updateScratch();
  sparseExpand(blobBase + <usize>(offset + RECORD_HEADER_BYTES), UPDATE_FIELDS, scratch);
  updateResolve(scratch, scratch);
  return field(scratch, UPDATE_STRATEGY);
}

/** Blue-green's whole new set beside the old: ordinals up to twice the count may have an address. */
export function blueGreenAddressable(i: i32): i32 {
  return blobUpdateStrategy(i) == <i32>STRATEGY_BLUE_GREEN ? 2 * <i32>blobInstances[i] : 0;
}

/**
 * Blue-green starts the whole new set beside the old one: a service at fixed addresses needs one
 * spare address per instance (ordinals count..2*count-1). Refused at load otherwise, naming the
 * service and both numbers (after every record of the blob was checked).
 */
export function updateAddressesValid(): i32 {
  for (let i = 0; i < blobServiceCount; i++) {
    if (blobUpdateStrategy(i) != <i32>STRATEGY_BLUE_GREEN) continue;
    const addressed = addressedOrdinals(blobBase, blobServiceAt[i], blobServiceEnd[i]);
    const count = <i32>blobInstances[i];
    if (addressed == 0 || addressed >= 2 * count) continue;
    return at(sayBlobService(fail(E_BLUE_GREEN_ADDRESSES), i).text(": blue-green starts ").int(count)
      .text(" new instances beside its ").int(count).text(" but only ").int(max(0, addressed - count))
      .text(" spare addresses are listed (it needs ").int(2 * count).text(" addresses; or use rolling)"),
      findRecord(blobBase, blobServiceAt[i], blobServiceEnd[i], TAG_UPDATE));
  }
  return OK;
}
