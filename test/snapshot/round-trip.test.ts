// Snapshot and restore: a kernel restored from another's snapshot is the same kernel. Twin
// devices run the same manifest, faults and seeds; one of them has its kernel replaced by a
// fresh instance restored from a snapshot, and from then on both must emit the same events and
// actions and end in byte-identical state.
import { describe, it, expect } from "vitest";
import { Kernel, VirtualHal, MycoError, ERROR_CODES } from "../../host/index.ts";
import { loadModule, type Profile } from "../../host/kernel/module.ts";
import { takeSnapshot, restoreSnapshot, snapshotHeader, upgradeKernel } from "../../host/kernel/snapshot.ts";
import { device, drive, memoryHash } from "./helpers.ts";

// The bench profile's 14 MB state is proven by the plain round trip below (a twin-device run of
// it takes minutes on a loaded machine).
const PROFILES: Profile[] = ["release", "debug"];

describe("snapshot round trip", () => {
  it.each(PROFILES)("%s: a kernel restored from a snapshot carries on exactly as the original", (profile) => {
    const original = device(11, profile);
    const twin = device(11, profile);
    drive(original, 5, 40);
    drive(twin, 5, 40);
    expect(twin.events).toEqual(original.events);
    const before = twin.events.length;

    // The twin's kernel becomes a fresh instance holding only what the snapshot carried.
    const { snapshotBytes } = upgradeKernel(twin.kernel, loadModule(profile));
    expect(snapshotBytes).toBeGreaterThan(1000);

    drive(original, 6, 80);
    drive(twin, 6, 80);
    expect(original.events.length).toBeGreaterThan(before + 20);
    expect(twin.events.slice(before)).toEqual(original.events.slice(before));
    expect(takeSnapshot(twin.kernel)).toEqual(takeSnapshot(original.kernel));
  });

  it("a fresh Kernel restored from a snapshot holds the same services, states and event sequence", () => {
    const sim = device(3);
    drive(sim, 9, 20);
    const bytes = takeSnapshot(sim.kernel);
    const header = snapshotHeader(bytes);
    expect(header).toMatchObject({ version: 1, profile: 0, sections: 2, totalBytes: bytes.length });

    const fresh = new Kernel({ hal: new VirtualHal(3, sim.timeMs) });
    restoreSnapshot(fresh, bytes);
    const ids = sim.kernel.serviceIds();
    expect(fresh.serviceIds()).toEqual(ids);
    for (const id of ids) {
      expect(fresh.name(id)).toBe(sim.kernel.name(id));
      expect(fresh.state(id)).toBe(sim.kernel.state(id));
      expect(fresh.instances(id)).toEqual(sim.kernel.instances(id));
    }
    expect(fresh.exports.eventsNextSeq()).toBe(sim.kernel.exports.eventsNextSeq());
    expect(takeSnapshot(fresh)).toEqual(bytes);
  });

  it("bench: a fresh kernel restored from a snapshot gives back the same snapshot", () => {
    const kernel = new Kernel({ hal: new VirtualHal(5), profile: "bench" });
    kernel.register("db");
    kernel.register("web", { instances: 3 });
    kernel.depend("web", "db");
    kernel.startAll();
    const bytes = takeSnapshot(kernel);
    const fresh = new Kernel({ hal: new VirtualHal(5), profile: "bench" });
    restoreSnapshot(fresh, bytes);
    expect(fresh.instances("web")).toEqual(kernel.instances("web"));
    expect(Buffer.compare(takeSnapshot(fresh), bytes)).toBe(0);
  });

  it("restoring a kernel's own snapshot after it moved on takes it back", () => {
    const sim = device(4);
    drive(sim, 2, 10);
    const bytes = takeSnapshot(sim.kernel);
    const hash = memoryHash(sim.kernel);
    drive(sim, 3, 10);
    expect(memoryHash(sim.kernel)).not.toBe(hash);
    restoreSnapshot(sim.kernel, bytes);
    expect(memoryHash(sim.kernel)).toBe(hash);
  });

  it("the mcu profile has no snapshots: its exports answer E_SNAPSHOT_UNAVAILABLE", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    expect(kernel.exports.snapshotTake()).toBe(ERROR_CODES.E_SNAPSHOT_UNAVAILABLE.code);
    expect(kernel.exports.snapshotRead(0)).toBe(ERROR_CODES.E_SNAPSHOT_UNAVAILABLE.code);
    expect(kernel.exports.snapshotRestore(0, 64, 0)).toBe(ERROR_CODES.E_SNAPSHOT_UNAVAILABLE.code);
    expect(() => takeSnapshot(kernel)).toThrow(MycoError);
  });

  it("a snapshot covers every byte of state: after a restore the whole memory is the original's", () => {
    // A table or a scalar the snapshot missed (memory outside the heap it copies, a global the
    // build's transform left out) would differ here: the proof that no layer forgot to register.
    const sim = device(8);
    drive(sim, 4, 30);
    const bytes = takeSnapshot(sim.kernel);
    const fresh = new Kernel({ hal: new VirtualHal(8, sim.timeMs) });
    restoreSnapshot(fresh, bytes);
    expect(memoryHash(fresh)).toBe(memoryHash(sim.kernel));
  });
});
