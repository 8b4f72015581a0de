// The RECOVERY section (`restart:` in services.yaml): its payload is the RECOVERY record
// (recovery/record.ts) in its sparse form (util/record.ts: a field mask, then the fields the
// YAML gave; the others are the kernel's defaults). Checked with the recovery layer's
// own rules while the blob is validated; applied in place: it governs the next fault (a restart
// delay already running keeps its deadline). No section: every field the kernel's default.
// The record's backup is a blob service index here (validate.ts checks it against the blob);
// apply.ts passes the kernel id it maps to.
import { SERVICE_SUBJECT } from "../../registry/services";
import { fieldSet, recordScratch, sparseFits, sparseBytes, sparseRead, sparseField, RECORD_DEFAULT } from "../../util/record";
import {
  recoveryResolve, recoveryValid, recoveryApplyRecord, RECOVERY_FIELDS, RECOVERY_BACKUP,
} from "../../recovery/record";

export function recoveryFits(ptr: usize, size: i32): bool {
  return sparseFits(ptr, size, RECOVERY_FIELDS) && sparseBytes(ptr) == size;
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function recoverySectionValid(ptr: usize): i32 {
  recoveryResolve(sparseRead(ptr, RECOVERY_FIELDS), recordScratch);
  return recoveryValid(SERVICE_SUBJECT, recordScratch);
}

/** The payload's backup: a blob service index, or -1 (none or the default). */
export function recoveryBackupIndex(ptr: usize): i32 {
  return sparseField(ptr, RECOVERY_BACKUP, RECORD_DEFAULT);
}

/** Sets the service's recovery as the payload at `ptr` says (0: no section, the defaults);
 *  `backup` is the kernel id of the payload's backup (-1: none). */
export function recoveryApply(service: i32, ptr: usize, backup: i32): void {
  recoveryResolve(sparseRead(ptr, RECOVERY_FIELDS), recordScratch);
  fieldSet(recordScratch, RECOVERY_BACKUP, backup);
  recoveryApplyRecord(service, recordScratch);
}
