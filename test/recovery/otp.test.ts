// Peer cases from Erlang/OTP's supervisor: restart intensity (MaxR in MaxT) and the group
// strategies one_for_one, one_for_all and rest_for_one restarting exactly the right services,
// in the right order.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { device, since, steps, alerts, spawnOrder, reached } from "./support.ts";

describe("peer: OTP restart intensity", () => {
  function worker(restartsMax: number, windowMs: number) {
    const d = device();
    d.k.register("worker");
    d.recovery.configure("worker", {
      restart: "always", restartsMax, windowMs, strategies: { crash: ["restart"], "crash-loop": ["restart"] },
    });
    d.k.start("worker");
    d.sim.runFor(100);
    return d;
  }

  it("3 restarts in 5 s: the fourth crash within the window escalates", () => {
    const { sim, k, recovery } = worker(3, 5_000);
    const before = sim.events.length;
    for (let crash = 1; crash <= 3; crash++) {
      sim.executor.crash("worker");
      sim.runFor(200);
      expect(k.state("worker"), `after crash ${crash}`).toBe("running");
    }
    expect(recovery.info("worker").restartsInWindow).toBe(3);
    sim.executor.crash("worker");
    sim.runFor(200);
    expect(k.state("worker")).toBe("failed");
    expect(steps(since(sim, before), "worker")).toEqual(["restart", "restart", "restart", "give-up"]);
    expect(recovery.info("worker")).toMatchObject({ gaveUp: true, escalationLevel: 2 });
    expect(alerts(since(sim, before)).filter((a) => a.reason === "gave-up").map((a) => a.severity)).toEqual(["critical"]);
    expectError(() => k.start("worker"), "E_START_LIMIT", "'worker'");
  });

  // OTP's supervisor keeps a restart while `Now =< Then + Period`: one exactly MaxT old still
  // counts. Restarts at 0, 1, 2 s, then a crash at 5 s with MaxR 3, MaxT 5 s: the 4th gives up.
  // (The `restart` strategy restarts at once: the crash times are the restart times.)
  function crashesAt(gapsMs: number[]) {
    const d = device();
    d.k.register("worker");
    d.recovery.configure("worker", {
      restart: "always", restartsMax: 3, windowMs: 5_000, strategies: { crash: ["restart"], "crash-loop": ["restart"] },
    });
    d.k.start("worker");
    d.sim.runFor(100);
    const before = d.sim.events.length;
    d.sim.executor.crash("worker");
    for (const gapMs of gapsMs) {
      d.sim.runFor(gapMs);
      d.sim.executor.crash("worker");
    }
    d.sim.runFor(200);
    return { ...d, steps: steps(since(d.sim, before), "worker") };
  }

  it("a restart exactly MaxT old still counts: restarts at 0, 1, 2 s and a crash at 5 s give up", () => {
    const { k, recovery, steps: taken } = crashesAt([1_000, 1_000, 3_000]);
    expect(taken).toEqual(["restart", "restart", "restart", "give-up"]);
    expect(k.state("worker")).toBe("failed");
    expect(recovery.info("worker").gaveUp).toBe(true);
  });

  it("one millisecond later the oldest restart has left the window, and the crash restarts", () => {
    const { k, steps: taken } = crashesAt([1_000, 1_000, 3_001]);
    expect(taken).toEqual(["restart", "restart", "restart", "restart"]);
    expect(k.state("worker")).toBe("running");
  });

  it("crashes further apart than the window restart every time", () => {
    const { sim, k } = worker(3, 5_000);
    const before = sim.events.length;
    for (let crash = 1; crash <= 8; crash++) {
      sim.executor.crash("worker");
      sim.runFor(6_000);
      expect(k.state("worker")).toBe("running");
    }
    expect(steps(since(sim, before), "worker").filter((s) => s === "restart")).toHaveLength(8);
  });

  it("backoff never earns extra restarts: the window counts supervised time, not the delays", () => {
    const { sim, k, recovery } = device();
    k.register("worker");
    recovery.configure("worker", {
      restart: "always", restartsMax: 3, windowMs: 5_000, backoff: { kind: "fixed", baseMs: 10_000, capMs: 10_000 },
    });
    k.start("worker");
    sim.runFor(100);
    // Each run lasts 100 ms and each delay 10 s: in wall time the restarts are far apart (what
    // lets pm2 restart forever), in supervised time they are 100 ms apart.
    for (let crash = 1; crash <= 3; crash++) {
      sim.executor.crash("worker");
      sim.runFor(10_100);
      expect(k.state("worker")).toBe("running");
    }
    sim.executor.crash("worker");
    sim.runFor(100);
    expect(k.state("worker")).toBe("failed");
    expect(recovery.info("worker").gaveUp).toBe(true);
  });

  it("an operator reset (systemctl reset-failed) lets it start again", () => {
    const { sim, k, recovery } = worker(1, 5_000);
    sim.executor.crash("worker");
    sim.runFor(200);
    sim.executor.crash("worker");
    sim.runFor(200);
    expect(k.state("worker")).toBe("failed");
    recovery.reset("worker");
    k.start("worker");
    sim.runFor(200);
    expect(k.state("worker")).toBe("running");
  });
});

describe("peer: OTP group strategies over `requires`", () => {
  // a <- b <- c, a <- d (b and d require a, c requires b); x stands alone. Start order:
  // wave 0: a, x; wave 1: b, d; wave 2: c.
  function group(strategy: "one_for_one" | "one_for_all" | "rest_for_one") {
    const d = device();
    for (const name of ["a", "b", "c", "d", "x"]) d.k.register(name);
    d.k.depend("b", "a");
    d.k.depend("c", "b");
    d.k.depend("d", "a");
    d.recovery.configure("b", { restart: "always", group: strategy, strategies: { crash: ["restart"] } });
    d.k.startAll();
    d.sim.runFor(500);
    expect(d.k.serviceIds().map((id) => d.k.state(id))).toEqual(Array(5).fill("running"));
    const before = d.sim.events.length;
    d.sim.executor.crash("b");
    d.sim.runFor(1_000);
    expect(d.k.serviceIds().map((id) => d.k.state(id))).toEqual(Array(5).fill("running"));
    return since(d.sim, before);
  }

  it("one_for_one restarts the service and only what requires it", () => {
    const events = group("one_for_one");
    expect(reached(events, "stopped")).toEqual(["c"]);
    expect(spawnOrder(events)).toEqual(["b", "c"]);
  });

  it("rest_for_one restarts the service and the group members after it, in start order", () => {
    const events = group("rest_for_one");
    expect(reached(events, "stopped")).toEqual(["c", "d"]); // reverse start order
    expect(spawnOrder(events)).toEqual(["b", "d", "c"]); // start order: wave 1 (b, d), then wave 2
  });

  it("one_for_all restarts the whole group, stopping dependents first and starting in order", () => {
    const events = group("one_for_all");
    const stopped = reached(events, "stopped");
    expect([...stopped].sort()).toEqual(["a", "c", "d"]);
    expect(stopped.indexOf("a")).toBeGreaterThan(Math.max(stopped.indexOf("c"), stopped.indexOf("d")));
    expect(spawnOrder(events)).toEqual(["a", "b", "d", "c"]);
    expect(events.some((e) => e.serviceName === "x" && e.kind === "service-state")).toBe(false);
  });
});
