// The lifecycle through the public API, in virtual time with the simulated executor.
import { describe, it, expect } from "vitest";
import { Simulation, LEGAL_TRANSITIONS, type KernelEvent } from "../../host/index.ts";
import { expectError } from "../helpers.ts";

/** "name:from>to" for service-state events, in log order. */
function transitions(events: KernelEvent[], names?: string[]): string[] {
  return events
    .filter((e) => e.kind === "service-state" && (!names || names.includes(e.serviceName)))
    .map((e) => `${e.serviceName}:${e.from}>${e.to}`);
}

function device(options: ConstructorParameters<typeof Simulation>[0] = {}) {
  const sim = new Simulation({ profile: "debug", startDelayMs: 100, stopDelayMs: 10, ...options });
  const k = sim.kernel;
  k.register("sensor", { instances: 1 });
  k.register("storage", { instances: 1 });
  k.register("telemetry", { instances: 1 });
  k.register("ui", { instances: 2 });
  k.depend("storage", "sensor");
  k.depend("telemetry", "storage");
  k.depend("ui", "storage");
  k.depend("ui", "telemetry", "wants");
  return sim;
}

function states(sim: Simulation): Record<string, string> {
  return Object.fromEntries(sim.kernel.serviceIds().map((id) => [sim.kernel.name(id), sim.kernel.state(id)]));
}

describe("start and stop in waves", () => {
  it("starts each wave when the previous one is up, and stops in reverse", () => {
    const sim = device();
    const spawnedAt = new Map<string, number>();
    sim.onEvent((e) => {
      if (e.kind === "instance-state" && e.to === "starting" && !spawnedAt.has(e.serviceName)) spawnedAt.set(e.serviceName, e.timeMs);
    });
    sim.kernel.startAll();
    sim.runFor(1000);
    expect(Object.fromEntries(spawnedAt)).toEqual({ sensor: 0, storage: 100, telemetry: 200, ui: 300 });
    expect(Object.values(states(sim))).toEqual(["running", "running", "running", "running"]);

    const before = sim.events.length;
    sim.kernel.stopAll();
    sim.runFor(1000);
    const stopped = sim.events.slice(before).filter((e) => e.kind === "service-state" && e.to === "stopped").map((e) => e.serviceName);
    expect(stopped).toEqual(["ui", "telemetry", "storage", "sensor"]);
    expect(sim.executor.aliveCount).toBe(0);
  });

  it("pulls in what a service requires and wants, and nothing else", () => {
    const sim = device();
    sim.kernel.start("telemetry");
    sim.runFor(1000);
    expect(states(sim)).toEqual({ sensor: "running", storage: "running", telemetry: "running", ui: "stopped" });
  });
});

describe("peer: systemd Requires= + After= semantics", () => {
  it("stopping a required unit stops its dependents first (stop A => B stops, then A)", () => {
    const sim = device();
    sim.kernel.startAll();
    sim.runFor(1000);
    const before = sim.events.length;
    sim.kernel.stop("storage");
    sim.runFor(1000);
    expect(transitions(sim.events.slice(before)).filter((t) => t.endsWith(">stopped"))).toEqual([
      "ui:stopping>stopped", "telemetry:stopping>stopped", "storage:stopping>stopped",
    ]);
    expect(states(sim)).toEqual({ sensor: "running", storage: "stopped", telemetry: "stopped", ui: "stopped" });
  });

  it("a required unit that fails takes its dependents down; a wanted one does not", () => {
    const sim = device();
    sim.kernel.startAll();
    sim.runFor(1000);
    sim.executor.crash("telemetry", 0, 3);
    sim.runFor(500);
    expect(states(sim)).toEqual({ sensor: "running", storage: "running", telemetry: "failed", ui: "running" });
    const exit = sim.events.find((e) => e.kind === "instance-state" && e.serviceName === "telemetry" && e.to === "failed")!;
    expect(exit.value).toBe(3);
    expect(exit.cause).toBe("instance-exited");
    sim.executor.crash("sensor");
    sim.runFor(500);
    expect(states(sim)).toEqual({ sensor: "failed", storage: "stopped", telemetry: "failed", ui: "stopped" });
  });

  it("a dependent does not start when a required unit fails to start", () => {
    const sim = device();
    sim.kernel.setTimeouts("storage", 300, 100);
    sim.executor.hangOnStart("storage");
    sim.kernel.start("ui");
    sim.runFor(2000);
    expect(states(sim)).toEqual({ sensor: "running", storage: "failed", telemetry: "stopped", ui: "stopped" });
    const abort = sim.events.find((e) => e.kind === "service-state" && e.serviceName === "ui" && e.to === "stopped")!;
    expect(abort.cause).toBe("dependency-failed");
    expect(sim.events.some((e) => e.kind === "instance-state" && e.serviceName === "ui")).toBe(false);
  });

  it("restarting a required unit restarts its dependents after it", () => {
    const sim = device();
    sim.kernel.startAll();
    sim.runFor(1000);
    const before = sim.events.length;
    sim.kernel.restart("storage");
    sim.runFor(2000);
    const log = transitions(sim.events.slice(before));
    expect(log.filter((t) => t.endsWith(">stopped"))).toEqual(["ui:stopping>stopped", "telemetry:stopping>stopped", "storage:stopping>stopped"]);
    const runningAgain = log.filter((t) => t.endsWith(">running"));
    expect(runningAgain).toEqual(["storage:starting>running", "telemetry:starting>running", "ui:starting>running"]);
    expect(Object.values(states(sim))).toEqual(["running", "running", "running", "running"]);
  });
});

describe("exits", () => {
  it("an exit before 'started' fails the start, even with status 0", () => {
    const sim = device();
    sim.kernel.start("sensor");
    const [spawn] = sim.kernel.drainActions();
    sim.kernel.instanceExited(spawn.instance, 0);
    expect(sim.kernel.state("sensor")).toBe("failed");
    expect(sim.kernel.instanceState(spawn.instance)).toBe("failed");
  });

  it("a clean exit of the last running instance stops the service and what requires it", () => {
    const sim = device();
    sim.kernel.startAll();
    sim.runFor(1000);
    const [handle] = sim.kernel.instances("storage");
    sim.kernel.instanceExited(handle, 0);
    sim.runFor(500);
    expect(states(sim)).toEqual({ sensor: "running", storage: "stopped", telemetry: "stopped", ui: "stopped" });
  });
});

describe("timeouts", () => {
  it("fails an instance that never reports started and kills it", () => {
    const sim = device();
    sim.kernel.setTimeouts("sensor", 500, 100);
    sim.executor.hangOnStart("sensor");
    const kills: number[] = [];
    const handle = sim.executor.handle.bind(sim.executor);
    sim.executor.handle = (action) => { if (action.kind === "kill") kills.push(sim.timeMs); handle(action); };
    sim.kernel.start("sensor");
    sim.runFor(1000);
    expect(sim.kernel.state("sensor")).toBe("failed");
    expect(kills).toEqual([500]);
    expect(sim.events.find((e) => e.kind === "instance-state" && e.to === "failed")!.cause).toBe("start-timeout");
  });

  it("kills an instance that ignores a graceful stop once the stop timeout passes", () => {
    const sim = device();
    sim.kernel.setTimeouts("ui", 1000, 250);
    sim.kernel.startAll();
    sim.runFor(1000);
    sim.executor.ignoreStop("ui");
    const stopAt = sim.timeMs;
    sim.kernel.stop("ui");
    sim.runFor(1000);
    const killed = sim.events.filter((e) => e.kind === "instance-state" && e.cause === "stop-timeout");
    expect(killed.map((e) => e.timeMs - stopAt)).toEqual([250, 250]);
    expect(sim.kernel.state("ui")).toBe("stopped");
  });
});

describe("illegal transitions and disabled services", () => {
  it("refuses to stop a stopped service and to start a disabled one, and stays usable", () => {
    const sim = device();
    expectError(() => sim.kernel.stop("ui"), "E_ILLEGAL_TRANSITION", "service 'ui' is already stopped");
    sim.kernel.disable("sensor");
    expectError(() => sim.kernel.start("sensor"), "E_SERVICE_DISABLED", "'sensor' is disabled");
    expectError(() => sim.kernel.start("ui"), "E_DEPENDENCY_DISABLED", "service 'ui' requires 'sensor', which is disabled");
    expectError(() => sim.kernel.stop("sensor"), "E_ILLEGAL_TRANSITION", "'sensor' is disabled");
    sim.kernel.enable("sensor");
    sim.kernel.start("ui");
    sim.runFor(1000);
    expect(sim.kernel.state("ui")).toBe("running");
    expectError(() => sim.kernel.disable("ui"), "E_SERVICE_ACTIVE", "'ui' is active");
    expectError(() => sim.kernel.depend("ui", "sensor"), "E_SERVICE_ACTIVE", "'ui' is active; stop it before changing its dependencies");
    expectError(() => sim.kernel.unregister("ui"), "E_SERVICE_ACTIVE");
  });

  it("rejects reports about unknown and stale instance handles", () => {
    const sim = device();
    sim.kernel.start("sensor");
    sim.runFor(500);
    const [handle] = sim.kernel.instances("sensor");
    sim.kernel.restart("sensor");
    sim.runFor(500);
    const [current] = sim.kernel.instances("sensor");
    expect(current).not.toBe(handle);
    expectError(() => sim.kernel.instanceExited(handle, 1), "E_STALE_INSTANCE", `${handle}`, `current handle is ${current}`);
    expectError(() => sim.kernel.instanceStarted(current), "E_ILLEGAL_TRANSITION", "of service 'sensor' is running");
    expectError(() => sim.kernel.instanceStarted(0), "E_UNKNOWN_INSTANCE");
    expect(sim.kernel.state("sensor")).toBe("running");
  });

  it("logs every transition with a contiguous sequence and legal moves only", () => {
    const sim = device({ jitterMs: 40 });
    sim.kernel.startAll();
    sim.runFor(1000);
    sim.executor.crash("storage");
    sim.runFor(500);
    sim.kernel.startAll();
    sim.runFor(1000);
    sim.kernel.stopAll();
    sim.runFor(1000);
    sim.events.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      if (e.kind === "service-state" || e.kind === "instance-state") expect(LEGAL_TRANSITIONS[e.from]).toContain(e.to);
      if (i > 0) expect(e.timeMs).toBeGreaterThanOrEqual(sim.events[i - 1].timeMs);
    });
    expect(sim.kernel.eventsLost).toBe(0);
  });
});
