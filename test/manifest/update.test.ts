// The `update:` section (manifest tag 0x87, the kernel's UPDATE record): read with file:line:col
// errors, compiled into the blob, checked and applied by the kernel (the same record the typed
// API gives), round-tripped through a dump, hot on a reload (no restart), and skipped by a
// profile without the rollout layer.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelManifest, ManifestLoadError } from "../../host/kernel/manifest.ts";
import { Rollouts } from "../../host/kernel/rollout.ts";
import { parseManifest } from "../../host/manifest/parse.ts";
import { encodeManifest, decodeManifest, TAG } from "../../host/manifest/blob.ts";
import type { Manifest } from "../../host/manifest/types.ts";
import { compileText } from "./helpers.ts";

const FULL = `
services:
  web:
    instances: 4
    update:
      strategy: rolling
      max-surge: 50%
      max-unavailable: 1
      min-ready: 2s
      batch-interval: 3s
      progress-deadline: 2m
      failures-max: 2
      health-gate: 10s
      error-rate: { threshold: 5%, window: 20s, min-requests: 40 }
  api:
    instances: 3
    update: { strategy: recreate, progress-deadline: 30s }
  plain:
    instances: 1
`;

/** The defaults the kernel holds for a service with no `update:` (docs/defaults.md). */
const DEFAULTS = {
  strategy: 0, maxSurge: 1025, maxUnavailable: 1025, minReadyMs: 0, batchIntervalMs: 0, progressDeadlineMs: 600_000,
  failuresMax: 1, healthGateMs: 0, rollbackWindowMs: 300_000, canaryCount: 1, canarySharePercent: 10, canaryHealthyMs: 300_000,
  autoPromote: 1, errorRatePercent: 50, errorWindowMs: 30_000, errorMinRequests: 10,
};

function device() {
  const sim = new Simulation({ profile: "debug", startDelayMs: 100, stopDelayMs: 10 });
  return { sim, m: new KernelManifest(sim.kernel), rollouts: new Rollouts(sim.kernel) };
}

function problems(text: string): string[] {
  const { manifest, diagnostics } = parseManifest(text, "services.yaml");
  expect(manifest).toBeNull();
  return diagnostics.map((d) => `${d.line}:${d.col} ${d.field}: ${d.message}`);
}

describe("update: section", () => {
  it("every field reaches the kernel; the record equals the typed API's; absent fields are the kernel's defaults", () => {
    const { manifest, blob } = compileText(FULL);
    expect(manifest.services.find((s) => s.name === "web")!.update).toEqual({
      strategy: "rolling", maxSurge: "50%", maxUnavailable: 1, minReadyMs: 2_000, batchIntervalMs: 3_000, progressDeadlineMs: 120_000,
      failuresMax: 2, healthGateMs: 10_000, errorRate: { thresholdPercent: 5, windowMs: 20_000, minRequests: 40 },
    });
    const { sim, m, rollouts } = device();
    m.load(blob);
    expect(rollouts.read("web")).toEqual({
      ...DEFAULTS, maxSurge: 1050, maxUnavailable: 1, minReadyMs: 2_000, batchIntervalMs: 3_000, progressDeadlineMs: 120_000,
      failuresMax: 2, healthGateMs: 10_000, errorRatePercent: 5, errorWindowMs: 20_000, errorMinRequests: 40,
    });
    expect(rollouts.read("api")).toEqual({ ...DEFAULTS, strategy: 1, progressDeadlineMs: 30_000 });
    expect(rollouts.read("plain")).toEqual(DEFAULTS);
    expect(rollouts.status("api").strategy).toBe("recreate");
    // the typed API builds the same record from the same values
    const typed = device();
    typed.sim.kernel.register("web", { instances: 4 });
    typed.rollouts.configure("web", manifest.services.find((s) => s.name === "web")!.update!);
    expect(typed.rollouts.read("web")).toEqual(rollouts.read("web"));
    typed.rollouts.configure("web", {});
    expect(typed.rollouts.read("web")).toEqual(DEFAULTS);
    sim.runFor(10);
  });

  it("fixed addresses hold the surge to the spare ones: none spare replaces in place, two spare surge two at most", () => {
    const addressed = (count: number, ports: number[], surge = "") => `version: 1
services:
  web:
    run: { allow-root: true, command: sleep, args: ["100"] }
    instances: { count: ${count}, addresses: [${ports.map((p) => `"127.0.0.1:${p}"`).join(", ")}] }
    resources: { scale: { min: 1, max: ${ports.length}, metric: inflight, target: 10 } }
${surge ? `    update: { max-surge: ${surge} }\n` : ""}`;
    const { m, rollouts } = device();
    m.load(compileText(addressed(3, [7001, 7002, 7003])).blob);
    expect(rollouts.read("web").maxSurge).toBe(0); // the default 25% would be a surge instance without an address
    m.load(compileText(addressed(3, [7001, 7002, 7003, 7004, 7005], "4")).blob);
    expect(rollouts.read("web").maxSurge).toBe(2);
    m.load(compileText(addressed(3, [7001, 7002, 7003, 7004, 7005], "1")).blob);
    expect(rollouts.read("web").maxSurge).toBe(1);
  });

  it("a dump decodes back to the same update sections", () => {
    const { manifest, blob } = compileText(FULL);
    const { m } = device();
    m.load(blob);
    const decoded = decodeManifest(m.dumpBlob());
    for (const name of ["web", "api", "plain"]) {
      expect(decoded.services.find((s) => s.name === name)!.update).toEqual(manifest.services.find((s) => s.name === name)!.update);
    }
  });

  it("canary and blue-green fields round-trip through the blob", () => {
    const text = `
services:
  web:
    instances: 4
    update:
      strategy: canary
      canary: { count: 1, share: 20%, healthy-period: 1m, auto-promote: false }
  shop:
    instances: 2
    update: { strategy: blue-green, health-gate: 30s, rollback-window: 10m }
`;
    const { manifest, blob } = compileText(text);
    expect(manifest.services.find((s) => s.name === "web")!.update).toEqual({
      strategy: "canary", canary: { count: 1, sharePercent: 20, healthyMs: 60_000, autoPromote: false },
    });
    expect(manifest.services.find((s) => s.name === "shop")!.update).toEqual({ strategy: "blue-green", healthGateMs: 30_000, rollbackWindowMs: 600_000 });
    expect(decodeManifest(blob).services.map((s) => s.update)).toEqual(manifest.services.map((s) => s.update));
  });

  it("bad values are reported at their file:line:col with the field and what was expected", () => {
    expect(problems(`services:\n  web:\n    update:\n      strategy: blue-gren\n`))
      .toEqual([expect.stringMatching(/^4:17 update\.strategy: expected one of rolling, recreate, blue-green, canary, got .*blue-gren.*did you mean 'blue-green'/)]);
    expect(problems(`services:\n  web:\n    update:\n      max-surge: 150%\n`))
      .toEqual([expect.stringMatching(/^4:18 update\.max-surge: expected an instance count 0\.\.64 or a percentage 0%\.\.100%/)]);
    expect(problems(`services:\n  web:\n    update:\n      max-unavailable: -1\n`))
      .toEqual([expect.stringMatching(/^4:24 update\.max-unavailable: expected an instance count/)]);
    expect(problems(`services:\n  web:\n    update:\n      min-ready: soon\n`))
      .toEqual([expect.stringMatching(/^4:18 update\.min-ready: expected a duration/)]);
    expect(problems(`services:\n  web:\n    update:\n      progress-deadline: 0\n`))
      .toEqual([expect.stringMatching(/^4:26 update\.progress-deadline: 0 is out of range 1\.\.86400000/)]);
    expect(problems(`services:\n  web:\n    update:\n      batch-intervall: 2s\n`))
      .toEqual([expect.stringMatching(/^4:7 batch-intervall: unknown key 'batch-intervall' in update \(did you mean 'batch-interval'\?\)/)]);
    expect(problems(`services:\n  web:\n    update:\n      error-rate: { threshold: 0%, window: 5s }\n`))
      .toEqual([expect.stringMatching(/^4:32 update\.error-rate\.threshold: 0 is out of range 1\.\.100/)]);
    expect(problems(`services:\n  web:\n    update:\n      error-rate: { threshold: 5%, min-requests: 0 }\n`))
      .toEqual([expect.stringMatching(/^4:50 update\.error-rate\.min-requests: 0 is out of range 1\.\.65535/)]);
    expect(problems(`services:\n  web:\n    update:\n      error-rate: { min-request: 5 }\n`))
      .toEqual([expect.stringMatching(/^4:21 min-request: unknown key 'min-request' in update\.error-rate \(did you mean 'min-requests'\?\)/)]);
  });

  it("fields one strategy reads are refused with another; a canary needs an old instance left", () => {
    expect(problems(`services:\n  web:\n    update:\n      rollback-window: 5m\n`))
      .toEqual([expect.stringMatching(/^4:7 update\.rollback-window: only the blue-green strategy reads rollback-window; strategy is rolling \(the default\)/)]);
    expect(problems(`services:\n  web:\n    instances: 3\n    update:\n      strategy: recreate\n      canary: { count: 1 }\n`))
      .toEqual([expect.stringMatching(/^6:7 update\.canary: only the canary strategy reads canary; strategy is recreate/)]);
    expect(problems(`services:\n  web:\n    instances: 2\n    update:\n      strategy: canary\n      canary: { count: 2 }\n`))
      .toEqual([expect.stringMatching(/^6:24 update\.canary\.count: 2 canaries leave none of the 2 instances on the old revision/)]);
  });

  it("the kernel refuses a blob whose UPDATE record is out of range, naming the service and field, and changes nothing", () => {
    const { manifest } = compileText(FULL);
    const { sim, m, rollouts } = device();
    m.load(encodeManifest(manifest));
    const before = rollouts.read("web");
    const web = (c: Manifest) => c.services.find((s) => s.name === "web")!;
    const edit = (change: (c: Manifest) => void) => { const copy = structuredClone(manifest); change(copy); return encodeManifest(copy); };
    const cases: [Uint8Array, string, RegExp][] = [
      [edit((c) => { web(c).update = { failuresMax: 0 }; }), "E_INVALID_UPDATE", /service 'web': failures-max 0 is outside 1\.\.255/],
      [edit((c) => { web(c).update = { canary: { sharePercent: 101 } }; }), "E_INVALID_UPDATE", /service 'web': canary share % 101 is outside 1\.\.100/],
      [edit((c) => { web(c).update = { minReadyMs: 86_400_001 }; }), "E_INVALID_UPDATE", /service 'web': min-ready 86400001 ms is outside 0\.\.86400000/],
      [edit((c) => { web(c).update = { errorRate: { minRequests: 0 } }; }), "E_INVALID_UPDATE", /service 'web': error-rate min-requests 0 is outside 1\.\.65535/],
    ];
    for (const [blob, code, text] of cases) {
      let error: ManifestLoadError | undefined;
      try { m.load(blob); } catch (e) { error = e as ManifestLoadError; }
      expect(error).toBeInstanceOf(ManifestLoadError);
      expect(error!.codeName).toBe(code);
      expect(error!.message).toMatch(text);
      expect(error!.message).toMatch(/\(at offset \d+\)/);
      expect(rollouts.read("web")).toEqual(before);
    }
    expect(m.revision).toBe(1);
    sim.runFor(10);
  });

  it("blue-green at fixed addresses needs a spare address per instance: refused at load naming the service and the numbers", () => {
    const { m, rollouts } = device();
    const yaml = (addresses: number) => `services:\n  web:\n    instances: { count: 2, addresses: [${
      Array.from({ length: addresses }, (_, k) => `"127.0.0.1:${9100 + k}"`).join(", ")}] }\n    update: { strategy: blue-green }\n`;
    let error: ManifestLoadError | undefined;
    try { m.load(compileText(yaml(3)).blob); } catch (e) { error = e as ManifestLoadError; }
    expect(error).toBeInstanceOf(ManifestLoadError);
    expect(error!.codeName).toBe("E_BLUE_GREEN_ADDRESSES");
    expect(error!.message).toMatch(/service 'web': blue-green starts 2 new instances beside its 2 but only 1 spare addresses are listed \(it needs 4 addresses; or use rolling\)/);
    expect(m.revision).toBe(0);
    m.load(compileText(yaml(4)).blob);
    expect(rollouts.read("web").strategy).toBe(2);
    m.load(compileText(yaml(2).replace("blue-green", "rolling")).blob); // rolling replaces in place: no spare needed
  });

  it("a reload changes the strategy of running services in place, without a restart; a removed section restores the defaults", () => {
    const { sim, m, rollouts } = device();
    m.load(compileText(FULL).blob);
    sim.kernel.startAll();
    sim.runFor(2_000);
    const handles = sim.kernel.instances("web").join();
    const from = sim.events.length;
    m.load(compileText(FULL.replace("max-surge: 50%", "max-surge: 2").replace("strategy: recreate, ", "")).blob);
    sim.runFor(2_000);
    expect(rollouts.read("web").maxSurge).toBe(2);
    expect(rollouts.read("api")).toEqual({ ...DEFAULTS, progressDeadlineMs: 30_000 });
    m.load(compileText(FULL.replace(/    update:\n(      .*\n)+/, "")).blob);
    expect(rollouts.read("web")).toEqual(DEFAULTS);
    expect(sim.kernel.instances("web").join()).toBe(handles);
    expect(sim.events.slice(from).filter((e) => e.kind === "instance-state" && e.to === "stopping")).toHaveLength(0);
  });

  it("a reload mid-rollout: the rollout goes by the new strategy from its next step", () => {
    const { sim, m, rollouts } = device();
    m.load(compileText(`services:\n  web:\n    instances: 3\n    update: { max-surge: 0, max-unavailable: 1, batch-interval: 1m }\n`).blob);
    sim.kernel.startAll();
    sim.runFor(1_000);
    rollouts.newRevision("web");
    sim.runFor(5_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", updated: 1 }); // the next batch waits a minute
    m.load(compileText(`services:\n  web:\n    instances: 3\n    update: { max-surge: 0, max-unavailable: 1 }\n`).blob);
    sim.runFor(5_000);
    expect(rollouts.status("web")).toMatchObject({ phase: "idle", stable: 2, updated: 3 });
  });

  it("a profile without the rollout layer (mcu) loads the blob and skips the section", () => {
    const kernel = new Kernel({ hal: new VirtualHal(), profile: "mcu" });
    const m = new KernelManifest(kernel);
    const { blob } = compileText(FULL);
    expect(blob.includes(TAG.update)).toBe(true);
    expect(() => m.load(blob)).not.toThrow();
    expect(kernel.exports.rolloutRead(kernel.id("web"))).toBeLessThan(0);
  });
});
