// Manifest exports (re-exported by index.ts). A blob reaches the kernel in chunks through the
// I/O buffer (manifestStage), then manifestLoad validates and applies it atomically.
import { IO_BUFFER_BYTES, MANIFEST_BYTES_MAX } from "../limits";
import { E_IO_LENGTH } from "../errors";
import { ioPtr, ioFits } from "../io";
import { fail } from "../util/detail";
import { clockRefresh } from "../clock";
import { settle } from "../loop";
import { stage } from "./slots";
import { manifestLoadStaged, manifestRollback as rollback, manifestRevision as revision, manifestSerial as serial, manifestPendingCount } from "./apply";
import { manifestErrorOffset as errorOffset } from "./blob-tables";
import { manifestDump as dump, manifestDumpCopy } from "./dump";
import { checkService } from "../registry/services";
import { checkOfManifest, NO_CHECK } from "../health/checks";

/** Copies `length` bytes from the I/O buffer into the staging slot at `offset`. */
export function manifestStage(offset: i32, length: i32): i32 {
  if (!ioFits(0, length)) return fail(E_IO_LENGTH).text("chunk of ").int(length).text(" bytes is outside the I/O buffer").code();
  return stage(offset, ioPtr(), length);
}

/**
 * Validates the `length` staged bytes and applies them; returns the new revision. On any error
 * nothing changed: the detail names the service, field and value, manifestErrorOffset the offset.
 */
export function manifestLoad(length: i32): i32 {
  clockRefresh();
  if (length < 0) return fail(E_IO_LENGTH).text("manifest length ").int(length).text(" is negative").code();
  const result = manifestLoadStaged(length);
  settle();
  return result;
}

/** Back to the previous version (the current one becomes the previous); returns the revision. */
export function manifestRollback(): i32 {
  clockRefresh();
  const result = rollback();
  settle();
  return result;
}

export function manifestRevision(): u32 { return revision(); }
export function manifestSerial(): u32 { return serial(); }
export function manifestErrorOffset(): i32 { return errorOffset(); }
export function manifestCapacity(): i32 { return MANIFEST_BYTES_MAX; }
/** Services with a removal, resize or restart waiting for them to come to rest. */
export function manifestPending(): i32 { return manifestPendingCount(); }

/** Builds the dump (blob format, secrets redacted) in the staging slot; returns its length. */
export function manifestDump(): i32 { return dump(); }

/** Copies dump bytes from `offset` into the I/O buffer; returns how many. */
export function manifestDumpRead(offset: i32): i32 { return manifestDumpCopy(offset, ioPtr(), IO_BUFFER_BYTES); }

/** The id of the check the service's HEALTH section made (the host runs it); 65535 when none. */
export function manifestCheck(service: i32): i32 {
  const bad = checkService(service);
  if (bad < 0) return bad;
  const check = checkOfManifest(service);
  return check < 0 ? <i32>NO_CHECK : check;
}
