// The HEALTH section: a service's manifest check. Its payload is the CHECK record in its sparse
// form (util/record.ts: a field mask, then the fields the YAML gave; the others are the
// kernel's defaults), then the host's target bytes (a command, URL or port: kept for the dump). Checked with the health layer's
// own rules while the blob is validated, so a bad value rejects the whole blob; applied live
// (health/live.ts): a changed section takes effect on a running service, no restart. The check
// the section made carries CHECK_FROM_MANIFEST, so a reload replaces it and leaves checks added
// through the ABI alone. No section: no manifest check.
import { CHECKS_PER_SERVICE_MAX } from "../../limits";
import { SERVICE_SUBJECT } from "../../registry/services";
import { field, recordScratch, sparseFits, sparseRead } from "../../util/record";
import {
  checkTake, checkOfManifest, checkStartupTaken, checksFull, checkKind, checkRole, checkIndex, serviceCheckCount,
  serviceStartupCheck, CHECK_FROM_MANIFEST, ROLE_STARTUP,
} from "../../health/checks";
import {
  checkRecordResolve, checkRecordValid, checkStoreTiming, CHECK_RECORD_BYTES, CHECK_KIND, CHECK_ROLE,
} from "../../health/record";
import { checkLiveStart, checkLiveRetime, checkLiveRemove } from "../../health/live";

const CHECK_FIELDS: i32 = CHECK_RECORD_BYTES / 4;

/** Whether `size` bytes hold the payload's fields (the target may be empty). */
export function healthFits(ptr: usize, size: i32): bool { return sparseFits(ptr, size, CHECK_FIELDS); }

/** The payload's CHECK record, resolved, into `r`. */
function resolve(ptr: usize, r: usize): void {
  checkRecordResolve(sparseRead(ptr, CHECK_FIELDS), r);
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function healthValid(ptr: usize): i32 {
  resolve(ptr, recordScratch);
  return checkRecordValid(SERVICE_SUBJECT, recordScratch);
}

/**
 * Checks the pool must give the section of service `id` (-1: a service the load adds): 0 or 1,
 * or the error when the service has no room for it (its other checks fill its row, or it has a
 * startup check of its own and the section asks for one).
 */
export function healthRoom(id: i32, ptr: usize): i32 {
  if (id < 0) return 1;
  resolve(ptr, recordScratch);
  const current = checkOfManifest(id);
  const startup = <i32>serviceStartupCheck[id];
  if (field(recordScratch, CHECK_ROLE) == <i32>ROLE_STARTUP && startup >= 0 && (current < 0 || startup != <i32>checkIndex[current])) {
    return checkStartupTaken(id);
  }
  if (current >= 0) return 0;
  return <i32>serviceCheckCount[id] == CHECKS_PER_SERVICE_MAX ? checksFull(id, CHECKS_PER_SERVICE_MAX + 1) : 1;
}

/** Makes the service's manifest check what the payload at `ptr` says (0: no section, no check). */
export function healthApply(service: i32, ptr: usize): void {
  let check = checkOfManifest(service);
  if (ptr == 0) {
    if (check >= 0) checkLiveRemove(check);
    return;
  }
  const r = recordScratch;
  resolve(ptr, r);
  const kind = field(r, CHECK_KIND) | <i32>CHECK_FROM_MANIFEST;
  const role = field(r, CHECK_ROLE);
  if (check >= 0 && (<i32>checkKind[check] != kind || <i32>checkRole[check] != role)) {
    checkLiveRemove(check); // another kind or role: a new check, judged afresh
    check = -1;
  }
  if (check >= 0) {
    checkLiveRetime(check, r);
    return;
  }
  check = checkTake(service, kind, role);
  checkStoreTiming(check, r);
  checkLiveStart(check);
}
