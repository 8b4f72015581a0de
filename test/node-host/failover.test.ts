// The host's failover bookkeeping in the event log's order: a failover action moves the traffic;
// only a run of the service logged after the failover's own recovery record brings it back (the
// driver hands out a round's actions before its events, so an earlier running event of the
// same round must not undo the failover at once).
import { describe, expect, it } from "vitest";
import { Failover } from "../../host/supervisor/failover.ts";
import type { KernelEvent } from "../../host/kernel/abi.ts";
import { RECOVERY_STEPS } from "../../host/kernel/recovery.ts";

let seq = 0;
function event(kind: KernelEvent["kind"], serviceName: string, extra: Partial<KernelEvent> = {}): KernelEvent {
  return {
    seq: seq++, timeMs: 0, kind, service: 0, serviceName, instance: -1, from: "stopped", to: "stopped",
    fromCode: 0, toCode: 0, cause: "command", value: 0, ...extra,
  };
}
const running = (kind: "service-state" | "instance-state", service: string) => event(kind, service, { to: "running" });
const failoverRecord = (service: string) => event("recovery", service, { fromCode: RECOVERY_STEPS.indexOf("failover") });

describe("failover bookkeeping", () => {
  it("a running event logged before the failover record does not bring the traffic back; one after it does", () => {
    const notes: string[] = [];
    const failover = new Failover({ gateways: new Map(), addressesOf: () => [], note: (_, text) => notes.push(text) });
    failover.to("primary", "standby");
    failover.observe(running("instance-state", "primary")); // same round, logged before the failover
    failover.observe(running("service-state", "standby"));
    expect(failover.backupOf("primary")).toBe("standby");
    failover.observe(failoverRecord("primary"));
    expect(failover.backupOf("primary")).toBe("standby");
    failover.observe(running("instance-state", "primary"));
    expect(failover.backupOf("primary")).toBeUndefined();
    expect(notes).toEqual([
      "primary: failover: new {DEP}_ADDR go to standby until primary runs again",
      "primary: runs again; its traffic is back from standby",
    ]);
  });
});
