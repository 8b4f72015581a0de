// The mission's placement semantics (issue 13): critical always has a backup on another
// sclerotia (another zone when one exists), user prefers a rhizomorph with a sclerotia backup,
// direct honours the operator's nodes and falls back in order, soft rules weigh by priority,
// load and trust conditions, failover to the backup, and `deployment: auto`.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet } from "../../host/index.ts";

function fleetWith(services: string[]): Fleet {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  for (const name of services) kernel.register(name);
  return new Fleet(kernel);
}

const big = { cpu: 4000, memory: 8192 };
const of = (fleet: Fleet, service: string) => fleet.assignments().filter((a) => a.service === service);

describe("placement semantics", () => {
  it("gives a critical instance a backup on another sclerotia, in another zone when one exists", () => {
    const fleet = fleetWith(["db"]);
    fleet.addNode("s1", { tier: "sclerotia", capacity: big, zone: "zone=eu" });
    fleet.addNode("s2", { tier: "sclerotia", capacity: big, zone: "zone=eu" });
    fleet.addNode("s3", { tier: "sclerotia", capacity: big, zone: "zone=us" });
    fleet.addNode("r1", { tier: "rhizomorph", capacity: big, zone: "zone=ap" });
    fleet.spec("db", { class: "critical", request: { cpu: 100 } });
    fleet.place("db", 1);
    const [a] = of(fleet, "db");
    expect(a.backups).toHaveLength(1);
    expect(a.backups[0]).not.toBe(a.node);
    expect(fleet.nodeView(a.backups[0]).tier).toBe("sclerotia");
    expect(fleet.nodeView(a.backups[0]).zone).not.toBe(fleet.nodeView(a.node!).zone);
    expect(fleet.backupsMissing("db")).toBe(0);
  });

  it("leaves a critical backup missing (counted) with one sclerotia, and fills it when a second joins", () => {
    const fleet = fleetWith(["db"]);
    fleet.addNode("s1", { tier: "sclerotia", capacity: big });
    fleet.addNode("r1", { tier: "rhizomorph", capacity: big });
    fleet.spec("db", { class: "critical", request: { cpu: 100 } });
    fleet.place("db", 2);
    expect(fleet.backupsMissing("db")).toBe(2);
    fleet.addNode("s2", { tier: "sclerotia", capacity: big });
    expect(fleet.backupsMissing("db")).toBe(0);
    for (const a of of(fleet, "db")) expect(a.backups).toEqual(["s2"]);
  });

  it("refuses a critical service when no sclerotia exists, naming the reason, placing nothing", () => {
    const fleet = fleetWith(["db"]);
    fleet.addNode("r1", { tier: "rhizomorph", capacity: big });
    fleet.spec("db", { class: "critical", request: { cpu: 100 } });
    expect(() => fleet.place("db", 1)).toThrow(/'db' instance 0: no node fits: 1 nodes, 1 of a tier the class may not use/);
    expect(of(fleet, "db")).toEqual([]);
  });

  it("puts a user instance on a rhizomorph with a sclerotia backup", () => {
    const fleet = fleetWith(["app"]);
    fleet.addNode("s1", { tier: "sclerotia", capacity: big });
    fleet.addNode("r1", { tier: "rhizomorph", capacity: big });
    fleet.addNode("r2", { tier: "rhizomorph", capacity: big });
    fleet.spec("app", { class: "user", request: { cpu: 100 } });
    fleet.place("app", 2);
    for (const a of of(fleet, "app")) {
      expect(fleet.nodeView(a.node!).tier).toBe("rhizomorph");
      expect(a.backups).toEqual(["s1"]);
    }
  });

  it("fails a dead node's instance over to its backup", () => {
    const fleet = fleetWith(["db"]);
    fleet.addNode("s1", { tier: "sclerotia", capacity: big, zone: "zone=a" });
    fleet.addNode("s2", { tier: "sclerotia", capacity: big, zone: "zone=a" });
    fleet.addNode("s3", { tier: "sclerotia", capacity: big, zone: "zone=b" });
    fleet.spec("db", { class: "critical", request: { cpu: 100 } });
    fleet.place("db", 1);
    const [before] = of(fleet, "db");
    expect(fleet.setState(before.node!, "dead")).toBe(0);
    const [after] = of(fleet, "db");
    expect(after.node).toBe(before.backups[0]);
    expect(after.backups).toHaveLength(1);
    expect(after.backups[0]).not.toBe(before.node);
    expect(after.backups[0]).not.toBe(after.node);
  });

  it("honours a direct assignment and falls back to the backups in order", () => {
    const fleet = fleetWith(["plc"]);
    for (const name of ["gw-1", "gw-2", "gw-3", "other"]) fleet.addNode(name, { tier: "rhizomorph", capacity: { cpu: 1000 } });
    fleet.spec("plc", { class: "client", assignment: "direct", nodes: ["gw-2", "gw-3", "gw-1"], request: { cpu: 600 } });
    fleet.place("plc", 1);
    expect(of(fleet, "plc")[0]).toMatchObject({ node: "gw-2", backups: [] }); // a client standard service has no backup
    fleet.place("plc", 1); // gw-2 is full: the first backup
    expect(fleet.count("plc", "gw-3")).toBe(1);
    fleet.setState("gw-2", "dead");
    expect(fleet.count("plc", "gw-1")).toBe(1); // gw-3 is full: the next in order
    expect(fleet.count("plc", "other")).toBe(0);
    expect(() => fleet.place("plc", 1)).toThrow(/no node fits: 4 nodes, 1 not alive, 1 not among the operator's direct nodes, 2 lack cpu/);
    expect(fleet.refusal()).toEqual({ "not-alive": 1, direct: 1, cpu: 2 });
  });

  it("gives a direct replicated instance its backups from the operator's list, in order", () => {
    const fleet = fleetWith(["plc"]);
    for (const name of ["gw-1", "gw-2", "gw-3"]) fleet.addNode(name, { tier: "rhizomorph", capacity: { cpu: 1000 } });
    fleet.spec("plc", { class: "client", assignment: "direct", nodes: ["gw-1", "gw-3", "gw-2"], deployment: { model: "replicated", backups: 2 }, request: { cpu: 100 } });
    fleet.place("plc", 1);
    expect(of(fleet, "plc")[0]).toMatchObject({ node: "gw-1", backups: ["gw-3", "gw-2"] });
  });

  it("weighs soft rules by priority, and holds load and trust conditions", () => {
    const fleet = fleetWith(["svc", "safe", "cool"]);
    fleet.addNode("a", { tier: "rhizomorph", capacity: big, labels: ["disk=ssd"], trust: 90 });
    fleet.addNode("b", { tier: "rhizomorph", capacity: big, labels: ["gpu=yes"], trust: 40 });
    fleet.spec("svc", { class: "client", request: { cpu: 10 }, rules: [{ label: "disk=ssd", action: "prefer", priority: 10 }, { label: "gpu=yes", action: "prefer", priority: 90 }] });
    fleet.place("svc", 1);
    expect(fleet.count("svc", "b")).toBe(1);
    fleet.spec("safe", { class: "client", request: { cpu: 10 }, rules: [{ trustAtLeast: 60, action: "require" }] });
    fleet.place("safe", 2);
    expect(fleet.count("safe", "a")).toBe(2);
    fleet.setLoad("a", 95);
    fleet.spec("cool", { class: "client", request: { cpu: 10 }, rules: [{ loadAbove: 80, action: "forbid" }, { tier: "hyphae", action: "avoid" }] });
    fleet.place("cool", 1);
    expect(fleet.count("cool", "b")).toBe(1);
    fleet.setLoad("b", 90);
    expect(() => fleet.place("cool", 1)).toThrow(/2 fail a tier, load or trust rule/);
    expect(fleet.refusal()).toEqual({ rule: 2 });
  });

  it("recommends a deployment model for `auto`, with its rationale", () => {
    const fleet = fleetWith(["kv", "api", "legacy", "cron"]);
    fleet.spec("kv", { class: "distributed", deployment: { model: "auto", traits: ["own-consensus"] } });
    fleet.spec("api", { class: "user", deployment: { model: "auto", traits: ["needs-ha"] } });
    fleet.spec("legacy", { class: "user", deployment: { model: "auto", traits: ["needs-os"] } });
    fleet.spec("cron", { class: "client", deployment: { model: "auto" } });
    expect(fleet.specOf("kv").deployment).toMatchObject({ declared: "auto", model: "native" });
    expect(fleet.specOf("api").deployment.model).toBe("replicated");
    expect(fleet.specOf("api").deployment.rationale).toMatch(/high availability/);
    expect(fleet.specOf("legacy").deployment.rationale).toMatch(/VM executor/);
    expect(fleet.specOf("cron").deployment.model).toBe("standard");
    expect(fleet.specOf("cron").backups).toBe(0);
    expect(fleet.specOf("api").backups).toBe(1);
  });

  it("rejects bad specs with the service, field and value, changing nothing", () => {
    const fleet = fleetWith(["svc"]);
    expect(() => fleet.spec("svc", { class: "client", deployment: { model: "native", shards: 0, rebalance: 1 } })).toThrow(/'svc': native deployment needs shards/);
    expect(() => fleet.spec("svc", { class: "client", rules: [{ trustAtLeast: 101, action: "require" }] })).toThrow(/'svc': rule value 101 is outside 0..100/);
    expect(() => fleet.spec("svc", { class: "client", assignment: "direct", nodes: ["a", "a"] })).toThrow(/'svc': direct node 'a' is named twice/);
    expect(() => fleet.spec("svc", { class: "client", migration: { strategy: "rolling", batch: 0 } })).toThrow(/'svc': migration batch 0 is outside 1..65535/);
  });
});
