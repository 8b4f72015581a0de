// The seeded fleet simulator (host/sim/fleet-run.ts) in CI: 256 seeds x 500 steps with every
// invariant checked after every step, and bugs planted in the kernel (an off-by-one in the
// capacity check, a forgotten backup: kernels built with `--use PLANT_BUG=n`) caught with a
// reproduce line. The soak runs 10,000 x 1,000 (npm run soak -- --fleet).
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compile } from "../../host/tools/build.ts";
import { runFleetSeed } from "../../host/sim/fleet-run.ts";

const SEEDS = 256;
const STEPS = 500;

describe("fleet simulator", () => {
  for (let block = 0; block < 4; block++) {
    it(`seeds ${block * 64 + 1}..${block * 64 + 64} x ${STEPS} steps: every invariant holds and every plan converges`, () => {
      const failures: string[] = [];
      let moves = 0;
      for (let seed = block * 64 + 1; seed <= block * 64 + SEEDS / 4; seed++) {
        const result = runFleetSeed(seed, { steps: STEPS });
        moves += result.moves;
        if (!result.ok) failures.push(result.message);
      }
      expect(failures).toEqual([]);
      expect(moves).toBeGreaterThan(0); // the runs did move instances
    }, 900_000);
  }

});

/**
 * Kernels built with a bug planted in the placement layer (assembly/features.ts PLANTED_BUG, a
 * constant-false branch in every normal build): the simulator must catch each, with the seed and
 * step to reproduce it.
 */
describe("planted kernel bugs are caught by the fleet simulator", () => {
  const modules = new Map<number, WebAssembly.Module>();
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-planted-"));
    await Promise.all([1, 2].map(async (bug) => {
      const out = join(dir, `release-plant-${bug}.wasm`);
      await compile("release", ["--use", `PLANT_BUG=${bug}`, "-o", out, "--textFile", join(dir, `release-plant-${bug}.wat`)]);
      modules.set(bug, new WebAssembly.Module(readFileSync(out)));
    }));
  }, 600_000);

  it("the normal build has no planted bug: the same seeds pass there", () => {
    expect(runFleetSeed(1, { steps: STEPS }).ok).toBe(true);
    expect(runFleetSeed(2, { steps: STEPS }).ok).toBe(true);
  });

  it("an off-by-one in the kernel's capacity check (its last requested resource forgotten) is caught as an over-commit", () => {
    const result = runFleetSeed(1, { steps: STEPS, module: modules.get(1) });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^capacity: node n\d+ is over-committed/);
    expect(result.message).toMatch(/reproduce with seed=1 step=\d+/);
    const again = runFleetSeed(1, { steps: STEPS, module: modules.get(1) });
    expect(again.message).toBe(result.message); // the same seed replays the same run
  });

  it("a forgotten backup in the kernel (a critical instance without one) is caught", () => {
    const result = runFleetSeed(2, { steps: STEPS, module: modules.get(2) });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^backup: critical svc\d \(slot \d+\) on n\d+ has no backup on another sclerotia/);
    expect(result.message).toMatch(/reproduce with seed=2 step=\d+/);
  });
});
