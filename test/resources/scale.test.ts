// The scaling decision (Kubernetes HPA's rule) in virtual time: up at once as far as admission
// lets the new instances fit, down only after the metric asked for fewer for the whole window,
// to the highest count asked for during it.
import { describe, it, expect } from "vitest";
import { Simulation, NodeResources, resourceEventOf } from "../../host/index.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { compileText, newKernel } from "../manifest/helpers.ts";

describe("scaling decision", () => {
  it("scales up at once within what fits, down only after the stabilisation window, and resizes the running service itself", () => {
    const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5 });
    const k = sim.kernel;
    const res = new NodeResources(k);
    res.setCapacity({ memory: 500 });
    k.register("web", { instances: 2 });
    res.configure("web", { requests: { memory: 100 }, scale: { min: 1, max: 8, metric: "inflight", target: 10 } });
    expect(res.scale("web", 50)).toBe(2); // at rest: no decision
    k.start("web");
    sim.runFor(50);
    expect(res.node().free.memory).toBe(300);
    expect(res.scale("web", 10)).toBe(2); // on target
    expect(res.scale("web", 10.5)).toBe(2); // within the 10 % tolerance
    expect(res.scale("web", 20)).toBe(4); // 2 x 20 / 10: the kernel resizes the running service
    expect(res.node().free.memory).toBe(100); // admission holds the joiners' requests
    sim.runFor(50);
    const running = () => k.instances("web").filter((h) => k.instanceState(h) === "running").length;
    expect(running()).toBe(4); // the joiners spawned and run
    expect(res.scale("web", 40)).toBe(5); // 16 wanted (max 8), but only 1 more fits the 100 MiB free
    expect(res.node().free.memory).toBe(0);
    sim.runFor(50);
    expect(res.scale("web", 2)).toBe(5); // fewer asked for: the window starts, the count holds
    sim.runFor(200_000);
    expect(res.scale("web", 5)).toBe(5); // still inside the 5 min window (ceil(5 x 5 / 10) = 3 asked)
    sim.runFor(100_000);
    expect(res.scale("web", 3)).toBe(3); // window held: down to the highest asked for during it (3)
    expect(res.node().free.memory).toBe(200); // a shrink gives back at once
    expect(res.scale("web", 0)).toBe(3); // the leavers still drain: no decision
    sim.runFor(1_000);
    expect(k.instances("web")).toHaveLength(3);
    expect(running()).toBe(3);
    expect(res.scale("web", 0)).toBe(3); // a new window starts
    sim.pump();
    expect(sim.events.map(resourceEventOf).filter((e) => e?.what === "scale").map((e) => e!.value)).toEqual([4, 5, 3]);
    // each decision's instances-set (then the shrink's settling one: the count drops once the leavers stopped)
    expect(sim.events.filter((e) => e.kind === "instances-set").map((e) => [e.fromCode, e.toCode]).slice(0, 3)).toEqual([[2, 4], [4, 5], [5, 3]]);
  });

  it("a service without a scale metric keeps its count", () => {
    const sim = new Simulation({ profile: "debug" });
    const res = new NodeResources(sim.kernel);
    sim.kernel.register("plain", { instances: 3 });
    expect(res.scale("plain", 1000)).toBe(3);
  });
});

describe("addresses of a scaling service", () => {
  const yaml = (addresses: number, scale: string) => `services:\n  web:\n    instances: { count: 1, addresses: [${
    Array.from({ length: addresses }, (_, i) => `"127.0.0.1:${7100 + i}"`).join(", ")}] }\n${scale}`;

  it("may name instances up to scale.max, which the kernel accepts (parser and blob check agree)", () => {
    const { blob, manifest } = compileText(yaml(4, "    resources: { scale: { min: 1, max: 4, metric: inflight, target: 3 } }\n"));
    expect(manifest.services[0].addresses.map((a) => a.ordinal)).toEqual([0, 1, 2, 3]);
    const { m } = newKernel();
    expect(() => m.load(blob)).not.toThrow();
  });

  it("refuses an address past scale.max, and past the count without scale:", () => {
    expect(parseManifest(yaml(5, "    resources: { scale: { min: 1, max: 4, metric: inflight, target: 3 } }\n"), "s.yaml").diagnostics.map((d) => d.message))
      .toEqual(["address 5 of 5 is for an instance that does not exist (count 1, resources.scale.max 4)"]);
    expect(parseManifest(yaml(2, ""), "s.yaml").diagnostics.map((d) => d.message))
      .toEqual(["address 2 of 2 is for an instance that does not exist (count 1)"]);
  });
});
