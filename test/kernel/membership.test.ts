// A free service row is at its defaults however it got free: never used since init, put back
// per row when its service left, or put back per column by reset(). The per-row and per-column
// code are two copies of the same defaults; this keeps them equal.
import { describe, it, expect } from "vitest";
import { Recovery, HealthMonitor } from "../../host/index.ts";
import { virtualKernel } from "../helpers.ts";

function defaultsOf(kernel: ReturnType<typeof virtualKernel>["kernel"], name: string) {
  const health = new HealthMonitor(kernel);
  return { recovery: new Recovery(kernel).info(name), health: health.of(name), availability: health.availability(name), history: health.history(name) };
}

/** Registers `name`, gives it a non-default policy, checks, a watchdog, a crash record. */
function dirty(kernel: ReturnType<typeof virtualKernel>["kernel"], name: string): void {
  kernel.register(name, { instances: 2 });
  new Recovery(kernel).configure(name, {
    restart: "always", restartsMax: 2, windowMs: 1_000, backoff: { kind: "linear", baseMs: 7, capMs: 70, jitter: "full" },
    group: "one_for_all", escalation: { reboot: true },
  });
  const health = new HealthMonitor(kernel);
  health.addCheck(name, { intervalMs: 50 });
  health.watchdog(name, 500);
  health.setAvailabilityWindow(name, 60_000);
}

describe("service rows at their defaults", () => {
  it("a row freed by unregister or by reset reads like one never used", () => {
    const fresh = virtualKernel().kernel;
    fresh.register("svc");
    const expected = defaultsOf(fresh, "svc");

    const unregistered = virtualKernel().kernel;
    dirty(unregistered, "svc");
    unregistered.unregister("svc");
    expect(unregistered.register("svc")).toBe(0);
    expect(defaultsOf(unregistered, "svc")).toEqual(expected);

    const reset = virtualKernel().kernel;
    dirty(reset, "svc");
    reset.reset();
    expect(reset.register("svc")).toBe(0);
    expect(defaultsOf(reset, "svc")).toEqual(expected);
  });
});
