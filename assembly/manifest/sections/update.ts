// The UPDATE section (`update:` in services.yaml, tag 0x87): its payload is the UPDATE record
// (rollout/record.ts) in its sparse form (util/record.ts). Checked with the rollout layer's own
// rules while the blob is validated; applied on every load, in place: a rollout in progress
// goes by the new strategy from its next step. No section: every field the kernel's default.
// Only in a profile with the rollout layer (features.ts); without it the tag is skipped like
// any unknown ancillary tag.
import { SERVICE_SUBJECT } from "../../registry/services";
import { recordDefaults, sparseFits, sparseBytes, sparseExpand } from "../../util/record";
import { updateScratch, updateResolve, updateValid, updateApplyRecord, rolloutSurgeCap, UPDATE_FIELDS } from "../../rollout/record";

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
