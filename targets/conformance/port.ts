// What the conformance replay needs from a kernel, whichever host runs it: the Node loader
// (targets/node/loader-port.ts) or the jco component (targets/wasi/host/component-port.ts).
// The C host (targets/firmware/src/replay.c) and the wasmtime host (targets/wasmtime/host.py)
// are its twins in their languages.
import type { ProgramExport } from "./program.ts";

export interface CallResult {
  /** The result as a program slot (see slots.ts). */
  result: bigint;
  /** The bytes the export wrote to the I/O buffer: result * outUnit after a positive result, else none. */
  out: Uint8Array;
}

export interface KernelPort {
  /** Writes `bytes` at the start of the kernel's I/O buffer (the inputs of the next call). */
  writeIo(bytes: Uint8Array): void;
  /** Calls `fn` with its argument slots. A trap throws (KernelTrap). */
  callExport(fn: ProgramExport, args: bigint[]): CallResult;
}
