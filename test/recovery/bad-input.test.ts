// Bad configuration is refused when it is set, with a message naming the service, the field
// and the value; nothing changes; nothing traps.
import { describe, it, expect } from "vitest";
import { expectError } from "../helpers.ts";
import { device } from "./support.ts";
import { recordOf, type RecordValues } from "../../host/kernel/records.ts";
import { callExport, type KernelFunctionName } from "../../host/kernel/exports.ts";

describe("bad health and recovery configuration", () => {
  const setup = () => {
    const d = device();
    d.k.register("pump");
    return d;
  };

  it("thresholds of zero", () => {
    const { health } = setup();
    expectError(() => health.addCheck("pump", { fall: 0 }), "E_INVALID_THRESHOLD", "'pump'", "check fall 0", "1..100");
    expectError(() => health.addCheck("pump", { rise: 0 }), "E_INVALID_THRESHOLD", "'pump'", "check rise 0");
    expectError(() => health.setFlapping("pump", 0, 1_000), "E_INVALID_THRESHOLD", "'pump'", "flapping transitions 0");
    expect(health.checks.size).toBe(0); // the half-made check was removed again
  });

  it("negative or absurd periods", () => {
    const { health, recovery } = setup();
    expectError(() => health.addCheck("pump", { intervalMs: -5 }), "E_INVALID_PERIOD", "'pump'", "check intervalMs -5");
    expectError(() => health.addCheck("pump", { intervalMs: 1_000, timeoutMs: 5_000 }), "E_INVALID_PERIOD", "check timeoutMs 5000", "1..1000");
    expectError(() => health.addCheck("pump", { intervalMs: 10 ** 10 }), "E_INVALID_PERIOD", "'pump'");
    expectError(() => health.watchdog("pump", -1), "E_INVALID_PERIOD", "'pump'", "watchdogMs -1");
    expectError(() => recovery.configure("pump", { windowMs: 0 }), "E_INVALID_PERIOD", "'pump'", "restartWindowMs 0");
    expectError(() => recovery.configure("pump", { stableMs: -2 }), "E_INVALID_PERIOD", "'pump'", "stableMs -2"); // -1: the default
    expectError(() => recovery.configure("pump", { crashLoop: { faults: 3, windowMs: 100_000_000 } }), "E_INVALID_PERIOD", "crashLoop windowMs 100000000");
  });

  it("cap below base, and factors out of range", () => {
    const { recovery } = setup();
    expectError(() => recovery.configure("pump", { backoff: { baseMs: 1_000, capMs: 500 } }), "E_INVALID_BACKOFF", "'pump'", "capMs 500", "1000..");
    expectError(() => recovery.configure("pump", { backoff: { factor: 0.5 } }), "E_INVALID_BACKOFF", "factorPercent 50");
    expectError(() => recovery.configure("pump", { backoff: { kind: "fibonacci" as never } }), "E_INVALID_BACKOFF", "'pump'", "'fibonacci'");
    expectError(() => recovery.configure("pump", { backoff: { jitter: "some" as never } }), "E_INVALID_BACKOFF", "jitter 'some'");
  });

  it("unknown check kind and role", () => {
    const { k, health } = setup();
    expectError(() => health.addCheck("pump", { kind: "ping" as never }), "E_INVALID_CHECK_KIND", "'pump'", "'ping'");
    const raw = (values: RecordValues<"check">) => () => k.check(k.exports.checkAdd(k.id("pump"), k.putRecord(recordOf("check", values))));
    expectError(raw({ kind: 9 }), "E_INVALID_CHECK_KIND", "'pump'", "check kind 9");
    expectError(raw({ role: 7 }), "E_INVALID_CHECK_ROLE", "check role 7");
    expectError(() => k.check(k.exports.checkAdd(k.id("pump"), 24)), "E_INVALID_ARGUMENT", "check record length 24 is not its 28 bytes");
    health.addCheck("pump", { role: "startup" });
    expectError(() => health.addCheck("pump", { role: "startup" }), "E_INVALID_CHECK_ROLE", "startup check already");
  });

  it("unknown strategy, pattern, group strategy and restart policy", () => {
    const { k, recovery } = setup();
    expectError(() => recovery.configure("pump", { strategies: { crash: ["reboot" as never] } }), "E_UNKNOWN_STRATEGY", "'pump'", "'reboot'");
    expectError(() => recovery.configure("pump", { strategies: { meltdown: ["restart"] } as never }), "E_UNKNOWN_STRATEGY", "'meltdown'");
    expectError(() => recovery.configure("pump", { group: "all_for_one" as never }), "E_UNKNOWN_STRATEGY", "'all_for_one'");
    expectError(() => recovery.configure("pump", { restart: "sometimes" as never }), "E_INVALID_POLICY", "'pump'", "'sometimes'");
    const raw = (values: RecordValues<"recovery">) => () => k.applyRecord("pump", "recovery", recordOf("recovery", values));
    expectError(raw({ strategies1: 0x9 }), "E_UNKNOWN_STRATEGY", "strategy 9");
    expectError(raw({ strategies1: 0x201 }), "E_UNKNOWN_STRATEGY", "follows the end");
    expectError(raw({ strategies7: 0x10000 }), "E_UNKNOWN_STRATEGY", "strategy list 65536");
    expectError(raw({ policy: 3 }), "E_INVALID_POLICY", "restart policy 3");
  });

  it("intensity of zero restarts with restart policy always", () => {
    const { k, recovery } = setup();
    expectError(() => recovery.configure("pump", { restart: "always", restartsMax: 0 }), "E_INVALID_INTENSITY", "'pump'", "always", "restartsMax 0");
    expect(recovery.info("pump").policy).toBe("never");
    // one record, checked whole: the same refusal whichever field a host fills in first
    const both = (order: ("restart" | "restartsMax")[]) => () => recovery.configure("pump", Object.fromEntries(
      order.map((key) => [key, key === "restart" ? "always" : 0])));
    expectError(both(["restartsMax", "restart"]), "E_INVALID_INTENSITY", "'pump'", "always", "restartsMax 0");
    expectError(both(["restart", "restartsMax"]), "E_INVALID_INTENSITY", "'pump'", "always", "restartsMax 0");
    k.register("pump2");
    recovery.configure("pump2", { restart: "always" });
    recovery.configure("pump2", { restartsMax: 0 }); // a whole record: its policy is the default (never) again
    expect(recovery.info("pump2").policy).toBe("never");
    expect(recovery.record("pump2").restartsMax).toBe(0);
    expectError(() => recovery.configure("pump2", { restartsMax: 99 }), "E_INVALID_INTENSITY", "restartsMax 99");
    recovery.configure("pump2", { restart: "on-failure", restartsMax: 0 }); // on-failure with no restarts: allowed (it escalates at once)
    expect(recovery.info("pump2").policy).toBe("on-failure");
  });

  it("checks change only while the service is at rest; unknown ids are named", () => {
    const { sim, k, health } = setup();
    const check = health.addCheck("pump");
    k.start("pump");
    sim.runFor(100);
    expectError(() => health.addCheck("pump"), "E_SERVICE_ACTIVE", "'pump'");
    expectError(() => health.removeCheck(check), "E_SERVICE_ACTIVE", "'pump'");
    expectError(() => health.removeCheck(999), "E_UNKNOWN_CHECK", "check id 999");
    const raw = k.exports;
    expectError(() => k.check(raw.checkReport(check, k.instances("pump")[0], 5, 1)), "E_INVALID_CHECK_OUTCOME", "'pump'", "outcome 5");
    expectError(() => k.check(raw.checkReport(check, k.instances("pump")[0], 0, -1)), "E_INVALID_CHECK_OUTCOME", "latencyMs -1");
    expectError(() => health.report(check, 12345, "success", 1), "E_UNKNOWN_INSTANCE");
  });

  it("random garbage never traps", () => {
    const { k } = setup();
    const names: KernelFunctionName[] = [
      "checkAdd", "checkRecord", "checkRemove", "checkReport", "healthOfService", "healthOfInstance",
      "healthHistory", "healthAvailability", "healthSetWindow", "healthSetFlapping", "watchdogSet", "watchdogPing",
      "dependencyCondition", "recordApply", "recordRead", "recoveryReset", "recoveryInfo",
    ];
    const values = [-1, 0, 1, 2, 3, 7, 8, 255, 65_536, -2_147_483_648, 2_147_483_647];
    let calls = 0;
    for (const name of names) {
      for (let i = 0; i < 200; i++) {
        const args = Array.from({ length: 6 }, (_, j) => values[(i * 7 + j * 13 + name.length) % values.length]);
        callExport(k.exports, name, ...args);
        calls++;
      }
    }
    expect(calls).toBe(names.length * 200);
    expect(k.memoryBytes()).toBeGreaterThan(0);
  });
});
