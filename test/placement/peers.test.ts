// Peer behaviours at fleet scale (issue 13), in the `fleet` profile with hundreds of nodes, so
// placement scores a sample of the feasible nodes (place.ts sampleSize): each test names the
// Kubernetes or Nomad documentation it mirrors, and checks that sampling never loses a hard rule
// and that a refusal still counts every node, exactly (the expected counts are recomputed here).
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet } from "../../host/index.ts";

const ZONES = ["zone=a", "zone=b", "zone=c", "zone=d"];

function fleetOf(nodes: number, label: (n: number) => string[], services: string[], tier: (n: number) => "sclerotia" | "rhizomorph" | "hyphae" = () => "sclerotia") {
  const kernel = new Kernel({ hal: new VirtualHal(3), profile: "fleet" });
  const fleet = new Fleet(kernel);
  for (const name of services) kernel.register(name);
  for (let n = 0; n < nodes; n++) fleet.addNode(`n${n}`, { tier: tier(n), capacity: { cpu: 4000, memory: 4096 }, labels: label(n), zone: ZONES[n % ZONES.length] });
  return { kernel, fleet };
}

const nodesOf = (fleet: Fleet, service: string) => fleet.assignments().filter((a) => a.service === service).map((a) => Number(a.node!.slice(1)));

describe("peer behaviours at fleet scale (sampled scoring)", () => {
  it("Kubernetes nodeSelector / Nomad constraint: a required label no node has leaves the pod unplaceable, every node counted per reason", () => {
    const { fleet } = fleetOf(600, () => ["disk=hdd"], ["api"], (n) => (n % 5 === 0 ? "hyphae" : "rhizomorph"));
    fleet.spec("api", { class: "user", request: { cpu: 100 }, rules: [{ label: "disk=ssd", action: "require" }] });
    expect(() => fleet.place("api", 1)).toThrow(/'api' instance 0: no node fits: 600 nodes, 120 of a tier the class may not use .*, 480 lack a required label/);
    expect(fleet.refusal()).toEqual({ tier: 120, require: 480 });
    expect(fleet.assignments()).toEqual([]);
  });

  it("Kubernetes requiredDuringSchedulingIgnoredDuringExecution node affinity: every pod lands on a node with the label, however few", () => {
    const { fleet } = fleetOf(800, (n) => (n % 37 === 5 ? ["gpu=yes"] : []), ["train"]);
    fleet.spec("train", { class: "client", request: { cpu: 500 }, rules: [{ label: "gpu=yes", action: "require" }] });
    const labelled = Array.from({ length: 800 }, (_, n) => n).filter((n) => n % 37 === 5);
    fleet.place("train", labelled.length * 8); // exactly the room the labelled nodes have (8 x 500 of 4000 cpu)
    for (const n of nodesOf(fleet, "train")) expect(n % 37).toBe(5);
    expect(() => fleet.place("train", 1)).toThrow(new RegExp(`800 nodes, ${800 - labelled.length} lack a required label, ${labelled.length} lack cpu`));
  });

  it("Kubernetes taints with NoSchedule / Nomad constraint operator '!=': a forbidden label is never used", () => {
    const { fleet } = fleetOf(400, (n) => (n % 3 === 0 ? ["role=control-plane"] : []), ["web"]);
    fleet.spec("web", { class: "client", request: { cpu: 100 }, rules: [{ label: "role=control-plane", action: "forbid" }] });
    fleet.place("web", 2000);
    for (const n of nodesOf(fleet, "web")) expect(n % 3).not.toBe(0);
  });

  it("Nomad distinct_hosts / Kubernetes pod anti-affinity on hostname: max-per-node 1 uses every node once, then refuses with the count", () => {
    const { fleet } = fleetOf(300, () => [], ["db"]);
    fleet.spec("db", { class: "client", request: { cpu: 10 }, maxPerNode: 1 });
    expect(fleet.place("db", 300)).toBe(300);
    expect(new Set(nodesOf(fleet, "db")).size).toBe(300);
    expect(() => fleet.place("db", 1)).toThrow(/'db' instance 300: no node fits: 300 nodes, 300 at max-per-node 1/);
  });

  it("Kubernetes topologySpreadConstraints (maxSkew 1 over topology.kubernetes.io/zone): instances even over zones", () => {
    const { fleet } = fleetOf(600, () => [], ["edge"]);
    fleet.spec("edge", { class: "distributed", request: { cpu: 10 }, spreadZone: true });
    fleet.place("edge", 1001);
    const perZone = ZONES.map((_, z) => nodesOf(fleet, "edge").filter((n) => n % ZONES.length === z).length);
    expect(Math.max(...perZone) - Math.min(...perZone)).toBeLessThanOrEqual(1);
  });

  it("Nomad's binpack scoring: instances fill the nodes already in use before opening empty ones", () => {
    const { fleet } = fleetOf(1000, () => [], ["batch"]);
    fleet.spec("batch", { class: "client", scoring: "binpack", request: { cpu: 400, memory: 100 } });
    fleet.place("batch", 200); // 10 fit a node (4000 cpu)
    expect(new Set(nodesOf(fleet, "batch")).size).toBe(20);
  });

  it("Kubernetes preferredDuringSchedulingIgnoredDuringExecution weights: the heavier preference wins", () => {
    const { fleet } = fleetOf(8, (n) => (n === 2 ? ["tier=cache"] : n === 6 ? ["tier=edge"] : []), ["svc"]);
    fleet.spec("svc", { class: "client", request: { cpu: 10 }, rules: [{ label: "tier=cache", action: "prefer", priority: 20 }, { label: "tier=edge", action: "prefer", priority: 80 }] });
    fleet.place("svc", 1);
    expect(nodesOf(fleet, "svc")).toEqual([6]);
  });

  it("a dead node's instances only are re-placed (its own list), onto nodes that pass every rule", () => {
    const { fleet } = fleetOf(500, (n) => (n % 2 ? ["disk=ssd"] : []), ["a", "b"]);
    fleet.spec("a", { class: "client", request: { cpu: 100 }, rules: [{ label: "disk=ssd", action: "require" }] });
    fleet.spec("b", { class: "client", request: { cpu: 100 } });
    fleet.place("a", 3000);
    fleet.place("b", 3000);
    const victim = nodesOf(fleet, "a")[0];
    const before = fleet.assignments().filter((x) => x.node !== `n${victim}`).map((x) => `${x.slot}@${x.node}`);
    expect(fleet.setState(`n${victim}`, "dead")).toBe(0);
    const after = new Set(fleet.assignments().map((x) => `${x.slot}@${x.node}`));
    for (const kept of before) expect(after.has(kept)).toBe(true); // nothing else moved
    expect(fleet.count(undefined, `n${victim}`)).toBe(0);
    for (const n of nodesOf(fleet, "a")) expect(n % 2).toBe(1);
  });
});
