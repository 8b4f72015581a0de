// The deterministic fault simulator in CI: a fixed set of seeds, each a whole scenario of
// services, policies, checks and injected faults, with every invariant checked after every step
// and a liveness phase at the end (host/sim/). A failure names its seed and step.
import { describe, it, expect } from "vitest";
import { createHash } from "node:crypto";
import { runSeed } from "../../host/sim/run.ts";
import { InvariantChecker, InvariantError, backoffBounds } from "../../host/sim/invariants.ts";
import { Simulation, type KernelEvent } from "../../host/index.ts";

const SEEDS = 256;
const STEPS = 200;

describe("fault simulator", () => {
  it(`${SEEDS} seeds x ${STEPS} steps: every invariant after every step, then liveness`, () => {
    const failures: string[] = [];
    let restarts = 0;
    let faults = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const result = runSeed(seed, { steps: STEPS });
      if (!result.ok) failures.push(result.message);
      restarts += result.restarts;
      faults += result.faults;
    }
    expect(failures, failures.join("\n\n")).toEqual([]);
    expect(faults).toBeGreaterThan(SEEDS * 10); // the schedule really injects faults
    expect(restarts).toBeGreaterThan(SEEDS * 2); // and recovery really answers them
  });

  it("a seed replays the same run, event for event", () => {
    const hash = (seed: number) => {
      const sim: Simulation[] = [];
      const pump = Simulation.prototype.pump;
      Simulation.prototype.pump = function (this: Simulation) { if (!sim.includes(this)) sim.push(this); pump.call(this); };
      try {
        runSeed(seed, { steps: 100 });
      } finally {
        Simulation.prototype.pump = pump;
      }
      return createHash("sha256").update(JSON.stringify(sim[0].events)).digest("hex");
    };
    expect(hash(42)).toBe(hash(42));
    expect(hash(42)).not.toBe(hash(43));
  });

  it("reports a violation with the line that reproduces it", () => {
    const sim = new Simulation({ profile: "debug" });
    const checker = new InvariantChecker(sim.kernel, []);
    const event = (seq: number, from: string, to: string): KernelEvent => ({
      seq, timeMs: 0, kind: "service-state", service: 0, serviceName: "a", instance: -1, from, to, fromCode: 0, toCode: 0,
      cause: "command", value: 0,
    } as KernelEvent);
    checker.onEvent(event(1, "stopped", "starting"));
    expect(() => checker.onEvent(event(2, "stopped", "running"))).toThrow(InvariantError);
    expect(() => checker.onEvent(event(5, "starting", "running"))).toThrow(/sequence jumped/);
    expect(backoffBounds({ kind: "exponential", baseMs: 100, capMs: 1_000, factor: 2, jitter: "equal" }, 3, 0)).toEqual([200, 400]);
  });
});
