// Fuzz (CI-sized): random and mutated blobs, names and patterns, fixed seeds. The 1,000,000-
// iteration run is `npx tsx bench/fuzz.ts 1000000`.
import { describe, it, expect } from "vitest";
import { fuzz } from "../../bench/fuzz.ts";

describe("fuzz", () => {
  for (const [seed, profile] of [[1, "release"], [2, "release"], [3, "debug"], [4, "mcu"]] as const) {
    it(`seed ${seed} (${profile}): 0 traps, 0 memory growth, every rejection with a code and a detail`, () => {
      const r = fuzz(profile === "release" ? 50_000 : 20_000, seed, profile);
      expect(r.traps).toBe(0);
      expect(r.uncoded).toBe(0);
      expect(r.memoryGrowth).toBe(0);
      expect(r.heapGrowth).toBe(0);
      expect(r.rejected).toBeGreaterThan(1000);
      expect(r.accepted).toBeGreaterThan(100);
      expect(r.blobsLoaded).toBeGreaterThan(profile === "mcu" ? 0 : 50); // mutated blobs that still validate: the apply path runs too
    });
  }
});
