// Usage samples in virtual time: over a limit past the grace period takes the configured action
// and is a `resource` fault that the recovery layer counts; and a seeded simulation of 10,000
// random starts, stops and crashes never has an exclusive unit held by two running services.
import { describe, it, expect } from "vitest";
import { Simulation, NodeResources, Recovery, faultOf, alertOf, resourceEventOf, type KernelEvent } from "../../host/index.ts";

function device(seed = 1) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5, seed });
  return { sim, k: sim.kernel, res: new NodeResources(sim.kernel), recovery: new Recovery(sim.kernel) };
}
const faults = (events: KernelEvent[]) => events.map(faultOf).filter((f) => f !== null).map((f) => f!.pattern);

describe("usage limits", () => {
  it("restart (the default): the instance is killed as a resource fault and restarted, even under `never`", () => {
    const { sim, k, res } = device();
    k.register("leaky");
    res.configure("leaky", { limits: { memory: 64 }, graceMs: 1000 });
    k.start("leaky");
    sim.runFor(50);
    const [first] = k.instances("leaky");
    expect(res.report(first, "memory", 60)).toBe(false);
    expect(res.report(first, "memory", 80)).toBe(false); // the grace period starts
    sim.runFor(999);
    expect(res.report(first, "memory", 90)).toBe(false);
    sim.runFor(1);
    expect(res.report(first, "memory", 95)).toBe(true);
    expect(res.report(first, "memory", 99)).toBe(false); // once per excursion
    sim.runFor(500);
    expect(faults(sim.events)).toEqual(["resource"]);
    const over = sim.events.map(resourceEventOf).find((e) => e?.what === "over-limit");
    expect(over).toMatchObject({ resource: "memory", value: 95, instance: first });
    expect(k.state("leaky")).toBe("running");
    const [second] = k.instances("leaky");
    expect(second).not.toBe(first);
    expect(sim.events.some((e) => e.kind === "instance-state" && e.cause === "resource-limit")).toBe(true);
  });

  it("restarts count toward intensity: past restartsMax the service gives up", () => {
    const { sim, k, res, recovery } = device();
    k.register("hog");
    recovery.configure("hog", { restart: "on-failure", restartsMax: 2, windowMs: 60_000 });
    res.configure("hog", { limits: { pids: 4 } });
    k.start("hog");
    for (let round = 0; round < 4; round++) {
      sim.runFor(1000);
      for (const handle of k.instances("hog")) if (k.state("hog") === "running") res.report(handle, "pids", 10);
    }
    sim.runFor(5000);
    expect(faults(sim.events).filter((f) => f === "resource").length).toBeGreaterThanOrEqual(3);
    expect(k.state("hog")).toBe("failed");
  });

  it("stop stops the service; alert raises a `resource` alert and leaves it running", () => {
    const { sim, k, res } = device();
    k.register("stopper");
    k.register("alerter");
    res.configure("stopper", { limits: { fds: 10 }, onLimit: "stop" });
    res.configure("alerter", { limits: { fds: 10 }, onLimit: "alert" });
    k.start("stopper");
    k.start("alerter");
    sim.runFor(50);
    res.report(k.instances("stopper")[0], "fds", 11);
    res.report(k.instances("alerter")[0], "fds", 11);
    sim.runFor(50);
    expect(k.state("stopper")).toBe("stopped");
    expect(k.state("alerter")).toBe("running");
    expect(faults(sim.events)).toEqual(["resource", "resource"]);
    expect(sim.events.map(alertOf).filter((a) => a?.reason === "resource").map((a) => a!.serviceName)).toEqual(["alerter"]);
  });
});

describe("an exclusive unit under 10,000 random starts, stops and crashes", () => {
  it.each([1, 7])("seed %i: never two running holders", (seed) => {
    const { sim, k, res } = device(seed);
    const radio = res.declareUnit("radio", 1, true);
    const gpio = res.declareUnit("gpio-bank-a", 2);
    res.setCapacity({ memory: 300 });
    const names = Array.from({ length: 8 }, (_, i) => `svc-${i}`);
    for (const [i, name] of names.entries()) {
      k.register(name, { instances: 1 + (i % 2), type: i % 3 === 0 ? "system" : "user" });
      res.configure(name, { units: i % 2 === 0 ? [radio] : [gpio], requests: { memory: 40 }, admission: "queue", priority: i * 10 });
    }
    const rng = sim.hal; // the virtual HAL's seeded generator
    const holders = () => names.filter((n) => {
      const s = k.state(n);
      return (s === "running" || s === "stopping" || (s === "starting" && res.admission(n).state !== "queued")) && (names.indexOf(n) % 2 === 0);
    });
    let checked = 0;
    const radioHolders = new Set<number>();
    for (let step = 0; step < 10_000; step++) {
      const name = names[rng.randomU32() % names.length];
      const op = rng.randomU32() % 3;
      try {
        if (op === 0) k.start(name);
        else if (op === 1) k.stop(name);
        else if (k.state(name) === "running") sim.executor.crash(name);
      } catch { /* a refused or illegal command changes nothing */ }
      sim.runFor(1 + (rng.randomU32() % 20));
      const live = holders();
      expect(live.length, `seed ${seed} step ${step}: ${live.join(", ")} hold the radio`).toBeLessThanOrEqual(1);
      const holder = res.unit(radio).holder;
      if (live.length === 1) expect(holder, `seed ${seed} step ${step}`).toBe(k.id(live[0]));
      if (holder >= 0) radioHolders.add(holder);
      expect(res.unit(gpio).held).toBeLessThanOrEqual(2);
      expect(res.node().held.memory).toBeLessThanOrEqual(300);
      checked++;
    }
    expect(checked).toBe(10_000);
    // the run really contended: the radio changed hands and starts waited in the queue
    expect(radioHolders.size).toBe(4);
    const moves = sim.events.map(resourceEventOf).filter((e) => e?.what === "queued" || e?.what === "admitted");
    expect(moves.length).toBeGreaterThan(100);
  });
});
