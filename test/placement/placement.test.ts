// Fleet placement through the typed host API (host/kernel/placement.ts): the peer cases of
// Kubernetes and Nomad that apply (a required label no node has, max-per-node, spread over
// zones, binpack filling the fullest node that fits), tiers by class, explained refusals,
// all-or-nothing placement, re-placement when a node dies, and bad input.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, MycoError } from "../../host/index.ts";

const total = (fleet: Fleet, service: string) => fleet.assignments().filter((a) => a.service === service).length;

function fleetWith(services: string[]): { kernel: Kernel; fleet: Fleet } {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  for (const name of services) kernel.register(name);
  return { kernel, fleet: new Fleet(kernel) };
}

const big = { cpu: 4000, memory: 8192 };

describe("fleet placement", () => {
  it("refuses a required label no node has, counting the nodes per reason, and places nothing", () => {
    const { fleet } = fleetWith(["api"]);
    fleet.addNode("a", { tier: "sclerotia", capacity: big, labels: ["disk=hdd"] });
    fleet.addNode("b", { tier: "hyphae", capacity: big });
    fleet.spec("api", { class: "user", request: { cpu: 100 }, rules: [{ label: "disk=ssd", action: "require" }] });
    expect(() => fleet.place("api", 1)).toThrow(/'api' instance 0: no node fits: 2 nodes, 1 of a tier the class may not use .*, 1 lack a required label/);
    expect(fleet.refusal()).toEqual({ tier: 1, require: 1 });
    expect(total(fleet, "api")).toBe(0);
    expect(fleet.assignments()).toEqual([]);
  });

  it("names the resource, the need and the largest free on a node when capacity is short", () => {
    const { fleet } = fleetWith(["db"]);
    fleet.addNode("small", { tier: "sclerotia", capacity: { cpu: 1000, memory: 256 } });
    fleet.addNode("smaller", { tier: "sclerotia", capacity: { cpu: 1000, memory: 128 } });
    fleet.spec("db", { class: "critical", request: { cpu: 100, memory: 512 } });
    expect(() => fleet.place("db", 1)).toThrow(/2 lack memory \(need 512, largest free 256 on node 'small'\)/);
  });

  it("holds max-per-node (anti-affinity) and places all instances or none", () => {
    const { fleet } = fleetWith(["web"]);
    for (const name of ["n0", "n1", "n2"]) fleet.addNode(name, { tier: "sclerotia", capacity: big });
    fleet.spec("web", { class: "client", request: { cpu: 10 }, maxPerNode: 1 });
    expect(fleet.place("web", 3)).toBe(3);
    for (const name of ["n0", "n1", "n2"]) expect(fleet.count("web", name)).toBe(1);
    expect(() => fleet.place("web", 2)).toThrow(/'web' instance 3: no node fits: 3 nodes, 3 at max-per-node 1/);
    expect(total(fleet, "web")).toBe(3);
    expect(fleet.used("n0").cpu + fleet.used("n1").cpu + fleet.used("n2").cpu).toBe(30);
  });

  it("spreads evenly over zones", () => {
    const { fleet } = fleetWith(["edge"]);
    const zones = ["zone=eu", "zone=us", "zone=ap"];
    for (let i = 0; i < 9; i++) fleet.addNode(`n${i}`, { tier: "rhizomorph", capacity: big, zone: zones[i % 3] });
    fleet.spec("edge", { class: "distributed", request: { cpu: 100 }, spreadZone: true });
    fleet.place("edge", 12);
    const perZone = zones.map((zone) => [0, 1, 2, 3, 4, 5, 6, 7, 8].filter((i) => fleet.nodeView(`n${i}`).zone === zone)
      .reduce((sum, i) => sum + fleet.count("edge", `n${i}`), 0));
    expect(perZone).toEqual([4, 4, 4]);
  });

  it("binpack fills the fullest node that fits; spread picks the emptiest", () => {
    const { fleet } = fleetWith(["pack", "fill", "wide"]);
    fleet.addNode("empty", { tier: "sclerotia", capacity: { cpu: 1000 } });
    fleet.addNode("half", { tier: "sclerotia", capacity: { cpu: 1000 } });
    fleet.addNode("full", { tier: "sclerotia", capacity: { cpu: 1000 } });
    fleet.spec("fill", { class: "critical", request: { cpu: 500 }, rules: [{ label: "role=fill", action: "prefer" }] });
    fleet.setLabel("half", "role=fill", true);
    fleet.place("fill", 1); // prefer puts it on 'half'
    fleet.spec("pack", { class: "critical", request: { cpu: 400 } });
    expect(fleet.count("fill", "half")).toBe(1);
    fleet.place("pack", 1);
    expect(fleet.count("pack", "half")).toBe(1); // 900 of 1000: the fullest that fits
    fleet.place("pack", 1);
    expect(fleet.count("pack", "empty") + fleet.count("pack", "full")).toBe(1);
    fleet.spec("wide", { class: "critical", scoring: "spread", request: { cpu: 10 } });
    fleet.place("wide", 1);
    const emptiest = fleet.count("pack", "empty") === 1 ? "full" : "empty";
    expect(fleet.count("wide", emptiest)).toBe(1);
  });

  it("keeps hyphae for client services and critical services on sclerotia", () => {
    const { fleet } = fleetWith(["ui", "core"]);
    fleet.addNode("phone", { tier: "hyphae", capacity: big });
    fleet.addNode("gw", { tier: "rhizomorph", capacity: big });
    fleet.spec("ui", { class: "client", request: { cpu: 10 } });
    fleet.spec("core", { class: "critical", request: { cpu: 10 } });
    fleet.place("ui", 1);
    expect(fleet.count("ui", "phone") + fleet.count("ui", "gw")).toBe(1);
    expect(() => fleet.place("core", 1)).toThrow(/'core' instance 0: no node fits: 2 nodes, 2 of a tier the class may not use/);
  });

  it("re-places a dead node's instances, and places the waiting ones when room appears", () => {
    const { fleet } = fleetWith(["svc"]);
    fleet.addNode("a", { tier: "sclerotia", capacity: { cpu: 300 } });
    fleet.addNode("b", { tier: "sclerotia", capacity: { cpu: 200 } });
    fleet.spec("svc", { class: "user", request: { cpu: 100 } });
    fleet.place("svc", 4);
    expect([fleet.count("svc", "a"), fleet.count("svc", "b")]).toEqual([2, 2]); // binpack filled b first
    expect(fleet.setState("a", "dead")).toBe(2); // b is full: two wait
    expect(fleet.count("svc", "a")).toBe(0);
    expect(fleet.count("svc", "b")).toBe(2);
    expect(fleet.count("svc", undefined)).toBe(2); // two wait for a node
    expect(total(fleet, "svc")).toBe(4);
    expect(fleet.used("b").cpu).toBe(200);
    fleet.addNode("c", { tier: "sclerotia", capacity: {} });
    fleet.setCapacity("c", { cpu: 500 });
    expect(fleet.count("svc", "c")).toBe(2);
    expect(fleet.count(undefined, undefined)).toBe(0);
    expect(fleet.assignments().map((a) => a.node).sort()).toEqual(["b", "b", "c", "c"]);
  });

  it("refuses bad input with errors that name the node, service and value, and stays usable", () => {
    const { fleet } = fleetWith(["svc", "other"]);
    fleet.addNode("a", { tier: "sclerotia", capacity: { cpu: 100 } });
    expect(() => fleet.addNode("a", { tier: "hyphae" })).toThrow(/node 'a' is already registered/);
    expect(() => fleet.node("ghost")).toThrow(/node 'ghost' is not registered/);
    expect(() => fleet.addNode("b", { tier: "sclerotia", trust: 101 })).toThrow(/node 'b': trust 101 is outside 0..100/);
    expect(() => fleet.setCapacity("a", { cpu: 2 ** 33 })).toThrow(/node 'a': cpu capacity 8589934592 is outside/);
    expect(() => fleet.spec("svc", { class: "user", rules: [{ label: "nolabel", action: "require" }] })).toThrow(/label 'nolabel' is not key=value/);
    expect(() => fleet.spec("other", { class: "user", rules: [{ label: "a=b", action: "require" }, { label: "a=b", action: "forbid" }] }))
      .toThrow(/'other': label id \d+ cannot be both required and forbidden/);
    fleet.spec("svc", { class: "user", request: { cpu: 60 } });
    fleet.place("svc", 1);
    expect(() => fleet.setCapacity("a", { cpu: 50 })).toThrow(/node 'a': cpu capacity 50 is below what its instances use \(60\)/);
    expect(() => fleet.place("svc", 0)).toThrow(MycoError);
    expect(fleet.capacity("a").cpu).toBe(100);
    expect(() => fleet.place("svc", 1)).toThrow(/1 lack cpu \(need 60, largest free 40 on node 'a'\)/);
    fleet.addNode("b", { tier: "rhizomorph", capacity: { cpu: 100 } });
    expect(fleet.place("svc", 1)).toBe(2);
    expect(fleet.used("b").cpu).toBe(60);
  });

  it("a service leaving the registry releases its capacity; reset clears the fleet", () => {
    const { kernel, fleet } = fleetWith(["gone"]);
    fleet.addNode("a", { tier: "sclerotia", capacity: { cpu: 100 } });
    fleet.spec("gone", { class: "client", request: { cpu: 40 } });
    fleet.place("gone", 2);
    expect(fleet.used("a").cpu).toBe(80);
    kernel.unregister("gone");
    expect(fleet.used("a").cpu).toBe(0);
    kernel.reset();
    expect(() => fleet.node("a")).toThrow(/not registered/);
  });

  it("the mcu profile has no placement: its exports answer an error", () => {
    const fleet = new Fleet(new Kernel({ hal: new VirtualHal(), profile: "mcu" }));
    expect(fleet.nodesMax).toBe(0);
    expect(() => fleet.addNode("a", { tier: "sclerotia" })).toThrow(/no placement/);
  });
});
