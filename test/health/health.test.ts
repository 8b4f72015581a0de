// Health monitoring through the public API: states, history, availability, alerts, watchdogs,
// health-gated dependencies, and the fault patterns they detect.
import { describe, it, expect } from "vitest";
import { healthChangeOf, type Action } from "../../host/index.ts";
import { device, since, faults, alerts, reached } from "../recovery/support.ts";

describe("health states", () => {
  it("a service is healthy when all its instances are, degraded when some are not ready", () => {
    const { sim, k, health } = device();
    k.register("api", { instances: 2 });
    const check = health.addCheck("api", { role: "readiness", intervalMs: 1_000, fall: 1 });
    // Answer the checks by hand: the second instance is never ready.
    const second = () => k.instances("api")[1];
    sim.executor.handle = ((handle) => (action: Action) => {
      if (action.kind !== "run-check") return handle(action);
      health.report(check, action.instance, action.instance !== second(), 3);
    })(sim.executor.handle.bind(sim.executor));
    expect(health.of("api")).toBe("unknown");
    k.start("api");
    sim.runFor(100);
    expect(health.ofInstance(k.instances("api")[0])).toBe("healthy");
    expect(health.ofInstance(second())).toBe("degraded");
    expect(health.of("api")).toBe("degraded");
    k.stop("api");
    sim.runFor(100);
    expect(health.of("api")).toBe("unknown");
  });

  it("keeps the last N results per service, oldest first", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { intervalMs: 1_000 });
    k.start("api");
    sim.runFor(20_500);
    const history = health.history("api");
    expect(history).toHaveLength(k.exports.profile() === 1 ? 4 : 8);
    expect(history.map((r) => r.timeMs)).toEqual(history.map((_, i) => 20_015 - (history.length - 1 - i) * 1_000));
    expect(history.every((r) => r.outcome === "success" && r.latencyMs === 5 && r.checkIndex === 0)).toBe(true);
  });

  it("availability is the time-weighted share of the window the service was up", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.setAvailabilityWindow("api", 40_000);
    k.start("api");
    sim.runFor(30_000);
    sim.executor.crash("api"); // restart policy `never`: it stays failed
    sim.runFor(10_000);
    expect(health.availability("api")).toBeCloseTo(0.75, 2);
  });
});

describe("alerts", () => {
  it("carry severities, their own gap-free sequence, and are de-duplicated", () => {
    const { sim, k, health, recovery } = device();
    k.register("api");
    recovery.configure("api", { restart: "always", restartsMax: 8, windowMs: 60_000, crashLoop: { faults: 2, windowMs: 60_000 } });
    k.start("api");
    sim.runFor(100);
    const before = sim.events.length;
    for (let i = 0; i < 4; i++) {
      sim.executor.crash("api");
      sim.runFor(2_000);
    }
    // One incident: each reason once, however often the service crashes within it.
    expect(alerts(since(sim, before)).map((a) => `${a.reason}:${a.severity}`)).toEqual([
      "unhealthy:critical", "recovered:info", "crash-loop:warning",
    ]);
    expect(health.counters().alertsSuppressed).toBeGreaterThan(3);
    sim.runFor(15_000); // healthy for longer than the stable run (10 s): the incident is over
    sim.executor.crash("api");
    sim.runFor(2_000);
    const raised = alerts(since(sim, before));
    expect(raised.slice(3).map((a) => a.reason)).toEqual(["unhealthy", "crash-loop", "recovered"]);
    expect(raised.map((a) => a.alertSeq)).toEqual(raised.map((_, i) => raised[0].alertSeq + i)); // gap-free
  });
});

describe("watchdog", () => {
  it("an instance that stops pinging is killed as a fault, and recovery restarts it", () => {
    const { sim, k, health, recovery } = device();
    k.register("pump");
    health.watchdog("pump", 1_000);
    recovery.configure("pump", { restart: "on-failure" });
    sim.executor.pingWatchdog("pump", 300);
    k.start("pump");
    sim.runFor(5_000);
    expect(k.state("pump")).toBe("running");
    expect(sim.executor.pings).toBeGreaterThan(10);
    const before = sim.events.length;
    sim.executor.missPings("pump");
    sim.runFor(1_200);
    expect(faults(since(sim, before), "pump")).toEqual(["watchdog"]);
    const killed = since(sim, before).find((e) => e.kind === "instance-state" && e.to === "failed")!;
    expect(killed.cause).toBe("watchdog");
    sim.executor.missPings("pump", false);
    sim.runFor(1_000);
    expect(k.state("pump")).toBe("running");
  });
});

describe("health-gated dependencies (compose condition: service_healthy)", () => {
  it("a dependent starts only once the dependency is healthy, not merely running", () => {
    const { sim, k, health } = device();
    k.register("db");
    k.register("api");
    k.depend("api", "db");
    health.condition("api", "db", "healthy");
    health.addCheck("db", { role: "readiness", intervalMs: 1_000, rise: 3 });
    k.start("api");
    sim.runFor(1_500);
    expect(k.state("db")).toBe("running");
    expect(k.state("api")).toBe("starting");
    sim.runFor(1_000);
    expect(health.of("db")).toBe("healthy");
    expect(k.state("api")).toBe("running");
    const dbHealthy = sim.events.map(healthChangeOf).find((h) => h?.serviceName === "db" && h.instance === -1 && h.to === "healthy")!;
    const apiSpawn = sim.events.find((e) => e.serviceName === "api" && e.kind === "instance-state" && e.to === "starting")!;
    expect(apiSpawn.timeMs).toBe(dbHealthy.timeMs);
  });

  it("an unknown condition or dependency is refused", () => {
    const { k, health } = device();
    k.register("db");
    k.register("api");
    expect(() => health.condition("api", "db", "healthy")).toThrow(/does not depend|not declared/);
  });
});

describe("fault detection", () => {
  it("a crash loop: K faults within W", () => {
    const { sim, k, recovery } = device();
    k.register("api");
    recovery.configure("api", { restart: "always", crashLoop: { faults: 3, windowMs: 10_000 } });
    k.start("api");
    sim.runFor(100);
    const before = sim.events.length;
    for (let i = 0; i < 3; i++) {
      sim.executor.crash("api");
      sim.runFor(1_000);
    }
    expect(faults(since(sim, before), "api")).toEqual(["crash", "crash", "crash", "crash-loop"]);
    const loop = since(sim, before).find((e) => e.kind === "fault" && e.fromCode === 2)!;
    expect(loop.value).toBe(3); // evidence: how many within the window
  });

  it("flapping: F health transitions within W", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { role: "readiness", intervalMs: 500, fall: 1 });
    health.setFlapping("api", 4, 30_000);
    sim.executor.checks("api", { mode: "flap", periodMs: 1_000 });
    k.start("api");
    sim.runFor(10_000);
    expect(faults(sim.events, "api")).toContain("flapping");
    expect(k.state("api")).toBe("running"); // flapping alone alerts; its strategy list is empty by default
  });

  it("start and stop timeouts are faults with the timeout as evidence", () => {
    const { sim, k } = device();
    k.register("api", { startTimeoutMs: 300, stopTimeoutMs: 200 });
    k.register("ui", { startTimeoutMs: 300, stopTimeoutMs: 200 });
    sim.executor.hangOnStart("api");
    sim.executor.ignoreStop("ui");
    k.startAll();
    sim.runFor(1_000);
    k.stop("ui");
    sim.runFor(1_000);
    const found = sim.events.filter((e) => e.kind === "fault").map((e) => `${e.serviceName}:${e.fromCode}:${e.value}`);
    expect(found).toEqual(["api:4:300", "ui:7:200"]);
    expect(reached(sim.events, "failed")).toEqual(["api"]);
  });
});
