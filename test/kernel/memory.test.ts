// Fixed memory: initial = maximum pages per profile, every table reserved at init, and nothing
// allocated afterwards, proven over a million mixed operations.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { Kernel, VirtualHal, PROFILES, ACTION_RECORD_BYTES, type Profile } from "../../host/index.ts";

/** The build's page counts (asconfig.json: initialMemory = maximumMemory per profile). */
const targets = JSON.parse(readFileSync(new URL("../../asconfig.json", import.meta.url), "utf8")).targets;
const PAGES = Object.fromEntries(PROFILES.map((p) => [p, targets[p].maximumMemory])) as Record<Profile, number>;

describe("fixed memory", () => {
  it.each(PROFILES)("%s: the memory cannot grow and the tables fit", (profile) => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile });
    expect(targets[profile].initialMemory).toBe(PAGES[profile]);
    expect(kernel.exports.memoryPages()).toBe(PAGES[profile]);
    expect(() => kernel.exports.memory.grow(1)).toThrow(RangeError);
    expect(kernel.heapHighWater()).toBeLessThanOrEqual(PAGES[profile] * 65536);
  });

  it("the mcu profile holds 16 services in one 64 KiB page", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    expect(kernel.limits.services).toBe(16);
    expect(kernel.memoryBytes()).toBe(65536);
  });
});

describe("no allocation after init", () => {
  it("a million mixed operations leave the memory size and the allocator's high-water mark unchanged", () => {
    const hal = new VirtualHal(3);
    const kernel = new Kernel({ hal, profile: "release" });
    const x = kernel.exports;
    const names = Array.from({ length: 8 }, (_, i) => `svc-${i}`);
    const memoryBefore = kernel.memoryBytes();
    const highWaterBefore = kernel.heapHighWater();
    let operations = 0;
    const call = (status: number): number => { operations++; return status; };

    const drain = (answer: (kind: number, handle: number) => void): void => {
      for (let n = call(x.actionsDrain()); n > 0; n = call(x.actionsDrain())) {
        const view = new DataView(x.memory.buffer, x.ioBuffer(), n * ACTION_RECORD_BYTES);
        const actions = Array.from({ length: n }, (_, i) => [view.getUint8(i * 16), view.getInt32(i * 16 + 8, true)]);
        for (const [kind, handle] of actions) answer(kind, handle);
      }
    };

    for (let round = 0; operations < 1_000_000; round++) {
      const ids = names.map((name, i) => call(x.serviceRegister(kernel.put(name), i % 2, 1 + (i % 3))));
      for (let i = 1; i < ids.length; i++) call(x.dependencyAdd(ids[i], ids[i - 1], 1 + (i % 3)));
      call(x.serviceTagAdd(ids[0], kernel.put(`tag-${round % 4}`)));
      call(x.order());
      call(x.serviceRegister(kernel.put("bad name!"), 1, 1)); // errors write details, not allocations
      call(x.dependencyAdd(ids[0], ids[0], 1));
      call(x.serviceStop(ids[0]));
      call(x.startAll());
      for (let step = 0; step < 8; step++) {
        drain((kind, handle) => { if (kind === 1) call(x.instanceStarted(handle)); });
        hal.advance(5);
        call(x.tick());
      }
      drain(() => {});
      const victim = call(x.serviceInstance(ids[round % 8], 0));
      call(x.instanceExited(victim, 1)); // a crash: failure propagation
      call(x.serviceRestart(ids[3]));
      call(x.stopAll());
      for (let step = 0; step < 10; step++) {
        drain((kind, handle) => { if (kind === 2) call(x.instanceExited(handle, 0)); });
        hal.advance(50);
        call(x.run(100));
      }
      call(x.eventsRead(x.eventsNextSeq() - 40));
      call(x.errorDetail());
      for (const id of [...ids].reverse()) call(x.serviceUnregister(id));
    }
    expect(operations).toBeGreaterThanOrEqual(1_000_000);
    expect(kernel.memoryBytes()).toBe(memoryBefore);
    expect(kernel.heapHighWater()).toBe(highWaterBefore);
    expect(x.serviceCount()).toBe(0);
  });

  it("reset() returns to the state after init without allocating", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    const highWater = kernel.heapHighWater();
    kernel.register("a", { instances: 2, tags: ["t"] });
    kernel.register("b");
    kernel.depend("b", "a");
    kernel.startAll();
    kernel.reset();
    expect(kernel.exports.serviceCount()).toBe(0);
    expect(kernel.exports.actionsPending()).toBe(0);
    expect(kernel.exports.eventsNextSeq()).toBe(1);
    expect(kernel.register("b")).toBe(0);
    expect(kernel.heapHighWater()).toBe(highWater);
  });
});
