// Peer cases from systemd: StartLimitBurst=/StartLimitIntervalSec= counting every start,
// Restart=on-failure and SuccessExitStatus=.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { device, since, steps } from "./support.ts";

describe("peer: systemd start limit", () => {
  it("StartLimitBurst=5 in 10 s: the sixth start is refused and the unit stays failed until reset", () => {
    const { sim, k, recovery } = device();
    k.register("unit");
    // Restart=always, RestartSec=100ms, StartLimitBurst=5, StartLimitIntervalSec=10s
    recovery.configure("unit", {
      restart: "always", restartsMax: 5, windowMs: 10_000, countEveryStart: true,
      backoff: { kind: "fixed", baseMs: 100, capMs: 100 },
    });
    sim.executor.crashAfterStart("unit", 50, 1, Infinity);
    const before = sim.events.length;
    k.start("unit");
    sim.runFor(5_000);
    const starts = since(sim, before).filter((e) => e.kind === "service-state" && e.serviceName === "unit" && e.to === "starting");
    expect(starts.map((e) => e.cause)).toEqual(["command", "recovery", "recovery", "recovery", "recovery"]);
    expect(sim.executor.spawned).toBe(5);
    expect(k.state("unit")).toBe("failed");
    expect(steps(since(sim, before), "unit").at(-1)).toBe("give-up");

    sim.runFor(30_000); // long past the interval: still failed, nothing restarts it
    expect(k.state("unit")).toBe("failed");
    expect(sim.executor.spawned).toBe(5);
    expectError(() => k.start("unit"), "E_START_LIMIT", "'unit'", "restart limit");

    k.stop("unit"); // stopping a failed unit resets it (systemctl reset-failed)
    sim.executor.heal();
    k.start("unit");
    sim.runFor(500);
    expect(k.state("unit")).toBe("running");
    expect(sim.executor.spawned).toBe(6);
  });

  it("operator starts count too: the sixth start within the interval is refused", () => {
    const { sim, k, recovery } = device();
    k.register("unit");
    recovery.configure("unit", { restart: "on-failure", restartsMax: 5, windowMs: 10_000, countEveryStart: true });
    for (let i = 1; i <= 5; i++) {
      k.start("unit");
      sim.runFor(100);
      k.stop("unit");
      sim.runFor(100);
    }
    expectError(() => k.start("unit"), "E_START_LIMIT");
    sim.runFor(10_000);
    k.start("unit"); // the interval passed
    sim.runFor(100);
    expect(k.state("unit")).toBe("running");
  });
});

describe("peer: systemd Restart= and SuccessExitStatus=", () => {
  function unit(policy: "on-failure" | "always", successExitCodes = [0]) {
    const d = device();
    d.k.register("unit");
    d.recovery.configure("unit", { restart: policy, successExitCodes, backoff: { kind: "fixed", baseMs: 100, capMs: 100 } });
    d.k.start("unit");
    d.sim.runFor(100);
    return d;
  }

  it("on-failure: a clean exit stops the unit; a failure restarts it", () => {
    const clean = unit("on-failure");
    clean.sim.executor.crash("unit", 0, 0);
    clean.sim.runFor(500);
    expect(clean.k.state("unit")).toBe("stopped");

    const failing = unit("on-failure");
    failing.sim.executor.crash("unit", 0, 1);
    failing.sim.runFor(500);
    expect(failing.k.state("unit")).toBe("running");
  });

  it("always: a clean exit restarts the unit too", () => {
    const { sim, k } = unit("always");
    sim.executor.crash("unit", 0, 0);
    sim.runFor(500);
    expect(k.state("unit")).toBe("running");
    expect(sim.executor.spawned).toBe(2);
  });

  it("SuccessExitStatus=3: exit code 3 is a clean exit, a signal never is", () => {
    const { sim, k } = unit("on-failure", [0, 3]);
    sim.executor.crash("unit", 0, 3);
    sim.runFor(500);
    expect(k.state("unit")).toBe("stopped");
    k.start("unit");
    sim.runFor(100);
    sim.executor.crash("unit", 0, -15);
    sim.runFor(500);
    expect(k.state("unit")).toBe("running");
  });
});
