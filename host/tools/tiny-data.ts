// The tiny profile's static data without what nothing reads. binaryen removes dead code but
// keeps every data segment (it cannot know what the memory's readers reach), so the strings and
// arrays of the code tiny leaves out stay: names of states and kinds, "true"/"false", a
// pattern's "regex:" (224 bytes in 9 segments). And each static object carries its allocator
// header, a 1-byte segment of its own (mmInfo), that only the allocator's free and realloc read.
//
// A segment is read when the code names an address within it (or just before it: its header),
// as an `i32.const` or a load/store offset, or when a read segment holds such an address (an
// array of strings). The other segments go, and so do the mmInfo segments when the module has
// no free or realloc, and the objects' rtId words when nothing reads a type id (only the rtSize
// before an object's payload is read: its `.length`). Runs after the optimizer, so the code left
// is the code that reads.
import binaryen from "binaryen";

/** asc's static object: mmInfo, gcInfo, gcInfo2 (zero, so no segment), rtId, rtSize, payload. */
const OBJECT_HEADER_BYTES = 20;
const MMINFO_TO_RTID = 12;
/** The allocator's functions that read a block's mmInfo (std/assembly/rt/stub.ts). */
const MMINFO_READERS = ["~lib/rt/stub/__free", "~lib/rt/stub/__realloc", "~lib/rt/stub/__renew"];
/** The functions that read an object's rtId: asc's `instanceof` helpers and the runtime's type info. */
const RTID_READER = /instanceof|__typeinfo/;

interface Segment { offset: number; data: Uint8Array; passive: boolean; read: boolean }

/** Drops the data segments nothing reads (see the file); returns the bytes of data dropped. The
 *  segments from `heapStart` on are the objects the build placed in the heap (tiny-objects.ts):
 *  kept, and without headers (the optimizer splits them where they hold zeros). */
export function dropUnreadData(module: binaryen.Module, heapStart: number): number {
  const segments: Segment[] = memorySegments(module).map((segment) => ({ ...segment, read: false }));
  if (segments.some((segment) => segment.passive)) return 0; // (asc emits active segments only; a passive one is read by index)
  const addresses = codeAddresses(module);
  const reaches = (segment: Segment, address: number) =>
    address >= segment.offset - OBJECT_HEADER_BYTES && address < segment.offset + segment.data.byteLength;
  const isStatic = (segment: Segment) => segment.offset < heapStart;
  const isMmInfo = (segment: Segment) =>
    isStatic(segment) && segment.data.byteLength <= 4 && segments.some((other) => other.offset === segment.offset + MMINFO_TO_RTID);
  const found: Segment[] = [];
  // A table without a header (`memory.data`) read by index: its code names only its start, and the
  // optimizer split it where it holds zeros. The segment after a read one is read too, unless it
  // starts the next object (its mmInfo).
  const byOffset = [...segments].sort((a, b) => a.offset - b.offset);
  const markRead = (segment: Segment) => {
    for (let at = byOffset.indexOf(segment); at < byOffset.length && !byOffset[at].read; at++) {
      const piece = byOffset[at];
      if (piece !== segment && (!isStatic(piece) || isMmInfo(piece) || isMmInfo(segment))) break;
      piece.read = true;
      found.push(piece);
    }
  };
  for (const segment of segments) {
    if (!segment.read && (!isStatic(segment) || addresses.some((address) => reaches(segment, address)))) markRead(segment);
  }
  while (found.length > 0) { // the addresses a read segment holds
    const { data } = found.pop()!;
    const words = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let at = 0; at + 4 <= data.byteLength; at += 4) {
      const address = words.getInt32(at, true);
      for (const segment of segments) {
        if (!segment.read && reaches(segment, address)) markRead(segment);
      }
    }
  }
  const freeable = MMINFO_READERS.some((name) => module.getFunction(name) !== 0);
  const objectRead = (header: Segment) => segments.some((other) => other.read && other.offset === header.offset + MMINFO_TO_RTID);
  const kept = segments.filter((segment) => isMmInfo(segment) ? freeable && objectRead(segment) : segment.read);
  if (!functionNames(module).some((name) => RTID_READER.test(name))) {
    for (const segment of kept) { // an object's first word, its rtId: nothing reads it
      if (!isStatic(segment) || !segments.some((header) => isMmInfo(header) && header.offset + MMINFO_TO_RTID === segment.offset)) continue;
      segment.offset += 4;
      segment.data = segment.data.subarray(4);
    }
  }
  replaceSegments(module, kept.filter((segment) => segment.data.byteLength > 0));
  return segments.reduce((bytes, segment) => bytes + segment.data.byteLength, 0) - kept.reduce((bytes, segment) => bytes + segment.data.byteLength, 0);
}

function functionNames(module: binaryen.Module): string[] {
  const names: string[] = [];
  for (let f = 0; f < module.getNumFunctions(); f++) names.push(binaryen.getFunctionInfo(module.getFunctionByIndex(f)).name);
  return names;
}

/** Every constant and load/store offset in the code, the globals' initializers and the table. */
function codeAddresses(module: binaryen.Module): number[] {
  const text = module.emitText().split("\n").filter((line) => !line.trimStart().startsWith("(data")).join("\n");
  const addresses = new Set<number>();
  for (const match of text.matchAll(/i32\.const (-?\d+)|offset=(\d+)/g)) addresses.add(Number(match[1] ?? match[2]));
  return [...addresses];
}

/** The module's data segments, their offsets as numbers (binaryen types them as expressions). */
export function memorySegments(module: binaryen.Module): Pick<Segment, "offset" | "data" | "passive">[] {
  const segments = [];
  for (let i = 0; i < module.getNumMemorySegments(); i++) {
    const { offset, data, passive } = module.getMemorySegmentInfoByIndex(i);
    segments.push({ offset: offset as unknown as number, data: new Uint8Array(data), passive });
  }
  return segments;
}

/** The module's memory with `segments` as its only data. */
export function replaceSegments(module: binaryen.Module, segments: Pick<Segment, "offset" | "data" | "passive">[]): void {
  let exported: string | null = null;
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind === binaryen.ExternalMemory) { exported = info.name; module.removeExport(info.name); break; }
  }
  const memory = module.getMemoryInfo();
  module.setMemory(memory.initial, memory.max ?? memory.initial, exported,
    segments.map(({ offset, data, passive }) => ({ offset: module.i32.const(offset), data, passive })), memory.shared, memory.is64);
}
