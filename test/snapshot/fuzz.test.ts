// The fuzz proof: 100,000 mutated snapshots (bytes flipped, zeroed, cut, stretched, header
// fields rewritten, with and without a matching CRC-32) all restore to an error, never to a trap
// and never to a change: the kernel's memory hash is the one of before, and it carries on.
import { describe, it, expect } from "vitest";
import { MycoError, KernelTrap } from "../../host/index.ts";
import { takeSnapshot, restoreSnapshot } from "../../host/kernel/snapshot.ts";
import { splitmix32 } from "../../host/hal/virtual.ts";
import { device, drive, memoryHash, resealed } from "./helpers.ts";

const MUTANTS = Number(process.env.MYCO_SNAPSHOT_MUTANTS ?? 100_000);

/** One mutant of `bytes`, drawn from `next`. */
function mutate(bytes: Uint8Array, next: () => number): Uint8Array {
  const kind = next() % 6;
  const at = next() % bytes.length;
  if (kind === 0) { // flip 1..4 bits anywhere
    const copy = bytes.slice();
    for (let n = 1 + (next() % 4); n > 0; n--) copy[(at + n * 977) % copy.length] ^= 1 << (next() % 8);
    return copy;
  }
  if (kind === 1) { // zero or fill a run
    const copy = bytes.slice();
    const value = next() % 2 === 0 ? 0 : 0xff;
    const end = Math.min(copy.length, at + 1 + (next() % 64));
    copy.fill(value, at, end);
    if (bytes.subarray(at, end).every((b) => b === value)) copy[at] ^= 1; // the run was already so
    return copy;
  }
  if (kind === 2) return bytes.slice(0, at); // cut
  if (kind === 3) { // stretch: bytes inserted
    const extra = 1 + (next() % 16);
    const copy = new Uint8Array(bytes.length + extra);
    copy.set(bytes.subarray(0, at));
    copy.set(bytes.subarray(at), at + extra);
    return copy;
  }
  // a header or section-head field rewritten, the CRC-32 resealed (kind 4) or not (kind 5)
  const copy = bytes.slice();
  const field = (next() % 18) * 4;
  const view = new DataView(copy.buffer);
  if (field === 36) view.setUint32(36, view.getUint32(36, true) ^ (1 + (next() % 0xffff)), true);
  else view.setUint32(field, view.getUint32(field, true) ^ (1 << (next() % 32)), true);
  return kind === 4 && field !== 36 ? resealed(copy) : copy;
}

describe("snapshot fuzz", () => {
  it(`${MUTANTS.toLocaleString("en")} mutated snapshots: each refused, none traps, none changes the kernel`, () => {
    const sim = device(31);
    drive(sim, 17, 20);
    const bytes = takeSnapshot(sim.kernel);
    const hash = memoryHash(sim.kernel);
    const next = splitmix32(0xf022);
    const refusedBy = new Map<string, number>();
    for (let n = 0; n < MUTANTS; n++) {
      const mutant = mutate(bytes, next);
      try {
        restoreSnapshot(sim.kernel, mutant);
        throw new Error(`mutant ${n} (${mutant.length} bytes) was restored`);
      } catch (error) {
        if (error instanceof KernelTrap || !(error instanceof MycoError)) throw error;
        refusedBy.set(error.codeName, (refusedBy.get(error.codeName) ?? 0) + 1);
      }
      if (n % 10_000 === 0) expect(memoryHash(sim.kernel)).toBe(hash);
    }
    expect(memoryHash(sim.kernel)).toBe(hash);
    expect([...refusedBy.keys()].sort()).toEqual(
      expect.arrayContaining(["E_SNAPSHOT_CORRUPT", "E_SNAPSHOT_LAYOUT", "E_SNAPSHOT_PROFILE", "E_SNAPSHOT_VERSION"]),
    );
    // the kernel carries on from the state it had: the same events as a twin that was never fuzzed
    const twin = device(31);
    drive(twin, 17, 20);
    drive(sim, 19, 20);
    drive(twin, 19, 20);
    expect(sim.events).toEqual(twin.events);
  }, 1_200_000);
});
