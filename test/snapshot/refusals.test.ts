// A restore refuses what it cannot trust, with an error naming what it found, and leaves the
// kernel exactly as it was: every refusal below is followed by the memory hash of before.
import { describe, it, expect, beforeAll } from "vitest";
import { Kernel, VirtualHal, MycoError, ERROR_CODES, type ErrorName } from "../../host/index.ts";
import { takeSnapshot, restoreSnapshot, verifySnapshot, snapshotHeader } from "../../host/kernel/snapshot.ts";
import { device, drive, memoryHash, resealed } from "./helpers.ts";

const HEAP_AT = 64 + 8; // the header, the globals' section head; then the globals, the heap's head

let kernel: Kernel;
let bytes: Uint8Array;
let hash: string;
let heapAt: number;

beforeAll(() => {
  const sim = device(21);
  drive(sim, 13, 20);
  kernel = sim.kernel;
  bytes = takeSnapshot(kernel);
  hash = memoryHash(kernel);
  const globals = new DataView(bytes.buffer).getUint32(68, true);
  heapAt = HEAP_AT + globals + 8;
});

function refusal(candidate: Uint8Array, run = restoreSnapshot): MycoError {
  let caught: unknown;
  try { run(kernel, candidate); } catch (error) { caught = error; }
  expect(caught).toBeInstanceOf(MycoError);
  expect(memoryHash(kernel)).toBe(hash);
  return caught as MycoError;
}

function expectRefused(candidate: Uint8Array, name: ErrorName, detail: RegExp): void {
  const error = refusal(candidate);
  expect(error.codeName).toBe(name);
  expect(error.message).toMatch(detail);
}

function edited(edit: (view: DataView, copy: Uint8Array) => void, reseal = true): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer), copy);
  return reseal ? resealed(copy) : copy;
}

describe("a restore refuses", () => {
  it("a damaged byte (the CRC-32 catches it)", () => {
    expectRefused(edited((_, c) => { c[bytes.length >> 1] ^= 0x10; }, false), "E_SNAPSHOT_CORRUPT", /CRC-32 is \d+, its header says \d+/);
  });

  it("a truncated snapshot, at any length", () => {
    for (const length of [63, 100, heapAt - 1, heapAt + 9, bytes.length - 8, bytes.length - 1]) {
      const error = refusal(bytes.slice(0, length));
      expect(error.codeName).toBe("E_SNAPSHOT_CORRUPT");
    }
    expect(() => restoreSnapshot(kernel, new Uint8Array(0))).toThrow(/empty snapshot/);
  });

  it("bytes past the end its header gives", () => {
    const longer = new Uint8Array(bytes.length + 8);
    longer.set(bytes);
    expectRefused(longer, "E_SNAPSHOT_CORRUPT", /past the end|longer than/);
  });

  it("another magic", () => {
    expectRefused(edited((v) => v.setUint32(0, 0x4d43594d, true)), "E_SNAPSHOT_CORRUPT", /MYCS magic/);
  });

  it("a future format version", () => {
    expectRefused(edited((v) => v.setUint16(4, 2, true)), "E_SNAPSHOT_VERSION", /format version 2 is newer than this kernel's 1/);
  });

  it("another build profile's snapshot", () => {
    const bench = new Kernel({ hal: new VirtualHal(), profile: "bench" });
    expectRefused(takeSnapshot(bench), "E_SNAPSHOT_PROFILE", /profile 2 cannot restore into profile 0/);
    expectRefused(edited((v) => v.setUint32(8, 1, true)), "E_SNAPSHOT_PROFILE", /profile 1/);
  });

  it("a build whose tables or globals lie elsewhere (debug and release share profile 0)", () => {
    const debug = new Kernel({ hal: new VirtualHal(), profile: "debug" });
    expect(refusal(takeSnapshot(debug)).codeName).toBe("E_SNAPSHOT_LAYOUT");
    expectRefused(edited((v) => v.setUint32(12, v.getUint32(12, true) ^ 1, true)), "E_SNAPSHOT_LAYOUT", /saves other globals/);
    expectRefused(edited((v) => v.setUint32(24, v.getUint32(24, true) + 8, true)), "E_SNAPSHOT_LAYOUT", /tables lie elsewhere/);
    expectRefused(edited((v) => v.setUint32(16, v.getUint32(16, true) ^ 4, true)), "E_SNAPSHOT_LAYOUT", /layout/);
  });

  it("a wrong section head, total or reserved byte", () => {
    expectRefused(edited((v) => v.setUint32(64, 7, true)), "E_SNAPSHOT_CORRUPT", /section head at 64 says id 7/);
    expectRefused(edited((v) => v.setUint32(heapAt - 4, 16, true)), "E_SNAPSHOT_CORRUPT", /section head/);
    expectRefused(edited((v) => v.setUint32(28, 3, true)), "E_SNAPSHOT_CORRUPT", /3 sections/);
    expectRefused(edited((v) => v.setUint8(40, 1)), "E_SNAPSHOT_CORRUPT", /byte 40 is reserved/);
  });

  it("a heap block header that is not this kernel's, even with a matching CRC", () => {
    expectRefused(edited((v) => v.setUint32(heapAt + 4, v.getUint32(heapAt + 4, true) + 16, true)), "E_SNAPSHOT_CORRUPT", /heap block at \d+/);
  });

  it("bytes in a region a snapshot leaves out (the I/O buffer)", () => {
    const io = kernel.exports.snapshotLeftOut(0, 0) - snapshotHeader(bytes).heapAddress;
    expectRefused(edited((_, c) => { c[heapAt + io + 100] = 1; }), "E_SNAPSHOT_CORRUPT", /left-out region/);
  });

  it("an index out of its table's range, even with a matching CRC", () => {
    // 0xffff written over heap words: where one lands in a checked column (an instance's
    // service, a service's slots, an edge's ends, ...) the restore names the column and value.
    let outOfRange = 0;
    let step = 2;
    for (let at = heapAt + 64; at < bytes.length - 2; at += step) {
      step = 2 + ((at * 2654435761) >>> 0) % 1500 * 2;
      const candidate = edited((v) => v.setUint16(at & ~1, 0xffff, true));
      try { verifySnapshot(kernel, candidate); } catch (error) {
        expect(error).toBeInstanceOf(MycoError);
        if ((error as MycoError).codeName === "E_SNAPSHOT_STATE") {
          outOfRange++;
          expect((error as MycoError).message).toMatch(/checked column \d+ holds -?\d+, outside its table's range/);
        }
      }
    }
    expect(outOfRange).toBeGreaterThan(0);
    expect(memoryHash(kernel)).toBe(hash);
  });

  it("an apply before a complete verify, and chunks out of order", () => {
    const x = kernel.exports;
    const io = kernel.io();
    expect(x.snapshotTake()).toBe(bytes.length); // a take ends any restore session
    io.set(bytes.subarray(0, io.length & ~7));
    expect(x.snapshotRestore(0, io.length & ~7, 1)).toBe(ERROR_CODES.E_SNAPSHOT_UNVERIFIED.code);
    expect(x.snapshotRestore(io.length & ~7, 8, 0)).toBe(ERROR_CODES.E_SNAPSHOT_SEQUENCE.code);
    expect(x.snapshotRestore(0, io.length & ~7, 0)).toBe(0);
    expect(x.snapshotRestore(2 * (io.length & ~7), 8, 0)).toBe(ERROR_CODES.E_SNAPSHOT_SEQUENCE.code);
    expect(x.snapshotRestore(0, 12, 0)).toBe(ERROR_CODES.E_SNAPSHOT_CORRUPT.code);
    const other = edited((v) => v.setUint32(1024, v.getUint32(1024, true) ^ 1, true)); // verified, then another applied
    verifySnapshot(kernel, bytes);
    io.set(other.subarray(0, io.length & ~7));
    expect(x.snapshotRestore(0, io.length & ~7, 1)).toBe(ERROR_CODES.E_SNAPSHOT_UNVERIFIED.code);
    expect(x.snapshotRead(4)).toBe(ERROR_CODES.E_SNAPSHOT_SEQUENCE.code);
    expect(memoryHash(kernel)).toBe(hash);
  });
});
