// The service every kernel rollout test starts from: `web` running on the simulator.
import { expect } from "vitest";
import { Simulation, Balancer, Rollouts } from "../../../host/index.ts";

/** `web` with `instances` instances, started and running, with the rollout and balancer views over it. */
export function runningWeb(instances = 3) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 100, stopDelayMs: 10 });
  sim.kernel.register("web", { instances });
  sim.kernel.start("web");
  sim.runFor(500);
  expect(sim.kernel.state("web")).toBe("running");
  return { sim, rollouts: new Rollouts(sim.kernel), lb: new Balancer(sim.kernel), id: sim.kernel.id("web") };
}

/** Picks `n` requests one every `everyMs` of virtual time; the revision of each pick, in order (each checked running), finished with `outcome` of its revision (success by default). */
export function traffic(sim: Simulation, rollouts: Rollouts, lb: Balancer, id: number, n: number, everyMs: number, outcome?: (revision: number) => "success" | "failure") {
  const picked: number[] = [];
  for (let i = 0; i < n; i++) {
    const h = lb.pick(id);
    expect(sim.kernel.instanceState(h)).toBe("running");
    const revision = rollouts.revisionOf(h);
    picked.push(revision);
    lb.finished(h, 1, outcome ? outcome(revision) : "success");
    sim.runFor(everyMs);
  }
  return picked;
}
