// The RESOURCES section (`resources:` and `priority:` in services.yaml): its payload is the
// RESOURCES record (resources/record.ts) in its sparse form; the UNITS section names the units
// the service needs (u8 n, then n times u8 length and the name bytes), interned into the node's
// unit table, so the record's units field comes from the names, not from the blob. Applied on
// every load, in place: a running service keeps what it holds; its next admission and its next
// usage sample go by the new record. Only in a profile with the resources layer (features.ts);
// without it both tags are skipped like any unknown ancillary tag.
import { OK, E_MANIFEST_RECORD } from "../../errors";
import { RESOURCE_UNITS_MAX } from "../../limits";
import { fail } from "../../util/detail";
import { SERVICE_SUBJECT, sayService } from "../../registry/services";
import { validateName } from "../../registry/names";
import { fieldSet, sparseFits, sparseBytes, sparseExpand } from "../../util/record";
import { node } from "../../resources/tables";
import {
  resourcesResolve, resourcesValid, resourcesApplyRecord, RESOURCES_FIELDS, RES_UNITS,
} from "../../resources/record";
import { unitIntern } from "../../resources/units";

export function resourcesFits(ptr: usize, size: i32): bool {
  return sparseFits(ptr, size, RESOURCES_FIELDS) && sparseBytes(ptr) == size;
}

/** The payload at `ptr` of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function resourcesSectionValid(ptr: usize): i32 {
  const scratch = changetype<usize>(node.scratch);
  sparseExpand(ptr, RESOURCES_FIELDS, scratch);
  resourcesResolve(scratch, scratch);
  return resourcesValid(SERVICE_SUBJECT, scratch);
}

/** Whether the UNITS payload's names exactly fill `size` bytes. */
export function unitsFits(ptr: usize, size: i32): bool {
  if (size < 1) return false;
  const n = <i32>load<u8>(ptr);
  let at = 1;
  for (let k = 0; k < n; k++) {
    if (at >= size) return false;
    at += 1 + <i32>load<u8>(ptr + <usize>at);
  }
  return at == size;
}

/** Each name valid, at most RESOURCE_UNITS_MAX, and known to the node or with room to be interned. */
export function unitsSectionValid(ptr: usize): i32 {
  const n = <i32>load<u8>(ptr);
  let fresh = 0;
  let at = 1;
  for (let k = 0; k < n; k++) {
    const length = <i32>load<u8>(ptr + <usize>at);
    const name = ptr + <usize>(at + 1);
    const bad = validateName(name, length, "unit");
    if (bad < 0) return bad;
    if (node.unitNames.find(name, length) < 0) fresh++;
    if (node.unitCount + fresh > RESOURCE_UNITS_MAX) {
      return sayService(fail(E_MANIFEST_RECORD).text("service "), SERVICE_SUBJECT).text(": unit '").raw(name, length)
        .text("' does not fit the node's ").int(RESOURCE_UNITS_MAX).text(" units").code();
    }
    at += 1 + length;
  }
  return OK;
}

function unitsMask(ptr: usize): i32 {
  if (ptr == 0) return 0;
  const n = <i32>load<u8>(ptr);
  let mask = 0;
  let at = 1;
  for (let k = 0; k < n; k++) {
    const length = <i32>load<u8>(ptr + <usize>at);
    const unit = unitIntern(ptr + <usize>(at + 1), length);
    if (unit >= 0) mask |= 1 << unit; // (validated: the table has room)
    at += 1 + length;
  }
  return mask;
}

/** Sets the service's resources as the payloads say (0: no section, the defaults). */
export function resourcesSectionApply(service: i32, ptr: usize, units: usize): void {
  const scratch = changetype<usize>(node.scratch);
  if (ptr != 0) sparseExpand(ptr, RESOURCES_FIELDS, scratch);
  resourcesResolve(ptr == 0 ? 0 : scratch, scratch);
  fieldSet(scratch, RES_UNITS, unitsMask(units));
  resourcesApplyRecord(service, scratch);
}
