// Peer cases from Kubernetes probes: failureThreshold with periodSeconds, successThreshold,
// initialDelaySeconds, timeoutSeconds, and a startup probe holding the liveness probe back.
import { describe, it, expect } from "vitest";
import { healthChangeOf, type Action } from "../../host/index.ts";
import { device, since } from "../recovery/support.ts";

/** Records every run-check action the executor is handed, with its time. */
function recordChecks(sim: ReturnType<typeof device>["sim"]): { atMs: number; check: number }[] {
  const seen: { atMs: number; check: number }[] = [];
  const handle = sim.executor.handle.bind(sim.executor);
  sim.executor.handle = (action: Action) => {
    if (action.kind === "run-check") seen.push({ atMs: sim.timeMs, check: action.arg });
    handle(action);
  };
  return seen;
}

describe("peer: Kubernetes liveness probe", () => {
  it("failureThreshold 3, periodSeconds 10: unhealthy after exactly the third failure", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { kind: "http", role: "liveness", intervalMs: 10_000, timeoutMs: 1_000, fall: 3 });
    k.start("api");
    sim.runFor(25_000); // probes at ~10 ms, 10 s, 20 s pass
    expect(health.of("api")).toBe("healthy");
    sim.executor.checks("api", { mode: "fail" });
    const before = sim.events.length;
    const handle = k.instances("api")[0];

    sim.runFor(10_000); // one failure (t ~ 30 s)
    expect(health.ofInstance(handle)).toBe("healthy");
    sim.runFor(10_000); // two (t ~ 40 s)
    expect(health.ofInstance(handle)).toBe("healthy");
    sim.runFor(10_000); // three (t ~ 50 s)

    const unhealthy = since(sim, before).map(healthChangeOf).find((h) => h?.instance === handle && h.to === "unhealthy")!;
    const failures = health.history("api").filter((r) => r.outcome === "failure");
    expect(failures).toHaveLength(3);
    expect(unhealthy.timeMs).toBe(failures[2].timeMs);
    expect(failures[1].timeMs - failures[0].timeMs).toBe(10_000);
    expect(unhealthy.cause).toBe("check-result");
    expect(k.state("api")).toBe("failed"); // the restart policy is `never`: the kill fails the service
  });

  it("timeoutSeconds: a result that does not come in time is a failure (timeout)", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { intervalMs: 1_000, timeoutMs: 200, fall: 2 });
    k.start("api");
    sim.executor.checks("api", { mode: "hang" });
    sim.runFor(1_500);
    expect(health.history("api").map((r) => r.outcome)).toEqual(["timeout", "timeout"]);
    expect(health.counters().checkTimeouts).toBe(2);
    expect(k.state("api")).toBe("failed");
  });

  it("initialDelaySeconds: no probe reaches an instance younger than the start period", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { intervalMs: 1_000, startPeriodMs: 3_000 });
    const seen = recordChecks(sim);
    k.start("api");
    sim.runFor(5_000);
    expect(seen[0].atMs).toBe(10 + 3_000); // started at 10 ms
  });

  it("successThreshold: a readiness probe passes after `rise` successes in a row", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { role: "readiness", intervalMs: 1_000, rise: 3, fall: 1 });
    k.start("api");
    sim.runFor(1_500); // two successes
    expect(health.of("api")).toBe("unknown");
    sim.runFor(1_000); // three
    expect(health.of("api")).toBe("healthy");
    sim.executor.checks("api", { mode: "fail" });
    sim.runFor(1_000);
    expect(health.of("api")).toBe("degraded"); // not ready: running, but no traffic preferred
    expect(k.state("api")).toBe("running"); // readiness never kills
  });
});

describe("peer: Kubernetes startup probe", () => {
  it("holds the liveness probe back until it first succeeds, then stops", () => {
    const { sim, k, health } = device();
    k.register("api");
    const startup = health.addCheck("api", { role: "startup", intervalMs: 1_000, fall: 30 });
    const liveness = health.addCheck("api", { role: "liveness", intervalMs: 1_000, fall: 3 });
    const seen = recordChecks(sim);
    sim.executor.checks("api", { mode: "fail" }); // still booting
    k.start("api");
    sim.runFor(5_500);
    expect(seen.every((s) => s.check === startup)).toBe(true);
    expect(seen).toHaveLength(6);
    expect(k.state("api")).toBe("running"); // startup failures below its threshold do not kill

    sim.executor.checks("api", { mode: "pass" });
    sim.runFor(4_000);
    const passedAt = health.history("api").find((r) => r.outcome === "success")!.timeMs;
    const afterPass = seen.filter((s) => s.atMs > passedAt);
    expect(afterPass.length).toBeGreaterThanOrEqual(3);
    expect(afterPass.every((s) => s.check === liveness)).toBe(true);
    expect(seen.filter((s) => s.check === liveness).every((s) => s.atMs >= passedAt)).toBe(true);
    expect(health.of("api")).toBe("healthy");
  });

  it("a startup probe that reaches its failure threshold kills the instance", () => {
    const { sim, k, health } = device();
    k.register("api");
    health.addCheck("api", { role: "startup", intervalMs: 500, fall: 4 });
    sim.executor.checks("api", { mode: "fail" });
    k.start("api");
    sim.runFor(3_000);
    expect(k.state("api")).toBe("failed");
    expect(health.history("api").filter((r) => r.outcome === "failure")).toHaveLength(4);
  });
});
