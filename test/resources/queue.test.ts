// The admission queue against a reference model: under seeded random joins, cancellations,
// priority changes and admissions, every queued service's position and the order of admission
// are exactly the model's (system before user, then higher priority, then first come).
import { describe, it, expect } from "vitest";
import { Simulation, NodeResources } from "../../host/index.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { compileText } from "../manifest/helpers.ts";

interface Waiting { name: string; system: boolean; priority: number; seq: number }

/** The reference: a sorted list, the order the kernel's heap must reproduce. */
const before = (a: Waiting, b: Waiting) =>
  a.system !== b.system ? (a.system ? -1 : 1) : a.priority !== b.priority ? b.priority - a.priority : a.seq - b.seq;

describe("the admission queue is a heap with the linear queue's order", () => {
  it.each([3, 11])("seed %i: 3,000 random joins, cancellations, re-prioritisations and admissions", (seed) => {
    const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5, seed });
    const k = sim.kernel;
    const res = new NodeResources(k);
    res.setCapacity({ memory: 1 });
    const names = Array.from({ length: 100 }, (_, i) => `svc-${i}`);
    const system = new Map(names.map((name, i) => [name, i % 4 === 0]));
    for (const name of names) {
      k.register(name, { type: system.get(name) ? "system" : "user" });
      res.configure(name, { requests: { memory: 1 }, admission: "queue" });
    }
    const rng = sim.hal;
    const below = (n: number) => rng.randomU32() % n;
    const priority = () => [0, 5, 5, 900][below(4)]; // few values, so ties are common
    k.start(names[0]);
    sim.runFor(20);
    let running = names[0];
    let seq = 0;
    const model: Waiting[] = [];
    const admitted: string[] = [];
    let cancelled = 0, reprioritised = 0;

    for (let step = 0; step < 3000; step++) {
      const roll = below(10);
      const idle = names.filter((n) => n !== running && !model.some((w) => w.name === n));
      if (roll < 5 && idle.length > 0) {
        const name = idle[below(idle.length)];
        const p = priority();
        res.configure(name, { requests: { memory: 1 }, admission: "queue", priority: p });
        k.start(name);
        model.push({ name, system: system.get(name)!, priority: p, seq: seq++ });
      } else if (roll < 7 && model.length > 0) {
        const [gone] = model.splice(below(model.length), 1);
        k.stop(gone.name);
        cancelled++;
      } else if (roll < 8 && model.length > 0) {
        const w = model[below(model.length)];
        w.priority = priority();
        res.configure(w.name, { requests: { memory: 1 }, admission: "queue", priority: w.priority });
        reprioritised++;
      } else if (model.length > 0) {
        k.stop(running);
        sim.runFor(20);
        model.sort(before);
        const next = model.shift()!;
        expect(k.state(next.name), `seed ${seed} step ${step}: ${next.name} is the model's head`).toBe("running");
        running = next.name;
        admitted.push(running);
      }
      sim.runFor(20);
      model.sort(before);
      expect(res.queued(), `seed ${seed} step ${step}`).toBe(model.length);
      for (const [position, w] of model.entries()) {
        expect(res.admission(w.name), `seed ${seed} step ${step}: ${w.name}`).toEqual({ state: "queued", position });
      }
    }
    // the run really exercised the queue: deep, with every kind of change
    expect(admitted.length).toBeGreaterThan(200);
    expect(cancelled).toBeGreaterThan(200);
    expect(reprioritised).toBeGreaterThan(100);
  });
});

describe("a queued start follows a manifest change of its type or priority", () => {
  it("a reload that makes a waiting user service a system one moves it to the head; a priority moves it among its kind", () => {
    const sim = new Simulation({ profile: "debug", startDelayMs: 10, stopDelayMs: 5 });
    const k = sim.kernel;
    const res = new NodeResources(k);
    const manifest = new KernelManifest(k);
    const yaml = (serial: number, types: Record<string, string>, priorities: Record<string, number> = {}) => `
version: 1
serial: ${serial}
services:
${["holder", "a", "b", "c"].map((name) => `  ${name}:
    type: ${types[name] ?? "user"}
    resources: { requests: { memory: 1MiB }, admission: queue }
    priority: ${priorities[name] ?? 0}
`).join("")}`;
    manifest.load(compileText(yaml(1, { holder: "system" })).blob);
    res.setCapacity({ memory: 1 });
    k.start("holder");
    sim.runFor(20);
    for (const name of ["a", "b", "c"]) k.start(name);
    sim.runFor(20);
    const positions = () => ["a", "b", "c"].map((name) => res.admission(name).position);
    expect(positions()).toEqual([0, 1, 2]);
    manifest.load(compileText(yaml(2, { holder: "system", c: "system" })).blob);
    expect(positions()).toEqual([1, 2, 0]);
    manifest.load(compileText(yaml(3, { holder: "system", c: "system" }, { b: 7 })).blob);
    expect(positions()).toEqual([2, 1, 0]);
    manifest.load(compileText(yaml(4, { holder: "system" }, { b: 7 })).blob);
    expect(positions()).toEqual([1, 0, 2]); // back among the user services, behind a: it came last
    k.stop("holder");
    sim.runFor(20);
    expect(k.state("b")).toBe("running");
  });
});
