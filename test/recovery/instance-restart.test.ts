// restart-instance: one instance of a pool goes down and only it comes back, after the
// service's backoff delay, while the service keeps running on the others (and keeps its
// dependents), the balancer routes around it, and the restart intensity still holds.
import { describe, it, expect } from "vitest";
import { Balancer, recoveryOf, type KernelEvent, type RecoveryPolicy } from "../../host/index.ts";
import { backoffBounds } from "../../host/sim/invariants.ts";
import { device, since, steps } from "./support.ts";

const BACKOFF = { kind: "exponential", baseMs: 400, capMs: 5_000, factor: 2, jitter: "equal" } as const;

/** cache <- web (3 instances) <- front: web restarts on failure with the default strategies. */
function pool(policy: RecoveryPolicy = {}) {
  const d = device();
  const { sim, k, recovery } = d;
  k.register("cache");
  k.register("web", { instances: 3 });
  k.register("front");
  k.depend("web", "cache");
  k.depend("front", "web");
  recovery.configure("web", { restart: "on-failure", backoff: BACKOFF, ...policy });
  k.startAll();
  sim.runFor(500);
  expect(["cache", "web", "front"].map((s) => k.state(s))).toEqual(["running", "running", "running"]);
  return { ...d, handles: k.instances("web") };
}

const instanceEvents = (events: KernelEvent[], handle: number) =>
  events.filter((e) => e.kind === "instance-state" && e.instance === handle).map((e) => `${e.from}>${e.to}`);
const serviceEvents = (events: KernelEvent[], service: string) =>
  events.filter((e) => e.kind === "service-state" && e.serviceName === service);

describe("restart-instance", () => {
  it("restarts only the crashed instance, after the backoff delay, with a new handle", () => {
    const { sim, k, handles } = pool();
    const spawned = sim.executor.spawned;
    const before = sim.events.length;
    sim.executor.crash("web", 1);
    sim.runFor(3_000);
    const events = since(sim, before);

    expect(steps(events, "web")).toEqual(["restart-instance"]);
    const record = events.map(recoveryOf).find((r) => r?.step === "restart-instance")!;
    expect(record.instance).toBe(handles[1]);
    expect(record.detail).toBe(1); // the first attempt of the service's backoff sequence

    // Only instance 1 moved: down, its delay, a new run.
    expect(instanceEvents(events, handles[1])).toEqual(["running>failed", "failed>backoff"]);
    const fresh = k.instances("web")[1];
    expect(fresh).not.toBe(handles[1]);
    expect(instanceEvents(events, fresh)).toEqual(["backoff>starting", "starting>running"]);
    expect(instanceEvents(events, handles[0])).toEqual([]);
    expect(instanceEvents(events, handles[2])).toEqual([]);
    expect(k.instances("web").map((h) => k.instanceState(h))).toEqual(["running", "running", "running"]);
    expect(sim.executor.spawned).toBe(spawned + 1);

    // The delay, in virtual time, is the one drawn, within the policy's bounds.
    const down = events.find((e) => e.instance === handles[1] && e.to === "backoff")!;
    const respawn = events.find((e) => e.instance === fresh && e.from === "backoff")!;
    expect(respawn.cause).toBe("recovery");
    expect(respawn.timeMs - down.timeMs).toBe(record.value);
    const [lo, hi] = backoffBounds(BACKOFF, 1, BACKOFF.baseMs);
    expect(record.value).toBeGreaterThanOrEqual(lo);
    expect(record.value).toBeLessThanOrEqual(hi);

    // The service never left RUNNING, and neither did its dependent or its dependency.
    expect(serviceEvents(events, "web")).toEqual([]);
    expect(serviceEvents(events, "front")).toEqual([]);
    expect(serviceEvents(events, "cache")).toEqual([]);
  });

  it("the balancer never picks the instance while it is down, and picks its new run once it is up", () => {
    const { sim, k, handles } = pool();
    const lb = new Balancer(k);
    lb.configure("web", { strategy: "round-robin" });
    const web = k.id("web");
    sim.executor.crash("web", 1);
    const picked = new Set<number>();
    let rounds = 0;
    for (; k.instanceState(k.instances("web")[1]) !== "running"; rounds++) {
      const state = k.instanceState(k.instances("web")[1]);
      for (let i = 0; i < 6; i++) {
        const handle = lb.pick(web);
        if (state !== "running") expect(handle).not.toBe(k.instances("web")[1]);
        expect(handle).not.toBe(handles[1]);
        picked.add(handle);
        lb.finished(handle, 1);
      }
      expect(k.state("web")).toBe("running");
      sim.runFor(20);
    }
    expect(rounds).toBeGreaterThan(10); // 200..400 ms down, 20 ms a round
    expect([...picked].sort()).toEqual([handles[0], handles[2]].sort());
    const after = new Set(Array.from({ length: 6 }, () => { const h = lb.pick(web); lb.finished(h, 1); return h; }));
    expect(after).toEqual(new Set(k.instances("web")));
  });

  it("the service is degraded, not failed, while an instance waits", () => {
    const { sim, k, health } = pool();
    sim.executor.crash("web", 1);
    sim.runFor(10);
    expect(k.state("web")).toBe("running");
    expect(k.instanceState(k.instances("web")[1])).toBe("backoff");
    expect(health.of("web")).toBe("degraded");
  });

  it("an instance that fails its start is restarted alone; the service runs once all are up", () => {
    const { sim, k, recovery } = device();
    k.register("web", { instances: 3, startTimeoutMs: 300 });
    recovery.configure("web", { restart: "on-failure", backoff: BACKOFF });
    sim.executor.hangOnStart("web", 1); // the first spawn (instance 0) never reports started
    k.start("web");
    sim.runFor(200);
    expect(k.state("web")).toBe("starting");
    sim.runFor(3_000);
    expect(k.state("web")).toBe("running");
    expect(steps(sim.events, "web")).toEqual(["restart-instance"]);
    expect(serviceEvents(sim.events, "web").map((e) => e.to)).toEqual(["starting", "running"]);
    expect(sim.executor.spawned).toBe(4);
  });

  it("a single-instance service still restarts whole (restart-backoff)", () => {
    const { sim, k, recovery } = device();
    k.register("db");
    recovery.configure("db", { restart: "on-failure", backoff: BACKOFF });
    k.start("db");
    sim.runFor(100);
    sim.executor.crash("db");
    sim.runFor(10);
    expect(steps(sim.events, "db")).toEqual(["restart-backoff"]);
    expect(k.state("db")).toBe("backoff");
  });

  it("when the last running instance goes down too, the whole service restarts and the pending one is cancelled", () => {
    const { sim, k, handles } = pool();
    const before = sim.events.length;
    sim.executor.crash("web", 1);
    sim.executor.crash("web", 0);
    sim.executor.crash("web", 2);
    sim.runFor(5_000);
    const events = since(sim, before);
    expect(steps(events, "web")).toEqual(["restart-instance", "restart-instance", "restart-backoff"]);
    expect(instanceEvents(events, handles[1])).toEqual(["running>failed", "failed>backoff", "backoff>stopped"]);
    expect(k.state("web")).toBe("running");
    expect(k.state("front")).toBe("running"); // followed web down and back (one_for_one)
    expect(k.instances("web").map((h) => k.instanceState(h))).toEqual(["running", "running", "running"]);
  });

  it("a clean exit under `always` waits its delay stopped, then respawns alone", () => {
    const { sim, k, handles } = pool({ restart: "always" });
    const before = sim.events.length;
    sim.executor.crash("web", 2, 0);
    sim.runFor(3_000);
    const events = since(sim, before);
    expect(steps(events, "web")).toEqual(["restart-instance"]);
    expect(instanceEvents(events, handles[2])).toEqual(["running>stopped"]);
    expect(instanceEvents(events, k.instances("web")[2])).toEqual(["stopped>starting", "starting>running"]);
    expect(serviceEvents(events, "web")).toEqual([]);
  });
});

describe("restart-instance and the restart intensity", () => {
  it("every instance restart counts: past R in T it escalates as before (give up, dependents stopped)", () => {
    const { sim, k } = pool({ restartsMax: 3, windowMs: 60_000 });
    const before = sim.events.length;
    for (let i = 0; i < 4; i++) {
      sim.executor.crash("web", i % 3);
      sim.runFor(6_000);
    }
    const events = since(sim, before);
    expect(steps(events, "web")).toEqual(["restart-instance", "restart-instance", "restart-instance", "give-up"]);
    const attempts = events.map(recoveryOf).filter((r) => r?.step === "restart-instance").map((r) => r!.detail);
    expect(attempts).toEqual([1, 2, 3]); // one backoff sequence for the service, not one per instance
    expect(k.state("web")).toBe("failed");
    expect(k.state("front")).toBe("stopped");
    expect(k.instances("web").map((h) => k.instanceState(h))).not.toContain("running");
    expect(() => k.start("web")).toThrow(/restart limit/);
  });

  it("escalates while an instance still waits: the pending restart is cancelled, nothing spawns", () => {
    const { sim, k } = pool({ restartsMax: 1, windowMs: 60_000 });
    sim.executor.crash("web", 0);
    sim.runFor(10);
    const spawned = sim.executor.spawned;
    sim.executor.crash("web", 1);
    sim.runFor(10_000);
    expect(steps(sim.events, "web")).toEqual(["restart-instance", "give-up"]);
    expect(k.state("web")).toBe("failed");
    expect(sim.executor.spawned).toBe(spawned);
    expect(k.instances("web").map((h) => k.instanceState(h))).toEqual(["stopped", "failed", "stopped"]);
  });
});

describe("a pending instance restart and operator commands", () => {
  it("a stop during the delay cancels it: no spawn after the stop", () => {
    const { sim, k, handles } = pool();
    sim.executor.crash("web", 1);
    sim.runFor(10);
    const spawned = sim.executor.spawned;
    const before = sim.events.length;
    k.stop("web");
    sim.runFor(10_000);
    const events = since(sim, before);
    expect(k.state("web")).toBe("stopped");
    expect(k.state("front")).toBe("stopped");
    expect(sim.executor.spawned).toBe(spawned);
    expect(instanceEvents(events, handles[1])).toEqual(["backoff>stopped"]);
    expect(k.instances("web").map((h) => k.instanceState(h))).toEqual(["stopped", "stopped", "stopped"]);
  });

  it("stopAll during the delay cancels it too", () => {
    const { sim, k } = pool();
    sim.executor.crash("web", 1);
    sim.runFor(10);
    const spawned = sim.executor.spawned;
    k.stopAll();
    sim.runFor(10_000);
    expect(sim.executor.spawned).toBe(spawned);
    expect(["cache", "web", "front"].map((s) => k.state(s))).toEqual(["stopped", "stopped", "stopped"]);
  });

  it("a restart during the delay replaces it: each instance spawns once", () => {
    const { sim, k } = pool();
    sim.executor.crash("web", 1);
    sim.runFor(10);
    const spawned = sim.executor.spawned;
    k.restart("web");
    sim.runFor(10_000);
    expect(sim.executor.spawned).toBe(spawned + 4); // web's three instances and front's one
    expect(k.instances("web").map((h) => k.instanceState(h))).toEqual(["running", "running", "running"]);
    expect(k.state("front")).toBe("running");
  });
});
