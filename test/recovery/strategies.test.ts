// Recovery strategies, escalation and the restart path through the public API.
import { describe, it, expect } from "vitest";
import { Kernel, VirtualHal, Recovery, type Action } from "../../host/index.ts";
import { device, since, steps, alerts, reached } from "./support.ts";

function recordActions(sim: ReturnType<typeof device>["sim"]): Action[] {
  const seen: Action[] = [];
  const handle = sim.executor.handle.bind(sim.executor);
  sim.executor.handle = (action: Action) => { seen.push(action); handle(action); };
  return seen;
}

describe("the restart path", () => {
  it("defaults to `never`: a failure fails the service as before, nothing restarts", () => {
    const { sim, k, recovery } = device();
    k.register("api");
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api");
    sim.runFor(10_000);
    expect(k.state("api")).toBe("failed");
    expect(recovery.info("api").policy).toBe("never");
    expect(sim.executor.spawned).toBe(1);
  });

  it("a restart waits for the next tick even without delay, in BACKOFF, never in a tight loop", () => {
    const hal = new VirtualHal(1);
    const k = new Kernel({ hal, profile: "debug" });
    k.register("api");
    new Recovery(k).configure("api", { restart: "always", strategies: { crash: ["restart"] } });
    k.start("api");
    const spawn = k.drainActions()[0];
    k.instanceStarted(spawn.instance);
    k.instanceExited(spawn.instance, 1);
    expect(k.state("api")).toBe("backoff");
    expect(k.drainActions()).toEqual([]);
    k.tick();
    expect(k.state("api")).toBe("starting");
    expect(k.drainActions().map((a) => a.kind)).toEqual(["spawn"]);
  });

  it("restart with backoff waits the delay in BACKOFF, then starts again", () => {
    const { sim, k, recovery } = device();
    k.register("api");
    recovery.configure("api", { restart: "on-failure", backoff: { kind: "fixed", baseMs: 700, capMs: 700 } });
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api");
    sim.runFor(600);
    expect(k.state("api")).toBe("backoff");
    sim.runFor(200);
    expect(k.state("api")).toBe("running");
  });
});

describe("a full outbox", () => {
  it("defers a recovery action to a later tick, in order, never dropping it", () => {
    const hal = new VirtualHal(1);
    const k = new Kernel({ hal, profile: "release" });
    k.register("api");
    new Recovery(k).configure("api", { restart: "on-failure", strategies: { crash: ["config-reload", "restart"] } });
    k.start("api");
    const handle = k.drainActions()[0].instance;
    k.instanceStarted(handle);
    for (let i = 0; i < 4; i++) k.register(`bulk-${i}`, { instances: 64 }); // 256 spawns fill the outbox
    k.startAll();
    expect(k.exports.actionsPending()).toBe(k.limits.outbox);
    k.instanceExited(handle, 1);
    expect(k.readEvents().some((e) => e.kind === "action-deferred" && e.serviceName === "api" && e.value === 6)).toBe(true);
    expect(k.drainActions().some((a) => a.kind === "config-reload")).toBe(false);
    hal.advance(1);
    k.tick();
    const next = k.drainActions();
    expect(next.filter((a) => a.kind === "config-reload").map((a) => a.serviceName)).toEqual(["api"]);
  });
});

describe("escalation", () => {
  it("restarts the group once, then gives up: failed, dependents stopped, critical alert, reboot request", () => {
    const { sim, k, recovery } = device();
    k.register("db");
    k.register("api");
    k.register("web");
    k.depend("api", "db");
    k.depend("web", "api");
    recovery.configure("api", {
      restart: "always", restartsMax: 2, windowMs: 60_000, strategies: { crash: ["restart"], "crash-loop": ["restart"] },
      escalation: { groupRestart: true, reboot: true },
    });
    const actions = recordActions(sim);
    k.startAll();
    sim.runFor(500);
    const before = sim.events.length;
    for (let i = 0; i < 6; i++) {
      sim.executor.crash("api");
      sim.runFor(500);
    }
    const events = since(sim, before);
    expect(steps(events, "api")).toEqual(["restart", "restart", "group-restart", "restart", "give-up", "reboot-request"]);
    expect(k.state("api")).toBe("failed");
    expect(k.state("web")).toBe("stopped");
    expect(k.state("db")).toBe("running"); // a dependency, restarted by the group step, then left alone
    expect(alerts(events).filter((a) => a.severity === "critical").map((a) => a.reason)).toContain("gave-up");
    expect(actions.filter((a) => a.kind === "reboot-request").map((a) => a.serviceName)).toEqual(["api"]);
    expect(recovery.info("api").escalationLevel).toBe(3);
  });
});

describe("strategies", () => {
  it("scale-up replaces the lost instance and adds one, up to the ceiling, without a restart", () => {
    const { sim, k, recovery } = device();
    k.register("api", { instances: 2 });
    recovery.configure("api", { restart: "on-failure", scaleMax: 3, strategies: { crash: ["scale-up", "restart-backoff"] } });
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api", 1);
    sim.runFor(100);
    expect(k.state("api")).toBe("running");
    expect(k.instances("api").map((h) => k.instanceState(h))).toEqual(["running", "running", "running"]);
    sim.executor.crash("api", 0);
    sim.runFor(100);
    expect(k.instances("api")).toHaveLength(3); // at the ceiling: replaced, not grown
    expect(steps(sim.events, "api")).toEqual(["scale-up", "scale-up"]);
    expect(reached(sim.events, "failed")).toEqual([]);
  });

  it("scale-down sheds the failed instance and keeps running on the others", () => {
    const { sim, k, recovery } = device();
    k.register("api", { instances: 3 });
    recovery.configure("api", { restart: "on-failure", strategies: { crash: ["scale-down"] } });
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api", 0);
    sim.runFor(100);
    expect(k.state("api")).toBe("running");
    expect(k.instances("api")).toHaveLength(2);
  });

  it("failover starts the backup and asks the host to switch, then the next strategy restarts", () => {
    const { sim, k, recovery } = device();
    k.register("primary");
    k.register("standby");
    recovery.configure("primary", { restart: "on-failure", backup: "standby", strategies: { crash: ["failover", "restart-backoff"] } });
    const actions = recordActions(sim);
    k.start("primary");
    sim.runFor(100);
    sim.executor.crash("primary");
    sim.runFor(500);
    expect(k.state("standby")).toBe("running");
    expect(k.state("primary")).toBe("running");
    const failover = actions.find((a) => a.kind === "failover")!;
    expect([failover.serviceName, failover.arg]).toEqual(["primary", k.id("standby")]);
    expect(steps(sim.events, "primary")).toEqual(["failover", "restart-backoff"]);
  });

  it("config reload and breaker reset do their part and hand on to the next strategy", () => {
    const { sim, k, recovery } = device();
    k.register("api");
    recovery.configure("api", { restart: "on-failure", strategies: { crash: ["config-reload", "breaker-reset", "restart"] } });
    const actions = recordActions(sim);
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api");
    sim.runFor(500);
    expect(actions.filter((a) => a.kind === "config-reload").map((a) => a.serviceName)).toEqual(["api"]);
    expect(steps(sim.events, "api")).toEqual(["config-reload", "breaker-reset", "restart"]);
    expect(k.state("api")).toBe("running");
  });

  it("a list that ends without a restart leaves the plain semantics: the service fails", () => {
    const { sim, k, recovery } = device();
    k.register("api");
    recovery.configure("api", { restart: "on-failure", strategies: { crash: ["config-reload"] } });
    k.start("api");
    sim.runFor(100);
    sim.executor.crash("api");
    sim.runFor(500);
    expect(k.state("api")).toBe("failed");
  });

  it("a failing liveness check is a fault its list answers (here: restart)", () => {
    const { sim, k, health, recovery } = device();
    k.register("api");
    health.addCheck("api", { intervalMs: 500, fall: 2 });
    recovery.configure("api", { restart: "on-failure", strategies: { check: ["restart"] } });
    k.start("api");
    sim.runFor(1_000);
    sim.executor.checks("api", { mode: "fail" });
    sim.runFor(1_000);
    sim.executor.checks("api", { mode: "pass" });
    sim.runFor(1_000);
    expect(steps(sim.events, "api")).toEqual(["restart"]);
    expect(k.state("api")).toBe("running");
    expect(health.of("api")).toBe("healthy");
  });
});
