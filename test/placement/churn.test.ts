// A seeded simulation of fleet churn: nodes join, die, drain, come back, change capacity and
// labels while services place and remove instances. After every step the kernel's state is
// checked against an independent recomputation: every node's used vector is the sum of its
// instances' requests and within its capacity, max-per-node and forbid/require rules hold, no
// instance sits on a dead or draining node, hyphae host only client services, critical only
// sclerotia. A failure names the seed and step to reproduce.
import { describe, expect, it } from "vitest";
import { splitmix32 } from "../../host/hal/virtual.ts";
import { Kernel, VirtualHal, Fleet, MycoError, RESOURCES, type PlacementClass, type Tier } from "../../host/index.ts";

/** The virtual HAL's splitmix32 as a float in [0, 1): the same seed, the same run. */
function rng(seed: number): () => number {
  const next = splitmix32(seed);
  return () => next() / 2 ** 32;
}

interface ServiceModel { name: string; class: PlacementClass; request: { cpu: number; memory: number }; maxPerNode: number; forbid?: string; require?: string }

const CLASSES: PlacementClass[] = ["critical", "user", "client", "distributed"];
const TIER_NAMES: Tier[] = ["sclerotia", "rhizomorph", "hyphae"];
const LABELS = ["disk=ssd", "gpu=yes", "zone=eu", "zone=us"];

function simulate(seed: number, steps: number): void {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const kernel = new Kernel({ hal: new VirtualHal(seed), profile: "release" });
  const fleet = new Fleet(kernel);
  const services: ServiceModel[] = [];
  for (let i = 0; i < 6; i++) {
    const model: ServiceModel = {
      name: `svc${i}`, class: CLASSES[i % 4], request: { cpu: 50 + Math.floor(random() * 400), memory: 64 * (1 + Math.floor(random() * 8)) },
      maxPerNode: Math.floor(random() * 3),
      forbid: random() < 0.3 ? pick(LABELS) : undefined,
    };
    if (random() < 0.2 && model.forbid !== "disk=ssd") model.require = "disk=ssd";
    kernel.register(model.name);
    const rules = [...(model.forbid ? [{ label: model.forbid, action: "forbid" as const }] : []), ...(model.require ? [{ label: model.require, action: "require" as const }] : [])];
    fleet.spec(model.name, { class: model.class, request: model.request, maxPerNode: model.maxPerNode, spreadZone: random() < 0.5, scoring: random() < 0.5 ? "spread" : "binpack", rules });
    services.push(model);
  }
  const nodes = new Map<string, Tier>();
  let nextNode = 0;

  const check = (step: string): void => {
    const where = `reproduce with seed=${seed} step=${step}`;
    const assignments = fleet.assignments();
    const used = new Map<string, { cpu: number; memory: number }>();
    const perNode = new Map<string, number>();
    for (const a of assignments) {
      if (a.node === undefined) continue;
      const model = services.find((s) => s.name === a.service)!;
      const u = used.get(a.node) ?? { cpu: 0, memory: 0 };
      u.cpu += model.request.cpu; u.memory += model.request.memory;
      used.set(a.node, u);
      const key = `${a.service}@${a.node}`;
      perNode.set(key, (perNode.get(key) ?? 0) + 1);
      if (model.maxPerNode > 0) expect(perNode.get(key)!, `${where}: max-per-node of ${key}`).toBeLessThanOrEqual(model.maxPerNode);
      const view = fleet.nodeView(a.node);
      expect(["alive", "suspect"], `${where}: ${a.service} on ${view.state} ${a.node}`).toContain(view.state); // a suspect node keeps what it runs
      if (view.tier === "hyphae") expect(model.class, `${where}: ${a.service} on hyphae ${a.node}`).toBe("client");
      if (model.class === "critical") expect(view.tier, `${where}: critical ${a.service} on ${a.node}`).toBe("sclerotia");
    }
    for (const name of nodes.keys()) {
      const kernelUsed = fleet.used(name), capacity = fleet.capacity(name);
      const mine = used.get(name) ?? { cpu: 0, memory: 0 };
      expect([kernelUsed.cpu, kernelUsed.memory], `${where}: used of ${name}`).toEqual([mine.cpu, mine.memory]);
      for (const r of RESOURCES) expect(kernelUsed[r], `${where}: ${r} of ${name} over capacity`).toBeLessThanOrEqual(capacity[r]);
    }
    for (const model of services) {
      for (const a of assignments.filter((x) => x.service === model.name && x.node !== undefined)) {
        const labels = nodeLabels.get(a.node!)!;
        if (model.forbid) expect(labels.has(model.forbid), `${where}: ${model.name} on ${a.node} carries forbidden ${model.forbid}`).toBe(false);
        if (model.require) expect(labels.has(model.require), `${where}: ${model.name} on ${a.node} lacks ${model.require}`).toBe(true);
      }
    }
  };

  const nodeLabels = new Map<string, Set<string>>();
  const alive = () => [...nodes.keys()];
  for (let step = 0; step < steps; step++) {
    const roll = random();
    try {
      if (roll < 0.15 || nodes.size < 2) {
        const name = `n${nextNode++}`;
        const tier = pick(TIER_NAMES);
        const labels = LABELS.filter(() => random() < 0.3);
        fleet.addNode(name, { tier, capacity: { cpu: 500 + Math.floor(random() * 3000), memory: 256 * (1 + Math.floor(random() * 16)) }, labels });
        nodes.set(name, tier);
        nodeLabels.set(name, new Set(labels));
      } else if (roll < 0.22) {
        const name = pick(alive());
        fleet.setState(name, pick(["dead", "draining", "suspect", "alive"] as const));
      } else if (roll < 0.27) {
        const name = pick(alive());
        fleet.removeNode(name);
        nodes.delete(name);
        nodeLabels.delete(name);
      } else if (roll < 0.33) {
        const name = pick(alive());
        const grow = random() < 0.5;
        const capacity = fleet.capacity(name), used = fleet.used(name);
        const cpu = grow ? capacity.cpu + Math.floor(random() * 1000) : used.cpu + Math.floor((capacity.cpu - used.cpu) * random());
        fleet.setCapacity(name, { cpu });
      } else if (roll < 0.38) {
        const name = pick(alive()), label = pick(LABELS);
        const on = random() < 0.5; // instances whose rules the change breaks move
        fleet.setLabel(name, label, on);
        if (on) nodeLabels.get(name)!.add(label); else nodeLabels.get(name)!.delete(label);
      } else if (roll < 0.75) {
        fleet.place(pick(services).name, 1 + Math.floor(random() * 3));
      } else {
        const model = pick(services);
        const have = fleet.assignments().filter((a) => a.service === model.name).length;
        if (have > 0) fleet.remove(model.name, 1 + Math.floor(random() * have));
      }
    } catch (error) {
      if (!(error instanceof MycoError)) throw new Error(`reproduce with seed=${seed} step=${step}: ${String(error)}`);
    }
    check(String(step));
  }
}

describe("fleet churn simulation", () => {
  it.each(Array.from({ length: 24 }, (_, i) => 1000 + i))("seed %i: invariants hold after each of 150 steps", (seed) => {
    simulate(seed, 150);
  });
});
