// The configuration records' exported ABI (re-exported by index.ts): one call applies a whole
// section, one reads it back. Layouts and defaults: docs/abi-records.md, docs/defaults.md.
import { OK } from "../errors";
import { ioPtr } from "../io";
import { checkService } from "../registry/services";
import { recordLengthValid, recordScratch } from "../util/record";
import {
  sectionKnown, sectionBytes, sectionResolve, sectionValid, sectionValidHere, sectionApply, sectionRead,
} from "./sections";

/**
 * Applies the configuration record of `section` (0 timeouts, 1 balance, 2 breaker, 3 outlier,
 * 4 recovery) written to the buffer: i32 fields, -1 in a field is the kernel's default;
 * `length` must be the section's size (8, 24, 40, 20, 104). The whole record is checked before
 * anything changes, whatever order its fields were filled in.
 */
export function recordApply(service: i32, section: i32, length: i32): i32 {
  let bad = checkService(service);
  if (bad == OK) bad = sectionKnown(section);
  if (bad == OK) bad = recordLengthValid("section", length, sectionBytes(section));
  if (bad < 0) return bad;
  sectionResolve(section, ioPtr(), recordScratch);
  bad = sectionValid(section, service, recordScratch);
  if (bad == OK) bad = sectionValidHere(section, service, recordScratch);
  return bad < 0 ? bad : sectionApply(section, service, recordScratch);
}

/** Writes the service's effective record of `section` (every default filled in) to the buffer; returns its length. */
export function recordRead(service: i32, section: i32): i32 {
  let bad = checkService(service);
  if (bad == OK) bad = sectionKnown(section);
  return bad < 0 ? bad : sectionRead(section, service, ioPtr());
}
