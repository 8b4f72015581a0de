// Smooth weighted round robin from a precomputed cycle (assembly/balance/cycle.ts) against the
// scan it replaces: the mcu profile has no cycle tables, so it scans on every pick. The same
// random script of picks and pool changes (weights, draining, disabling, resizing, strategy
// switches) on both must give the same picks, and long cycles and more services than tables
// must still follow nginx.
import { describe, it, expect } from "vitest";
import { Kernel, VirtualHal, Balancer, type Profile } from "../../host/index.ts";
import { runningPool, pickLetters } from "./support.ts";
import { splitmix32 } from "../../host/hal/virtual.ts";

/** The script's own seeded randomness, in [0, 1). */
function random(seed: number): () => number {
  const next = splitmix32(seed);
  return () => next() / 2 ** 32;
}

/** Answers every action: spawned instances start, stopped and killed ones exit. */
function answer(kernel: Kernel): void {
  for (let actions = kernel.drainActions(); actions.length > 0; actions = kernel.drainActions()) {
    for (const action of actions) {
      if (action.kind === "spawn") kernel.instanceStarted(action.instance);
      else if (action.kind === "stop" || action.kind === "kill") kernel.instanceExited(action.instance, 0);
    }
  }
}

const SERVICES = 6; // more than the release profile's 4 cycle tables; at most 5 instances each (mcu has 32 slots)

/** Runs the script on a profile: every pick as "service:ordinal", in order. */
function script(profile: Profile, seed: number, steps: number): string[] {
  const draw = random(seed);
  const below = (n: number): number => Math.floor(draw() * n);
  const kernel = new Kernel({ hal: new VirtualHal(seed), profile });
  const balancer = new Balancer(kernel);
  const ids = Array.from({ length: SERVICES }, (_, i) => kernel.register(`wrr-${i}`, { instances: 1 + below(5) }));
  for (const id of ids) {
    kernel.start(id);
    balancer.setStrategy(id, "weighted-round-robin");
    balancer.setOption(id, "panicPercent", 0);
  }
  answer(kernel);
  const out: string[] = [];
  for (let step = 0; step < steps; step++) {
    const s = below(SERVICES);
    const id = ids[s];
    const handles = kernel.instances(id);
    const h = handles[below(handles.length)];
    const op = below(20);
    if (op === 0) balancer.setWeight(h, 1 + below(9));
    else if (op === 1) balancer.setDraining(h, draw() < 0.5);
    else if (op === 2) balancer.setEnabled(h, draw() < 0.6);
    else if (op === 3) {
      kernel.stop(id);
      answer(kernel);
      kernel.check(kernel.exports.serviceSetInstances(id, 1 + below(5)));
      kernel.start(id);
      answer(kernel);
    }
    else if (op === 4) balancer.setStrategy(id, draw() < 0.5 ? "round-robin" : "weighted-round-robin");
    else {
      for (let n = below(25); n > 0; n--) {
        const picked = kernel.exports.balancePick(id);
        out.push(picked < 0 ? `${s}:none` : `${s}:${handles.indexOf(picked)}`);
      }
    }
  }
  return out;
}

describe("smooth weighted round robin: the cycle equals the scan", () => {
  it.each([1, 2, 3])("seed %i: release (cycles) and mcu (scan) pick the same under random pool changes", (seed) => {
    const withCycles = script("release", seed, 3000);
    const scanned = script("mcu", seed, 3000);
    expect(withCycles.length).toBeGreaterThan(10_000);
    expect(withCycles).toEqual(scanned);
  });

  it("a cycle longer than a table falls back to the scan and still follows nginx", () => {
    const weights = [400, 300, 7];
    const pool = runningPool(weights.length, { strategy: "weighted-round-robin", weights });
    const current = weights.map(() => 0);
    const total = weights.reduce((a, b) => a + b, 0);
    let expected = "";
    for (let n = 0; n < 3 * total; n++) {
      let best = -1;
      for (let i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        if (best < 0 || current[i] > current[best]) best = i;
      }
      current[best] -= total;
      expected += String.fromCharCode(97 + best);
    }
    expect(pickLetters(pool, 3 * total)).toBe(expected);
  });
});
