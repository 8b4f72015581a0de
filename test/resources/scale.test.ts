// The scaling decision (Kubernetes HPA's rule) in virtual time: up at once as far as admission
// lets the new instances fit, down only after the metric asked for fewer for the whole window,
// to the highest count asked for during it.
import { describe, it, expect } from "vitest";
import { Simulation, NodeResources, resourceEventOf } from "../../host/index.ts";

describe("scaling decision", () => {
  it("scales up at once within what fits, down only after the stabilisation window", () => {
    const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5 });
    const k = sim.kernel;
    const res = new NodeResources(k);
    res.setCapacity({ memory: 500 });
    k.register("web", { instances: 2 });
    res.configure("web", { requests: { memory: 100 }, scale: { min: 1, max: 8, metric: "inflight", target: 10 } });
    k.start("web");
    sim.runFor(50);
    expect(res.node().free.memory).toBe(300);
    expect(res.scale("web", 10)).toBe(2); // on target
    expect(res.scale("web", 10.5)).toBe(2); // within the 10 % tolerance
    expect(res.scale("web", 20)).toBe(4); // 2 x 20 / 10
    expect(res.scale("web", 40)).toBe(5); // 8 wanted, but only 3 more fit the 300 MiB free
    expect(res.scale("web", 2)).toBe(2); // fewer asked for: the window starts, the count holds
    sim.runFor(200_000);
    expect(res.scale("web", 5)).toBe(2); // still inside the 5 min window
    sim.runFor(100_000);
    expect(res.scale("web", 3)).toBe(1); // window held: down to the highest asked for (ceil(2 x 5 / 10) = 1)
    expect(res.scale("web", 0)).toBe(2); // a new window starts
    sim.pump();
    expect(sim.events.map(resourceEventOf).filter((e) => e?.what === "scale").map((e) => e!.value)).toEqual([4, 5, 1]);
  });

  it("a service without a scale metric keeps its count", () => {
    const sim = new Simulation({ profile: "debug" });
    const res = new NodeResources(sim.kernel);
    sim.kernel.register("plain", { instances: 3 });
    expect(res.scale("plain", 1000)).toBe(3);
  });
});
