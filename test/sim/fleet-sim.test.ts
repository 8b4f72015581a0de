// The seeded fleet simulator (host/sim/fleet-run.ts) in CI: 256 seeds x 500 steps with every
// invariant checked after every step, and the planted bugs (an off-by-one in capacity, a
// forgotten backup) caught with a reproduce line. The soak runs 10,000 x 1,000 (npm run soak -- --fleet).
import { describe, expect, it } from "vitest";
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

  it("a planted off-by-one in capacity is caught, with the seed and step to reproduce it", () => {
    const result = runFleetSeed(1, { steps: STEPS, plant: "capacity" });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^capacity: node n\d+ is over-committed/);
    expect(result.message).toMatch(/reproduce with seed=1 step=\d+/);
    const again = runFleetSeed(1, { steps: STEPS, plant: "capacity" });
    expect(again.message).toBe(result.message); // the same seed replays the same run
  });

  it("a planted forgotten backup is caught", () => {
    const result = runFleetSeed(2, { steps: STEPS, plant: "backup" });
    expect(result.ok).toBe(false);
    expect(result.message).toMatch(/^backup: critical svc\d \(slot \d+\) on n\d+ has no backup on another sclerotia/);
  });
});
