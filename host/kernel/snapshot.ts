// Typed wrapper over the kernel's snapshot and restore (assembly/snapshot/, docs/snapshot-format.md):
// take the whole kernel state out as bytes, restore it into a kernel of the same profile and
// layout (verify pass, then apply pass over the same bytes), and upgrade a running kernel to a
// new module under the same host. The kernel decides what is valid; this only moves the chunks.
import type { Kernel } from "./kernel.ts";
import { MycoError, ERROR_CODES } from "./errors.ts";
import { kernelExports, type KernelExports } from "./exports.ts";

const decoder = new TextDecoder();

/** The header fields of a snapshot (little-endian, docs/snapshot-format.md). */
export interface SnapshotHeader {
  version: number;
  profile: number;
  fingerprint: number;
  layout: number;
  heapAddress: number;
  heapBytes: number;
  sections: number;
  totalBytes: number;
  crc: number;
}

export const SNAPSHOT_MAGIC = 0x5343594d; // "MYCS"
export const SNAPSHOT_HEADER_BYTES = 64;
/** Byte offset of the CRC-32 in the header (it covers every other byte of the snapshot). */
export const SNAPSHOT_CRC_AT = 36;

export function snapshotHeader(bytes: Uint8Array): SnapshotHeader {
  if (bytes.length < SNAPSHOT_HEADER_BYTES) throw new Error(`a snapshot of ${bytes.length} bytes has no 64-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== SNAPSHOT_MAGIC) throw new Error("the bytes do not start with the MYCS snapshot magic");
  const u32 = (at: number) => view.getUint32(at, true);
  return {
    version: view.getUint16(4, true), profile: u32(8), fingerprint: u32(12), layout: u32(16), heapAddress: u32(20),
    heapBytes: u32(24), sections: u32(28), totalBytes: u32(32), crc: u32(36),
  };
}

/** A kernel module instance's exports and I/O buffer: a running Kernel's, or a successor's not yet adopted. */
interface Port {
  x: KernelExports;
  io: Uint8Array;
}

function portOf(kernel: Kernel): Port { return { x: kernel.exports, io: kernel.io() }; }

function portOfInstance(instance: WebAssembly.Instance): Port {
  const x = kernelExports(instance);
  return { x, io: new Uint8Array(x.memory.buffer, x.ioBuffer(), x.ioCapacity()) };
}

function check(port: Port, status: number): number {
  if (status >= 0) return status;
  throw new MycoError(status, decoder.decode(port.io.subarray(0, port.x.errorDetail())));
}

/** The kernel's whole state as bytes. Nothing else may call the kernel while this runs (it does not yield). */
export function takeSnapshot(kernel: Kernel): Uint8Array { return take(portOf(kernel)); }

function take(port: Port): Uint8Array {
  const staging = new Uint8Array(check(port, port.x.snapshotTake()));
  readOut(port, staging, staging.length);
  return staging;
}

/** Reads the snapshot just taken (`total` bytes) into `into`, chunk by chunk through the I/O buffer. */
function readOut(port: Port, into: Uint8Array, total: number): void {
  for (let offset = 0; offset < total;) {
    const n = check(port, port.x.snapshotRead(offset));
    into.set(port.io.subarray(0, n), offset);
    offset += n;
  }
}

/**
 * Restores `bytes` into `kernel`: the kernel verifies the whole snapshot first (it changes
 * nothing and throws MycoError naming what it refused), then applies the same bytes.
 */
export function restoreSnapshot(kernel: Kernel, bytes: Uint8Array): void {
  const port = portOf(kernel);
  feed(port, bytes, 0);
  feed(port, bytes, 1);
  kernel.forgetNames(); // the restored state may give ids other names
}

/** Verifies `bytes` against `kernel` without changing it; throws MycoError when refused. */
export function verifySnapshot(kernel: Kernel, bytes: Uint8Array): void { feed(portOf(kernel), bytes, 0); }

/** One pass: chunks of the I/O buffer's capacity (a multiple of 8) in order. */
function feed(port: Port, bytes: Uint8Array, apply: 0 | 1): void {
  pass(port, bytes.length, apply, (offset, n) => bytes.subarray(offset, offset + n));
}

/** One pass over `length` bytes, each chunk's bytes from `chunkAt(offset, n)`. */
function pass(port: Port, length: number, apply: 0 | 1, chunkAt: (offset: number, n: number) => Uint8Array): void {
  const chunk = port.io.length & ~7;
  if (length === 0) throw new MycoError(ERROR_CODES.E_SNAPSHOT_SEQUENCE.code, "an empty snapshot");
  for (let offset = 0; offset < length; offset += chunk) {
    const n = Math.min(chunk, length - offset);
    port.io.set(chunkAt(offset, n), 0);
    const status = check(port, port.x.snapshotRestore(offset, n, apply));
    if (status === 1 && offset + n < length) {
      throw new MycoError(ERROR_CODES.E_SNAPSHOT_CORRUPT.code, `the snapshot has ${length - offset - n} bytes past the end its header gives`);
    }
    if (status === 0 && offset + n >= length) {
      throw new MycoError(ERROR_CODES.E_SNAPSHOT_CORRUPT.code, `the snapshot ends at ${length} bytes, before its header's length`);
    }
  }
}

export interface UpgradeResult {
  /** Bytes of the snapshot carried across. */
  snapshotBytes: number;
  /** The pause: milliseconds from the moment the host stops feeding the old kernel (the take
   *  begins) to the moment the new one answers (adopted, its first call returned): take, verify,
   *  apply, self-check, swap. Compiling and instantiating the new module come before it. */
  pauseMs: number;
  /** Its parts: the take (the CRC-32), the restore (verify and apply passes, each chunk read out of
   *  the old kernel into the new), the self-check and swap. */
  takeMs: number;
  restoreMs: number;
  checkMs: number;
}

/** A successor made ready while the old kernel still runs: instantiated, its memory's pages touched. */
export interface PreparedUpgrade {
  instance: WebAssembly.Instance;
  /** Its exports and I/O buffer, and room for the old kernel's first chunk (the self-check's
   *  reference): made here so the pause allocates next to nothing (no collection inside it). */
  port: Port;
  first: Uint8Array;
}

const PAGE_BYTES = 4096;

/** Instantiates `module` beside the running kernel (outside the pause; the old kernel stays in charge). */
export function prepareUpgrade(kernel: Kernel, module: WebAssembly.Module): PreparedUpgrade {
  const instance = kernel.instantiate(module);
  // Every page written once (each byte rewritten with itself): the restore then meets no
  // first-write page fault of the operating system inside the pause.
  const memory = new Uint8Array(kernelExports(instance).memory.buffer);
  for (let at = 0; at < memory.length; at += PAGE_BYTES) memory[at] = memory[at];
  const port = portOfInstance(instance);
  return { instance, port, first: new Uint8Array(port.io.length) };
}

/**
 * Replaces the running kernel's module under the same Kernel object (so the host, its children
 * and connections carry on): the running kernel takes a snapshot, whose chunks go straight from
 * its I/O buffer into the prepared instance's (verify pass over all of them, then the apply
 * pass: the old kernel is not called otherwise, so it reads out the same bytes twice); the new
 * kernel must then take the very same snapshot (same length, and the first chunk equal: the
 * header with the CRC-32 of every byte, the globals: the self-check) before it is adopted. Any
 * failure (a refused snapshot, a failed self-check) throws and leaves the old kernel in charge,
 * untouched. `next` is a module (prepared here, before the pause) or a prepared upgrade.
 */
export function upgradeKernel(kernel: Kernel, next: WebAssembly.Module | PreparedUpgrade): UpgradeResult {
  const { instance, port: successor, first } = next instanceof WebAssembly.Module ? prepareUpgrade(kernel, next) : next;
  const started = performance.now();
  const old = portOf(kernel);
  const total = check(old, old.x.snapshotTake());
  let firstBytes = 0;
  const whole = old.io.subarray(0, old.io.length & ~7);
  // The same build reads out in the chunks the new kernel takes: each goes straight across. A
  // build with another I/O buffer gets the whole snapshot gathered first (it decides to refuse).
  const direct = (old.io.length & ~7) === (successor.io.length & ~7);
  const bytes = direct ? null : new Uint8Array(total);
  if (bytes) readOut(old, bytes, total);
  const chunkAt = (offset: number, n: number): Uint8Array => {
    if (bytes) return bytes.subarray(offset, offset + n);
    const read = check(old, old.x.snapshotRead(offset));
    if (read !== n) throw new Error(`the old kernel read ${read} bytes of the snapshot at ${offset}, ${n} expected`);
    const chunk = n === whole.length ? whole : old.io.subarray(0, n);
    if (offset === 0) {
      first.set(chunk);
      firstBytes = n;
    }
    return chunk;
  };
  const taken = performance.now();
  pass(successor, total, 0, chunkAt);
  pass(successor, total, 1, chunkAt);
  const restored = performance.now();
  selfCheck(successor, total, bytes ? bytes.subarray(0, Math.min(total, successor.io.length & ~7)) : first.subarray(0, firstBytes));
  kernel.adopt(instance);
  kernel.exports.eventsNextSeq(); // the new kernel answers
  const answered = performance.now();
  return { snapshotBytes: total, pauseMs: answered - started, takeMs: taken - started, restoreMs: restored - taken, checkMs: answered - restored };
}

/** The restored kernel takes its own snapshot: the same length and the same first chunk. */
function selfCheck(port: Port, total: number, first: Uint8Array): void {
  const again = check(port, port.x.snapshotTake());
  const n = again === total ? check(port, port.x.snapshotRead(0)) : 0;
  if (again !== total || n !== first.length || Buffer.compare(port.io.subarray(0, n), first) !== 0) {
    throw new Error(`the new kernel restored the ${total}-byte snapshot but takes a different one (${again} bytes): it stays out`);
  }
}
