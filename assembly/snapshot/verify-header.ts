// The first checks of a restore, on its first chunk: the header against this kernel (magic,
// format version, profile, globals fingerprint, heap layout, sections, length, reserved bytes)
// and the two section heads. Each refusal names the value found and the one expected.
import { E_SNAPSHOT_CORRUPT, E_SNAPSHOT_VERSION, E_SNAPSHOT_PROFILE, E_SNAPSHOT_LAYOUT } from "../errors";
import { PROFILE } from "../limits";
import { fail } from "../util/detail";
import { globalsFingerprint } from "./globals";
import { HEADER_BYTES, geoHeapStart, geoHeapBytes, geoTotal, layoutHash } from "./image";
import {
  MAGIC, FORMAT_VERSION, SECTIONS, AT_VERSION, AT_HEADER_BYTES, AT_PROFILE, AT_FINGERPRINT, AT_LAYOUT, AT_HEAP_ADDRESS,
  AT_HEAP_BYTES, AT_SECTIONS, AT_TOTAL, AT_RESERVED, headAt, headId, headBytes,
} from "./header";

export function headerCheck(chunk: usize, length: i32): i32 {
  if (length < HEADER_BYTES) return fail(E_SNAPSHOT_CORRUPT).text("snapshot of ").int(length).text(" bytes is shorter than its header").code();
  if (load<u32>(chunk) != MAGIC) return fail(E_SNAPSHOT_CORRUPT).text("snapshot does not start with the MYCS magic").code();
  const version = <u32>load<u16>(chunk + <usize>AT_VERSION);
  if (version != FORMAT_VERSION) {
    return fail(E_SNAPSHOT_VERSION).text("snapshot format version ").int(version).text(version > FORMAT_VERSION ? " is newer than" : " is not")
      .text(" this kernel's ").int(FORMAT_VERSION).code();
  }
  if (<i32>load<u16>(chunk + <usize>AT_HEADER_BYTES) != HEADER_BYTES) return fail(E_SNAPSHOT_CORRUPT).text("snapshot header length is not 64").code();
  const profile = load<u32>(chunk + <usize>AT_PROFILE);
  if (profile != <u32>PROFILE) {
    return fail(E_SNAPSHOT_PROFILE).text("snapshot of build profile ").int(profile).text(" cannot restore into profile ").int(PROFILE).code();
  }
  const fingerprint = load<u32>(chunk + <usize>AT_FINGERPRINT);
  if (fingerprint != globalsFingerprint()) {
    return fail(E_SNAPSHOT_LAYOUT).text("snapshot's kernel saves other globals (fingerprint ").int(fingerprint).text(", this kernel ")
      .int(globalsFingerprint()).text(")").code();
  }
  const heapAt = load<u32>(chunk + <usize>AT_HEAP_ADDRESS);
  const heapLength = load<u32>(chunk + <usize>AT_HEAP_BYTES);
  const layout = load<u32>(chunk + <usize>AT_LAYOUT);
  if (heapAt != <u32>geoHeapStart || heapLength != <u32>geoHeapBytes || layout != layoutHash()) {
    return fail(E_SNAPSHOT_LAYOUT).text("snapshot's tables lie elsewhere: heap at ").int(heapAt).text(", ").int(heapLength)
      .text(" bytes, layout ").int(layout).text("; this kernel's at ").int(geoHeapStart).text(", ").int(geoHeapBytes).text(" bytes, layout ")
      .int(layoutHash()).code();
  }
  const sections = load<u32>(chunk + <usize>AT_SECTIONS);
  const total = load<u32>(chunk + <usize>AT_TOTAL);
  if (sections != SECTIONS || total != <u32>geoTotal) {
    return fail(E_SNAPSHOT_CORRUPT).text("snapshot header gives ").int(sections).text(" sections, ").int(total)
      .text(" bytes; this kernel's has ").int(SECTIONS).text(", ").int(geoTotal).code();
  }
  for (let at = AT_RESERVED; at < HEADER_BYTES; at++) {
    if (load<u8>(chunk + <usize>at) != 0) return fail(E_SNAPSHOT_CORRUPT).text("snapshot header byte ").int(at).text(" is reserved and not zero").code();
  }
  return 0;
}

/** The globals' and the heap's section heads, both in the first chunk. */
export function headsCheck(chunk: usize): i32 {
  for (let k = 0; k < 2; k++) {
    const at = chunk + <usize>headAt(k);
    const id = load<u32>(at);
    const bytes = load<u32>(at + 4);
    if (id != headId(k) || bytes != <u32>headBytes(k)) {
      return fail(E_SNAPSHOT_CORRUPT).text("snapshot section head at ").int(headAt(k)).text(" says id ").int(id).text(", ")
        .int(bytes).text(" bytes; expected id ").int(headId(k)).text(", ").int(headBytes(k)).code();
    }
  }
  return 0;
}
