// The dump: the kernel's view of its configuration, written back in the blob format (into the
// staging slot), so a host can decode it and compare it with the manifest it compiled. Secrets
// are redacted (FLAG_REDACTED, no value bytes): a dump never carries one, so it is not loadable.
import { SERVICES_MAX, MANIFEST_BYTES_MAX } from "../limits";
import { E_MANIFEST_TOO_LARGE } from "../errors";
import {
  serviceUsed, serviceNames, serviceType, serviceTags, serviceInstanceCount,
} from "../registry/services";
import { timeoutsResolve, timeoutsReadRecord, TIMEOUTS_RECORD_BYTES } from "../registry/timeouts";
import { recordDefaults, recordScratch } from "../util/record";
import { tagNames } from "../registry/tags";
import { firstDependency, edgeNextOut, edgeTo, edgeKind, edgeCondition, NO_EDGE } from "../graph/edges";
import { sectionStart, sectionEnd } from "../config/store";
import { parseConfig, cfgValueAt, FLAG_SECRET, FLAG_REDACTED } from "../config/schema";
import { fail } from "../util/detail";
import {
  MAGIC, FORMAT_VERSION, HEADER_BYTES, RECORD_HEADER_BYTES, H_VERSION, H_HEADER, H_TOTAL,
  H_CHECKSUM, H_SERIAL, H_SERVICES, H_FLAGS, CHECKSUM_FROM, TAG_SERVICE, TAG_INSTANCES, TAG_TIMEOUTS, TAG_TAG,
  TAG_DEPENDENCY, TAG_CONFIG, crc32,
} from "./format";
import { nextRecord, findRecord } from "./reader";
import { slotPtr, stagingSlot, currentSlot } from "./slots";
import { manifestSerial } from "./apply";

const dumpIndex = new StaticArray<u16>(SERVICES_MAX);
let out: usize = 0;
let length: i32 = 0;
let overflow: bool = false;
let dumpLength: i32 = 0;

function room(n: i32): bool {
  if (length + n > MANIFEST_BYTES_MAX) { overflow = true; return false; }
  return true;
}

function record(tag: u8, size: i32): usize {
  if (!room(RECORD_HEADER_BYTES + size)) return 0;
  const at = out + <usize>length;
  store<u8>(at, tag);
  store<u16>(at, <u16>size, 1);
  length += RECORD_HEADER_BYTES + size;
  return at + RECORD_HEADER_BYTES;
}

function copyRecord(src: usize): void {
  const size = <i32>load<u16>(src, 1);
  if (!room(RECORD_HEADER_BYTES + size)) return;
  memory.copy(out + <usize>length, src, <usize>(RECORD_HEADER_BYTES + size));
  length += RECORD_HEADER_BYTES + size;
}

function dumpService(id: i32): void {
  const nameLength = serviceNames.nameLength(id);
  let at = record(TAG_SERVICE, 1 + nameLength);
  if (at == 0) return;
  store<u8>(at, serviceType[id]);
  memory.copy(at + 1, serviceNames.namePtr(id), <usize>nameLength);
  at = record(TAG_INSTANCES, 2);
  if (at != 0) store<u16>(at, serviceInstanceCount[id]);
  dumpTimeouts(id);
  let tags = serviceTags[id];
  while (tags != 0) {
    const tag = <i32>ctz(tags);
    tags &= tags - 1;
    at = record(TAG_TAG, tagNames.nameLength(tag));
    if (at != 0) memory.copy(at, tagNames.namePtr(tag), <usize>tagNames.nameLength(tag));
  }
  for (let e = firstDependency[id]; e != NO_EDGE; e = edgeNextOut[e]) {
    at = record(TAG_DEPENDENCY, 4);
    if (at == 0) return;
    store<u16>(at, dumpIndex[<i32>edgeTo[e]]);
    store<u8>(at, edgeKind[e], 2);
    store<u8>(at, edgeCondition[e], 3);
  }
  if (sectionStart[id] >= 0 && currentSlot >= 0) dumpSection(id);
}

const heldTimeouts = recordScratch;
const blobTimeouts = recordScratch + <usize>TIMEOUTS_RECORD_BYTES;

/** TIMEOUTS: the blob's record (or none) while it still says what the kernel holds, so the
 *  defaults stay defaults; the values held once the ABI changed them. */
function dumpTimeouts(id: i32): void {
  timeoutsReadRecord(id, heldTimeouts);
  const blob = currentSlot >= 0 && sectionStart[id] >= 0 ? slotPtr(currentSlot) : 0;
  const offset = blob == 0 ? -1 : findRecord(blob, sectionStart[id], sectionEnd[id], TAG_TIMEOUTS);
  timeoutsResolve(offset < 0 ? recordDefaults : blob + <usize>(offset + RECORD_HEADER_BYTES), blobTimeouts);
  if (memory.compare(heldTimeouts, blobTimeouts, TIMEOUTS_RECORD_BYTES) == 0) {
    if (offset >= 0) copyRecord(blob + <usize>offset);
    return;
  }
  const at = record(TAG_TIMEOUTS, TIMEOUTS_RECORD_BYTES);
  if (at != 0) memory.copy(at, heldTimeouts, TIMEOUTS_RECORD_BYTES);
}

/** Config (secrets redacted), addresses and ancillary records, from the current blob. */
function dumpSection(id: i32): void {
  const blob = slotPtr(currentSlot);
  for (let offset = sectionStart[id]; offset < sectionEnd[id]; offset = nextRecord(blob, offset)) {
    const tag = load<u8>(blob + <usize>offset);
    if (tag == TAG_SERVICE || tag == TAG_INSTANCES || tag == TAG_TIMEOUTS || tag == TAG_TAG || tag == TAG_DEPENDENCY) continue;
    const src = blob + <usize>offset;
    const payload = src + RECORD_HEADER_BYTES;
    if (tag == TAG_CONFIG && (load<u8>(payload, 1) & FLAG_SECRET) != 0) {
      parseConfig(payload, <i32>load<u16>(src, 1));
      const keep = cfgValueAt;
      const at = record(TAG_CONFIG, keep + 1);
      if (at == 0) return;
      memory.copy(at, payload, <usize>keep);
      store<u8>(at, load<u8>(payload, 1) | FLAG_REDACTED, 1);
      store<u8>(at + <usize>keep, 0);
      continue;
    }
    copyRecord(src);
  }
}

/** Builds the dump in the staging slot; returns its length. */
export function manifestDump(): i32 {
  out = slotPtr(stagingSlot);
  length = HEADER_BYTES;
  overflow = false;
  let count = 0;
  for (let id = 0; id < SERVICES_MAX; id++) if (serviceUsed[id]) { dumpIndex[id] = <u16>count; count++; }
  for (let id = 0; id < SERVICES_MAX && !overflow; id++) if (serviceUsed[id]) dumpService(id);
  if (overflow) {
    dumpLength = 0;
    return fail(E_MANIFEST_TOO_LARGE).text("the dump does not fit the ").int(MANIFEST_BYTES_MAX).text("-byte manifest slot").code();
  }
  store<u32>(out, MAGIC);
  store<u16>(out + <usize>H_VERSION, FORMAT_VERSION);
  store<u16>(out + <usize>H_HEADER, <u16>HEADER_BYTES);
  store<u32>(out + <usize>H_TOTAL, length);
  store<u32>(out + <usize>H_SERIAL, manifestSerial());
  store<u16>(out + <usize>H_SERVICES, <u16>count);
  store<u16>(out + <usize>H_FLAGS, 0);
  store<u32>(out + <usize>H_CHECKSUM, crc32(out + <usize>CHECKSUM_FROM, length - CHECKSUM_FROM));
  dumpLength = length;
  return length;
}

/** Copies dump bytes from `offset` on (at most `capacity`) to `dst`; returns how many. */
export function manifestDumpCopy(offset: i32, dst: usize, capacity: i32): i32 {
  if (offset < 0 || offset >= dumpLength) return 0;
  const n = min(capacity, dumpLength - offset);
  memory.copy(dst, slotPtr(stagingSlot) + <usize>offset, <usize>n);
  return n;
}
