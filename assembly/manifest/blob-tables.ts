// The scratch tables a blob's validation fills (reserved at init), the blob being read, and the
// error offset: shared by the validation (validate.ts), its reference and graph checks
// (references.ts), the diff and the apply. Only validation writes them, through the calls below.
import { SERVICES_MAX, EDGES_MAX, NAME_INDEX_SLOTS, TAGS_MAX } from "../limits";
import { NameTable } from "../registry/names";
import { Detail } from "../util/detail";
import { serviceSubject } from "../registry/services";
import { WITH_SENTENCES } from "../features";

// ---- the blob's services (by blob index) --------------------------------------------------

export const blobServiceAt = new StaticArray<i32>(SERVICES_MAX);
export const blobServiceEnd = new StaticArray<i32>(SERVICES_MAX);
export const blobType = new StaticArray<u8>(SERVICES_MAX);
export const blobInstances = new StaticArray<u16>(SERVICES_MAX);
export const blobStartMs = new StaticArray<i32>(SERVICES_MAX);
export const blobStopMs = new StaticArray<i32>(SERVICES_MAX);
export const blobConfigCount = new StaticArray<u16>(SERVICES_MAX);
export const blobNames = new NameTable(SERVICES_MAX, NAME_INDEX_SLOTS);
export let blobServiceCount: i32 = 0;
export let blobConfigTotal: i32 = 0;

// Dependencies (edge i: from -> to), and the distinct tags of the blob.
export const depFrom = new StaticArray<u16>(EDGES_MAX);
export const depTo = new StaticArray<u16>(EDGES_MAX);
export const depKind = new StaticArray<u8>(EDGES_MAX);
export const depCondition = new StaticArray<u8>(EDGES_MAX);
export let depCount: i32 = 0;
export const blobTags = new NameTable(TAGS_MAX, TAGS_MAX * 2);
export let blobTagCount: i32 = 0;

export let blobBase: usize = 0;
let errorOffset: i32 = -1;

/** A validation begins: the blob at `ptr`, empty tables, no error offset. */
export function blobTablesBegin(ptr: usize): void {
  blobBase = ptr;
  errorOffset = -1;
  blobServiceCount = 0; blobConfigTotal = 0; depCount = 0; blobTagCount = 0;
  blobNames.clear();
  blobTags.clear();
}

/** The next blob service index, the next distinct tag, the next dependency (capacity checked by the caller). */
export function blobServiceTake(): i32 { return blobServiceCount++; }
export function blobTagTake(): i32 { return blobTagCount++; }
export function depTake(): i32 { return depCount++; }
export function blobConfigCounted(): void { blobConfigTotal++; }

/** The blob offset of the record the last load error is about (-1: none or the header). */
export function manifestErrorOffset(): i32 { return errorOffset; }

/** Ends an error detail with the offset, records it, and returns the code. */
export function at(d: Detail, offset: i32): i32 {
  errorOffset = offset;
  return d.text(" (at offset ").int(offset).text(")").code();
}

export function sayBlobService(d: Detail, index: i32): Detail {
  if (!WITH_SENTENCES) return d; // without sentences (tiny) the name is not read: its loads would stay in every error path
  return d.text("service '").raw(blobNames.namePtr(index), blobNames.nameLength(index)).text("'");
}

/** Blob service `index` is the one the layers' error sentences name (SERVICE_SUBJECT). */
export function blobSubject(index: i32): void {
  if (WITH_SENTENCES) serviceSubject(blobNames.namePtr(index), blobNames.nameLength(index)); // (tiny: no sentence reads it)
}

export function u16At(offset: i32): i32 { return <i32>load<u16>(blobBase + <usize>offset); }
@inline export function u32At(offset: i32): u32 { return load<u32>(blobBase + <usize>offset); }
@inline export function i32At(offset: i32): i32 { return load<i32>(blobBase + <usize>offset); }
