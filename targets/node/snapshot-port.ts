// Snapshot and restore on the conformance kernel (LoaderKernel), through the same exports the C
// host calls (targets/firmware/src/snapshot.c): the bytes a snapshot is on either host, so one
// host can take it and the other restore it (test/targets/snapshot-cross.test.ts).
import type { LoaderKernel } from "./loader-port.ts";

function check(kernel: LoaderKernel, what: string, status: number): number {
  if (status >= 0) return status;
  const detail = new TextDecoder().decode(io(kernel).subarray(0, kernel.call("errorDetail")));
  throw new Error(`${what}: kernel status ${status}: ${detail}`);
}

const io = (kernel: LoaderKernel): Uint8Array => kernel.memoryBytes().subarray(kernel.call("ioBuffer"), kernel.call("ioBuffer") + kernel.call("ioCapacity"));

/** The kernel's whole state as bytes (docs/snapshot-format.md). */
export function snapshotTake(kernel: LoaderKernel): Uint8Array {
  const total = check(kernel, "snapshotTake", kernel.call("snapshotTake"));
  const out = new Uint8Array(total);
  for (let offset = 0; offset < total;) {
    const n = check(kernel, "snapshotRead", kernel.call("snapshotRead", offset));
    out.set(io(kernel).subarray(0, n), offset);
    offset += n;
  }
  return out;
}

/** Restores `bytes`: a verify pass over all of them, then the apply pass; throws what the kernel refused. */
export function snapshotRestore(kernel: LoaderKernel, bytes: Uint8Array): void {
  const chunk = kernel.call("ioCapacity") & ~7;
  for (const apply of [0, 1]) {
    for (let offset = 0; offset < bytes.length; offset += chunk) {
      const n = Math.min(chunk, bytes.length - offset);
      kernel.writeIo(bytes.subarray(offset, offset + n));
      const complete = check(kernel, "snapshotRestore", kernel.call("snapshotRestore", offset, n, apply)) === 1;
      if (complete !== (offset + n >= bytes.length)) throw new Error(`snapshotRestore: the ${bytes.length}-byte snapshot's length is not its header's`);
    }
  }
}
