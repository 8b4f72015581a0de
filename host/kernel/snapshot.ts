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
  const total = check(port, port.x.snapshotTake());
  const out = new Uint8Array(total);
  for (let offset = 0; offset < total;) {
    const n = check(port, port.x.snapshotRead(offset));
    out.set(port.io.subarray(0, n), offset);
    offset += n;
  }
  return out;
}

/**
 * Restores `bytes` into `kernel`: the kernel verifies the whole snapshot first (it changes
 * nothing and throws MycoError naming what it refused), then applies the same bytes.
 */
export function restoreSnapshot(kernel: Kernel, bytes: Uint8Array): void {
  const port = portOf(kernel);
  feed(port, bytes, 0);
  feed(port, bytes, 1);
}

/** Verifies `bytes` against `kernel` without changing it; throws MycoError when refused. */
export function verifySnapshot(kernel: Kernel, bytes: Uint8Array): void { feed(portOf(kernel), bytes, 0); }

/** One pass: chunks of the I/O buffer's capacity (a multiple of 8) in order. */
function feed(port: Port, bytes: Uint8Array, apply: 0 | 1): void {
  const chunk = port.io.length & ~7;
  if (bytes.length === 0) throw new MycoError(ERROR_CODES.E_SNAPSHOT_SEQUENCE.code, "an empty snapshot");
  for (let offset = 0; offset < bytes.length; offset += chunk) {
    const n = Math.min(chunk, bytes.length - offset);
    port.io.set(bytes.subarray(offset, offset + n), 0);
    const status = check(port, port.x.snapshotRestore(offset, n, apply));
    if (status === 1 && offset + n < bytes.length) {
      throw new MycoError(ERROR_CODES.E_SNAPSHOT_CORRUPT.code, `the snapshot has ${bytes.length - offset - n} bytes past the end its header gives`);
    }
    if (status === 0 && offset + n >= bytes.length) {
      throw new MycoError(ERROR_CODES.E_SNAPSHOT_CORRUPT.code, `the snapshot ends at ${bytes.length} bytes, before its header's length`);
    }
  }
}

export interface UpgradeResult {
  /** Bytes of the snapshot carried across. */
  snapshotBytes: number;
  /** Milliseconds the kernel was out of the host's hands (take, instantiate, restore, self-check, swap). */
  pauseMs: number;
}

/**
 * Replaces the running kernel's module by `module` under the same Kernel object (so the host,
 * its children and connections carry on): a snapshot of the running kernel, restored into a new
 * instance, which must then give back the very same snapshot (the self-check) before it is
 * adopted. Any failure (the module does not instantiate, refuses the snapshot, or fails the
 * self-check) throws and leaves the old kernel in charge, untouched.
 */
export function upgradeKernel(kernel: Kernel, module: WebAssembly.Module): UpgradeResult {
  const started = performance.now();
  const bytes = take(portOf(kernel));
  const instance = kernel.instantiate(module);
  const next = portOfInstance(instance);
  feed(next, bytes, 0);
  feed(next, bytes, 1);
  const again = take(next);
  if (Buffer.compare(again, bytes) !== 0) {
    throw new Error(`the new kernel restored the ${bytes.length}-byte snapshot but gives back a different one: it stays out`);
  }
  kernel.adopt(instance);
  return { snapshotBytes: bytes.length, pauseMs: performance.now() - started };
}
