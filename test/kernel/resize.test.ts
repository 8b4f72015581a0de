// A running service's instance count changes while it runs (assembly/lifecycle/resize.ts), in
// virtual time with the simulated executor: growing starts the new instances in order, shrinking
// drains the leaving ones (never picked again), stops them once idle, then frees their slots.
import { describe, it, expect } from "vitest";
import { Simulation, Balancer, Kernel, VirtualHal } from "../../host/index.ts";
import { expectError } from "../helpers.ts";

function web(instances: number) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 100, stopDelayMs: 10 });
  sim.kernel.register("web", { instances });
  sim.kernel.start("web");
  sim.runFor(500);
  expect(sim.kernel.state("web")).toBe("running");
  return { sim, lb: new Balancer(sim.kernel), id: sim.kernel.id("web") };
}

describe("instances set while running", () => {
  it("grows in ordinal order and never stops the running instances", () => {
    const { sim } = web(2);
    const before = sim.kernel.instances("web");
    const from = sim.events.length;
    sim.kernel.setInstances("web", 4);
    sim.runFor(500);
    const after = sim.kernel.instances("web");
    expect(after).toHaveLength(4);
    expect(after.slice(0, 2)).toEqual(before);
    expect(after.map((h) => sim.kernel.instanceState(h))).toEqual(["running", "running", "running", "running"]);
    const log = sim.events.slice(from);
    expect(log[0]).toMatchObject({ kind: "instances-set", fromCode: 2, toCode: 4, cause: "scale", value: 4 });
    const spawned = log.filter((e) => e.kind === "instance-state" && e.to === "starting").map((e) => after.indexOf(e.instance));
    expect(spawned).toEqual([2, 3]);
    expect(log.some((e) => e.kind === "instance-state" && e.to === "stopping")).toBe(false);
    expect(sim.kernel.state("web")).toBe("running");
  });

  it("shrinks after the leaving instances drained: no pick reaches them, their requests finish first", () => {
    const { sim, lb, id } = web(3);
    const handles = sim.kernel.instances("web");
    const inFlight = [lb.pick(id), lb.pick(id), lb.pick(id)];
    expect(new Set(inFlight).size).toBe(3);
    sim.kernel.setInstances("web", 1);
    sim.runFor(50);
    expect(sim.kernel.instances("web")).toHaveLength(3); // still draining
    for (let i = 0; i < 30; i++) {
      const h = lb.pick(id);
      expect(h).toBe(handles[0]);
      lb.finished(h, 1);
    }
    lb.finished(inFlight[1], 1); // ordinal 1 idle: it stops now
    sim.runFor(50);
    expect(sim.kernel.instanceState(handles[1])).toBe("stopped");
    expect(sim.kernel.instanceState(handles[2])).toBe("running"); // ordinal 2 still has a request
    lb.finished(inFlight[2], 1);
    sim.runFor(50);
    expect(sim.kernel.instances("web")).toEqual([handles[0]]);
    expect(sim.kernel.state("web")).toBe("running");
    const stops = sim.events.filter((e) => e.kind === "instance-state" && e.to === "stopping");
    expect(stops.map((e) => e.cause)).toEqual(["scale", "scale"]);
    expect(sim.events.filter((e) => e.kind === "instances-set").map((e) => [e.fromCode, e.toCode, e.value])).toEqual([[3, 1, 1], [3, 1, -1]]);
  });

  it("refuses a second resize while one drains, naming the service", () => {
    const { sim, lb, id } = web(2);
    lb.pick(id);
    lb.pick(id);
    sim.kernel.setInstances("web", 1);
    expectError(() => sim.kernel.setInstances("web", 3), "E_RESIZE_PENDING", "service 'web' is still draining 1 instances");
    sim.runFor(6000); // the drain deadline (5 s by default) stops it anyway
    expect(sim.kernel.instances("web")).toHaveLength(1);
    sim.kernel.setInstances("web", 3);
    sim.runFor(500);
    expect(sim.kernel.instances("web").map((h) => sim.kernel.instanceState(h))).toEqual(["running", "running", "running"]);
  });

  it("the mcu profile keeps the old rule: stop the service first (its tables have no byte to spare)", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    kernel.register("web", { instances: 1 });
    kernel.start("web");
    expectError(() => kernel.setInstances("web", 2), "E_SERVICE_ACTIVE", "'web' is active");
  });
});
