// Shared by the snapshot tests: a simulated device running a real example manifest with faults,
// and the hash of a kernel's state as the host sees its memory.
import { createHash } from "node:crypto";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import type { Kernel } from "../../host/kernel/kernel.ts";
import type { Profile } from "../../host/kernel/module.ts";
import { compileFile, ROOT } from "../manifest/helpers.ts";

export const EXAMPLE = `${ROOT}examples/edge-gateway/services.yaml`;

/** A device running the edge-gateway example, with the same faults for the same seed. */
export function device(seed: number, profile: Profile = "release"): Simulation {
  const sim = new Simulation({ seed, profile, jitterMs: 7 });
  new KernelManifest(sim.kernel).load(compileFile(EXAMPLE).blob);
  sim.kernel.startAll();
  return sim;
}

/** Drives `sim` for `rounds` of 250 ms with crashes drawn from `seed` (the same for twins). */
export function drive(sim: Simulation, seed: number, rounds: number): void {
  let state = seed >>> 0 || 1;
  const names = sim.kernel.serviceIds().map((id) => sim.kernel.name(id));
  for (let round = 0; round < rounds; round++) {
    state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
    if (state % 3 === 0) sim.executor.crash(names[state % names.length], 0, 1 + (state % 5));
    sim.runFor(250);
  }
}

/** SHA-256 of the kernel's memory but for the regions that hold no state between calls (the
 *  I/O buffer, the error detail, the record scratch: the kernel's snapshotLeftOut list): what a
 *  refused restore must leave exactly as it was, and what a restore must reproduce. */
export function memoryHash(kernel: Kernel): string {
  const x = kernel.exports;
  const memory = new Uint8Array(x.memory.buffer).slice();
  for (let k = 0; k < 4; k++) memory.fill(0, x.snapshotLeftOut(k, 0), x.snapshotLeftOut(k, 0) + x.snapshotLeftOut(k, 1));
  return createHash("sha256").update(memory).digest("hex");
}

/** The CRC-32 the snapshot format uses (IEEE), to forge snapshots whose CRC matches. */
const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array, from = 0, to = bytes.length, register = 0xffffffff): number {
  let crc = register;
  for (let i = from; i < to; i++) crc = TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return crc >>> 0;
}

/** Sets the header's CRC-32 to match the bytes (all but the CRC field itself). */
export function resealed(bytes: Uint8Array): Uint8Array {
  const crc = crc32(bytes, 40, bytes.length, crc32(bytes, 0, 36)) ^ 0xffffffff;
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(36, crc >>> 0, true);
  return bytes;
}
