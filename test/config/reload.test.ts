// Hot reload: a seeded series of valid and invalid versions on a running simulated device. After
// each, the kernel's configuration equals the last valid version and, once settled, every service
// it names runs; invalid versions change nothing. Hot keys change in place, cold ones restart.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest, ManifestLoadError } from "../../host/kernel/manifest.ts";
import { splitmix32 } from "../../host/hal/virtual.ts";
import { compileText, normalized } from "../manifest/helpers.ts";

function version(random: () => number, invalid: boolean): string {
  const names = ["alpha", "beta", "gamma", "delta", "eps"].filter(() => random() % 4 !== 0);
  if (names.length === 0) names.push("alpha");
  let text = "services:\n";
  names.forEach((name, i) => {
    text += `  ${name}:\n    instances: ${1 + (random() % 3)}\n    tags: [t${random() % 3}]\n`;
    if (i > 0 && random() % 2) text += `    requires: [${names[random() % i]}]\n`;
    text += `    config:\n      level: { type: int, min: 0, max: 9, hot: true, value: ${random() % 10} }\n`;
    text += `      mode: { type: enum, choices: [a, b], value: ${random() % 2 ? "a" : "b"} }\n`;
  });
  return text;
}

function corrupt(blob: Uint8Array, random: () => number): Uint8Array {
  const bad = blob.slice();
  bad[24 + (random() % (bad.length - 24))] ^= 0xff;
  return bad; // the checksum no longer matches (or, if resealed, a record is bad)
}

describe("hot reload", () => {
  for (const seed of [42, 7, 1234]) it(`seed ${seed}: state follows the last valid version; invalid ones change nothing`, () => {
    const random = splitmix32(seed);
    const sim = new Simulation({ seed });
    const m = new KernelManifest(sim.kernel);
    let good = compileText(version(random, false));
    m.load(good.blob);
    sim.kernel.startAll();
    sim.runFor(2_000);
    let revision = 1;
    for (let step = 0; step < 120; step++) {
      const invalid = random() % 3 === 0;
      const next = compileText(version(random, invalid));
      if (invalid) {
        expect(() => m.load(corrupt(next.blob, random))).toThrow(ManifestLoadError);
      } else {
        revision = m.load(next.blob);
        good = next;
      }
      sim.runFor(2_000);
      expect(m.revision).toBe(revision);
      expect(m.pending).toBe(0);
      expect(normalized(m.dump())).toEqual(normalized(good.manifest));
      for (const s of good.manifest.services) expect(`${s.name}:${sim.kernel.state(s.name)}`).toBe(`${s.name}:running`);
      expect(sim.kernel.serviceIds().length).toBe(good.manifest.services.length);
    }
    const revisions = sim.events.filter((e) => e.kind === "manifest-applied").map((e) => e.value);
    expect(revisions).toEqual(Array.from({ length: revision }, (_, i) => i + 1));
    expect(sim.events.some((e) => e.kind === "manifest-rejected")).toBe(true);
  });

  it("a hot key changes in place (config-changed action, no restart); a cold key restarts in order", () => {
    const sim = new Simulation({ seed: 3 });
    const m = new KernelManifest(sim.kernel);
    const yaml = (level: number, mode: string) => `services:\n  db: { config: { mode: { type: enum, choices: [a, b], value: ${mode} } } }\n`
      + `  app:\n    requires: [db]\n    config:\n      level: { type: int, min: 0, max: 9, hot: true, value: ${level} }\n`;
    m.load(compileText(yaml(1, "a")).blob);
    sim.kernel.startAll();
    sim.runFor(1_000);
    const actions: string[] = [];
    const seen = sim.events.length;
    const original = sim.executor.handle.bind(sim.executor);
    sim.executor.handle = (a) => { actions.push(`${a.kind}:${a.serviceName}`); original(a); };
    m.load(compileText(yaml(7, "a")).blob);
    sim.runFor(1_000);
    expect(actions).toEqual(["config-changed:app"]);
    expect(m.get("app", "level")).toBe("7");
    actions.length = 0;
    m.load(compileText(yaml(7, "b")).blob);
    sim.runFor(1_000);
    expect(actions.filter((a) => a.startsWith("stop"))).toEqual(["stop:app", "stop:db"]);
    expect(actions.filter((a) => a.startsWith("spawn"))).toEqual(["spawn:db", "spawn:app"]);
    expect(sim.kernel.state("app")).toBe("running");
    void seen;
  });

  it("rollback returns to the previous version; a second rollback goes forward again", () => {
    const sim = new Simulation({ seed: 5 });
    const m = new KernelManifest(sim.kernel);
    const v1 = compileText("services:\n  a: {}\n  b: { requires: [a] }\n");
    const v2 = compileText("services:\n  a: { instances: 2 }\n  c: {}\n");
    expect(() => m.rollback()).toThrow(/no previous version/);
    m.load(v1.blob); sim.kernel.startAll(); sim.runFor(1_000);
    m.load(v2.blob); sim.runFor(1_000);
    expect(normalized(m.dump())).toEqual(normalized(v2.manifest));
    expect(m.rollback()).toBe(3);
    sim.runFor(1_000);
    expect(normalized(m.dump())).toEqual(normalized(v1.manifest));
    expect(sim.kernel.state("b")).toBe("running");
    expect(m.rollback()).toBe(4);
    sim.runFor(1_000);
    expect(normalized(m.dump())).toEqual(normalized(v2.manifest));
  });
});
