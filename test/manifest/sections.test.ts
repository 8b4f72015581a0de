// The layer sections of a manifest (HEALTH, RECOVERY, BALANCE): loading a blob configures the
// health checks, the restart policies and the balancing; a bad value anywhere in them rejects
// the whole blob with the service, the field, the value and the offset, and changes nothing; a
// reload that changes them takes effect on running services without a restart.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelManifest, ManifestLoadError } from "../../host/kernel/manifest.ts";
import { HealthMonitor } from "../../host/kernel/health.ts";
import { Recovery, recoveryOf } from "../../host/kernel/recovery.ts";
import { Balancer } from "../../host/kernel/balance.ts";
import { encodeManifest, decodeManifest, seal, TAG } from "../../host/manifest/blob.ts";
import { recordFromSparse, recordToSparse } from "../../host/kernel/records.ts";
import type { Action } from "../../host/kernel/abi.ts";
import type { Manifest } from "../../host/manifest/types.ts";
import { ROOT, compileFile, compileText, normalized, SECRET_ENV } from "./helpers.ts";

const SENSOR_NODE = `${ROOT}examples/sensor-node/services.yaml`;

function sensorNode(): { manifest: Manifest; blob: Uint8Array } {
  return compileFile(SENSOR_NODE, { env: SECRET_ENV });
}

/** A deep copy of the manifest with `edit` applied, encoded (the encoder checks no ranges). */
function edited(manifest: Manifest, edit: (m: Manifest) => void): Uint8Array {
  const copy = structuredClone(manifest);
  edit(copy);
  return encodeManifest(copy);
}

function service(manifest: Manifest, name: string) {
  return manifest.services.find((s) => s.name === name)!;
}

/** The offset of the record with `tag` in the section of service `name`. */
function recordOffset(blob: Uint8Array, name: string, tag: number): number {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  let current = "";
  for (let at = 24; at < blob.length; at += 3 + view.getUint16(at + 1, true)) {
    const t = blob[at];
    if (t === TAG.service) current = new TextDecoder().decode(blob.subarray(at + 4, at + 3 + view.getUint16(at + 1, true)));
    else if (t === tag && current === name) return at;
  }
  throw new Error(`no record ${tag} for ${name}`);
}

/** A device running the sensor node, with every run-check action recorded. */
function device(seed = 1) {
  const sim = new Simulation({ seed });
  const m = new KernelManifest(sim.kernel);
  const checks: { t: number; service: string; check: number; instance: number }[] = [];
  const actions: Action[] = [];
  const handle = sim.executor.handle.bind(sim.executor);
  sim.executor.handle = (action: Action) => {
    actions.push(action);
    if (action.kind === "run-check") checks.push({ t: sim.timeMs, service: action.serviceName, check: action.arg, instance: action.instance });
    handle(action);
  };
  return { sim, m, checks, actions, health: new HealthMonitor(sim.kernel), recovery: new Recovery(sim.kernel), lb: new Balancer(sim.kernel) };
}

/** Round starts (distinct times) of a service's checks within [from, to). */
function rounds(checks: { t: number; service: string }[], name: string, from = 0, to = Infinity): number[] {
  return [...new Set(checks.filter((c) => c.service === name && c.t >= from && c.t < to).map((c) => c.t))];
}

describe("manifest sections: loading configures the layers", () => {
  it("health: every `health:` makes one kernel check; run-check actions come on the manifest's schedule", () => {
    const { sim, m, checks, health } = device();
    const { manifest, blob } = sensorNode();
    m.load(blob);
    const withCheck = manifest.services.filter((s) => s.health).map((s) => s.name);
    expect(withCheck).toEqual(["sensor-driver", "storage", "telemetry-uplink", "web-ui"]);
    const ids = withCheck.map((name) => m.checkOf(name));
    expect(ids.every((id) => id !== undefined)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    sim.kernel.startAll();
    sim.runFor(65_000);
    for (const name of withCheck) {
      const interval = service(manifest, name).health!.intervalMs;
      const starts = rounds(checks, name, 5_000);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]);
      expect(gaps.length, name).toBeGreaterThan(0);
      expect(new Set(gaps), `${name}: rounds every ${interval} ms`).toEqual(new Set([interval]));
      // each round asks every running instance, with the manifest's check id
      const instances = service(manifest, name).instances;
      expect(checks.filter((c) => c.service === name && c.t === starts[0]).length).toBe(instances);
      expect(new Set(checks.filter((c) => c.service === name).map((c) => c.check))).toEqual(new Set([m.checkOf(name)]));
      expect(health.of(name)).toBe("healthy");
    }
  });

  it("health: `retries` failures in a row fail a liveness check: the instance is killed and restarted", () => {
    const { sim, m, checks, actions } = device();
    m.load(sensorNode().blob);
    sim.kernel.startAll();
    sim.runFor(12_000);
    const before = sim.kernel.instances("sensor-driver")[0];
    sim.executor.checks("sensor-driver", { mode: "fail" });
    const from = sim.timeMs;
    sim.runUntil(() => actions.some((a) => a.kind === "kill" && a.serviceName === "sensor-driver" && a.instance === before), 30_000);
    // retries: 2 -> the second failing round kills (rounds every 5 s)
    const failing = rounds(checks, "sensor-driver", from, sim.timeMs + 1);
    expect(failing.length).toBe(2);
    sim.executor.heal();
    sim.runFor(5_000);
    expect(sim.kernel.state("sensor-driver")).toBe("running");
    expect(sim.kernel.instances("sensor-driver")[0]).not.toBe(before);
  });

  it("recovery: a crash is restarted after the manifest's backoff; the limit and escalation are the manifest's", () => {
    const { sim, m, recovery } = device();
    m.load(sensorNode().blob);
    expect(recovery.info("sensor-driver").policy).toBe("always");
    expect(recovery.info("storage").policy).toBe("on-failure");
    expect(recovery.info("web-ui").policy).toBe("on-failure");
    sim.kernel.startAll();
    sim.runFor(3_000);
    // sensor-driver: backoff 50 ms, x2 (the default multiplier), jitter ±10 % (the default 0.1)
    const delays: number[] = [];
    sim.onEvent((e) => {
      const r = recoveryOf(e);
      if (r && r.serviceName === "sensor-driver" && (r.step === "restart-backoff" || r.step === "restart-instance")) delays.push(r.value);
    });
    for (let n = 0; n < 3; n++) {
      sim.executor.crash("sensor-driver", 0);
      sim.runFor(1_000);
      expect(sim.kernel.state("sensor-driver")).toBe("running");
    }
    expect(delays.length).toBe(3);
    delays.forEach((d, n) => {
      const base = 50 * 2 ** n;
      expect(d, `restart ${n + 1}`).toBeGreaterThanOrEqual(base * 0.9);
      expect(d, `restart ${n + 1}`).toBeLessThanOrEqual(base * 1.1);
    });
    // storage: on-failure, 3 restarts in 5 min, then escalation: reboot
    const reboots: Action[] = [];
    const handle = sim.executor.handle;
    sim.executor.handle = (a: Action) => { if (a.kind === "reboot-request") reboots.push(a); handle(a); };
    for (let n = 0; n < 4 && reboots.length === 0; n++) {
      sim.executor.crash("storage", 0);
      sim.runFor(40_000);
    }
    expect(recovery.info("storage").gaveUp).toBe(true);
    expect(reboots.length).toBe(1);
    expect(reboots[0].serviceName).toBe("storage");
  });

  it("balance: the strategy, the breaker and the weights are the manifest's; picks follow them", () => {
    const { sim, m, lb } = device();
    m.load(sensorNode().blob);
    sim.kernel.startAll();
    sim.runFor(5_000);
    expect(lb.serviceStats("web-ui").strategy).toBe("round-robin");
    const [a, b] = sim.kernel.instances("web-ui");
    expect(lb.instanceStats(a).weight).toBe(3);
    expect(lb.instanceStats(b).weight).toBe(1);
    const id = sim.kernel.id("web-ui");
    const picks = Array.from({ length: 8 }, () => { const h = lb.pick(id); lb.finished(h, 1); return h; });
    expect(picks).toEqual([a, b, a, b, a, b, a, b]); // round robin: the weights do not matter
    // telemetry-uplink: breaker after 3 failures in a row, open 1 min
    const uplink = sim.kernel.instances("telemetry-uplink")[0];
    const uplinkId = sim.kernel.id("telemetry-uplink");
    for (let n = 0; n < 2; n++) lb.finished(lb.pick(uplinkId), 1, "failure");
    expect(lb.instanceStats(uplink).breaker).toBe("closed");
    lb.finished(lb.pick(uplinkId), 1, "failure");
    expect(lb.instanceStats(uplink).breaker).toBe("open");
    sim.hal.advance(59_000);
    expect(lb.instanceStats(uplink).breaker).toBe("open");
    sim.hal.advance(1_000);
    expect(lb.instanceStats(uplink).breaker).toBe("half-open");
    // no `breaker:` key: no breaker (storage has no balance section at all)
    const storage = sim.kernel.instances("storage")[0];
    for (let n = 0; n < 20; n++) lb.finished(lb.pick(sim.kernel.id("storage")), 1, "failure");
    expect(lb.instanceStats(storage).breaker).toBe("closed");
  });

  it("every balance strategy of the format reaches the kernel's", () => {
    const expected = {
      "round-robin": "round-robin", "weighted-round-robin": "weighted-round-robin", "least-connections": "least-connections",
      random: "random", "power-of-two": "least-connections", "consistent-hash": "consistent-hash",
      "weighted-least-connections": "weighted-least-connections", "ip-hash": "ip-hash", "fastest-response": "fastest-response",
      "health-based": "health-based",
    } as const;
    for (const [strategy, kernelStrategy] of Object.entries(expected)) {
      const kernel = new Kernel({ hal: new VirtualHal(1), profile: "release" });
      const m = new KernelManifest(kernel);
      m.load(compileText(`services:\n  web:\n    instances: 2\n    balance: { strategy: ${strategy} }\n`).blob);
      expect(new Balancer(kernel).serviceStats("web").strategy, strategy).toBe(kernelStrategy);
    }
  });

  it("health roles round-trip and reach the kernel (readiness degrades, it does not kill)", () => {
    const text = "services:\n  api:\n    instances: 2\n    health: { check: http, role: readiness, interval: 1s, timeout: 500ms, retries: 1 }\n";
    const { manifest, blob } = compileText(text);
    expect(manifest.services[0].health!.role).toBe("readiness");
    expect(decodeManifest(blob)).toEqual(manifest);
    const { sim, m, actions, health } = device();
    m.load(blob);
    expect(normalized(m.dump())).toEqual(normalized(manifest));
    sim.kernel.startAll();
    sim.runFor(3_000);
    expect(health.of("api")).toBe("healthy");
    sim.executor.checks("api", { mode: "fail" });
    sim.runFor(3_000);
    expect(health.of("api")).toBe("degraded");
    expect(actions.some((a) => a.kind === "kill")).toBe(false);
  });

  it("loads on every build profile", () => {
    const { blob } = sensorNode();
    for (const profile of ["release", "mcu", "bench", "debug"] as const) {
      const kernel = new Kernel({ hal: new VirtualHal(1), profile });
      expect(new KernelManifest(kernel).load(blob), profile).toBe(1);
    }
  });
});

describe("manifest sections: a bad value rejects the whole blob and changes nothing", () => {
  type Case = { name: string; blob: (m: Manifest, blob: Uint8Array) => Uint8Array; code: string; service: string; tag: number; text: RegExp[] };
  /** Sets field `n` of the section's first record (its sparse form re-encoded, the blob resealed). */
  const patch = (name: string, tag: number, n: number, value: number) => (_: Manifest, blob: Uint8Array) => {
    const at = recordOffset(blob, name, tag);
    const kind = tag === TAG.health ? "check" : tag === TAG.recovery ? "recovery" : "balance";
    const { record, size } = recordFromSparse(kind, blob, at + 3);
    record[n] = value;
    const sparse = recordToSparse(record);
    const bad = new Uint8Array(blob.length - size + sparse.length);
    bad.set(blob.subarray(0, at + 3));
    bad.set(sparse, at + 3);
    bad.set(blob.subarray(at + 3 + size), at + 3 + sparse.length);
    const view = new DataView(bad.buffer);
    view.setUint16(at + 1, view.getUint16(at + 1, true) - size + sparse.length, true);
    view.setUint32(8, bad.length, true);
    return seal(bad);
  };
  const cases: Case[] = [
    {
      name: "health interval over the kernel's limit", code: "E_INVALID_PERIOD", service: "sensor-driver", tag: TAG.health,
      blob: (m) => edited(m, (c) => { service(c, "sensor-driver").health!.intervalMs = 90_000_000; }),
      text: [/check intervalMs 90000000 is outside 1\.\.86400000/],
    },
    {
      name: "health retries over the threshold limit", code: "E_INVALID_THRESHOLD", service: "storage", tag: TAG.health,
      blob: (m) => edited(m, (c) => { service(c, "storage").health!.retries = 1000; }),
      text: [/check fall 1000 is outside 1\.\.100/],
    },
    {
      name: "health timeout longer than the interval", code: "E_INVALID_PERIOD", service: "telemetry-uplink", tag: TAG.health,
      blob: (m) => edited(m, (c) => { service(c, "telemetry-uplink").health!.timeoutMs = 25_000; }),
      text: [/check timeoutMs 25000 is outside 1\.\.20000/],
    },
    {
      name: "health check code (a corrupted byte, resealed)", code: "E_INVALID_CHECK_KIND", service: "storage", tag: TAG.health,
      blob: patch("storage", TAG.health, 0, 9), text: [/check kind 9 is not 0\.\.5/],
    },
    {
      name: "health role", code: "E_INVALID_CHECK_ROLE", service: "web-ui", tag: TAG.health,
      blob: patch("web-ui", TAG.health, 1, 5), text: [/check role 5 is not 0\.\.2/],
    },
    {
      name: "restart intensity over the window slots", code: "E_INVALID_INTENSITY", service: "sensor-driver", tag: TAG.recovery,
      blob: (m) => edited(m, (c) => { service(c, "sensor-driver").recovery!.restartsMax = 10; }),
      text: [/restartsMax 10 is outside 0\.\.8/],
    },
    {
      name: "restart policy always with intensity 0", code: "E_INVALID_INTENSITY", service: "telemetry-uplink", tag: TAG.recovery,
      blob: (m) => edited(m, (c) => { service(c, "telemetry-uplink").recovery!.restartsMax = 0; }),
      text: [/restart policy 2 \(always\) contradicts restartsMax 0/],
    },
    {
      name: "backoff multiplier", code: "E_INVALID_BACKOFF", service: "storage", tag: TAG.recovery,
      blob: (m) => edited(m, (c) => { service(c, "storage").recovery!.backoff!.factor = 20; }),
      text: [/factorPercent 2000 is outside 100\.\.1000/],
    },
    {
      name: "backoff max below initial", code: "E_INVALID_BACKOFF", service: "storage", tag: TAG.recovery,
      blob: (m) => edited(m, (c) => { service(c, "storage").recovery!.backoff!.capMs = 100; }),
      text: [/capMs 100 is outside 500\.\.86400000/],
    },
    {
      name: "jitter percent", code: "E_INVALID_BACKOFF", service: "telemetry-uplink", tag: TAG.recovery,
      blob: patch("telemetry-uplink", TAG.recovery, 10, 250), text: [/jitter 250 is not 0\.\.3 or 129\.\.228/],
    },
    {
      name: "escalation code", code: "E_UNKNOWN_STRATEGY", service: "storage", tag: TAG.recovery,
      blob: patch("storage", TAG.recovery, 13, 7), text: [/escalation flags 7 is outside 0\.\.3/],
    },
    {
      name: "restart policy code", code: "E_INVALID_POLICY", service: "sensor-driver", tag: TAG.recovery,
      blob: patch("sensor-driver", TAG.recovery, 0, 3), text: [/restart policy 3 is not 0\.\.2/],
    },
    {
      name: "balance strategy code", code: "E_INVALID_STRATEGY", service: "web-ui", tag: TAG.balance,
      blob: patch("web-ui", TAG.balance, 0, 12), text: [/strategy 12 is outside 0\.\.8/],
    },
    {
      name: "breaker half-open probes", code: "E_INVALID_BREAKER", service: "telemetry-uplink", tag: TAG.balance,
      blob: (m) => edited(m, (c) => { service(c, "telemetry-uplink").balance!.breaker!.halfOpenPermits = 300; }),
      text: [/halfOpenPermits 300 is outside 1\.\.255/],
    },
    {
      name: "breaker open time", code: "E_INVALID_BREAKER", service: "telemetry-uplink", tag: TAG.balance,
      blob: (m) => edited(m, (c) => { service(c, "telemetry-uplink").balance!.breaker!.openMs = 0; }),
      text: [/openMs 0 is outside 1\.\.86400000/],
    },
    {
      name: "a weight of 0", code: "E_INVALID_WEIGHT", service: "web-ui", tag: TAG.balance,
      blob: (m) => edited(m, (c) => { service(c, "web-ui").balance!.weights = [3, 0]; }),
      text: [/weight 0 is outside 1\.\.1000/],
    },
    {
      name: "more weights than instances", code: "E_INVALID_WEIGHT", service: "web-ui", tag: TAG.balance,
      blob: (m) => edited(m, (c) => { service(c, "web-ui").balance!.weights = [3, 1, 1]; }),
      text: [/3 weights for 2 instances/],
    },
  ];

  for (const c of cases) {
    it(`${c.name}: ${c.code}, naming ${c.service}, the field, the value and the offset`, () => {
      const { sim, m, checks } = device();
      const { manifest, blob } = sensorNode();
      m.load(blob);
      sim.kernel.startAll();
      sim.runFor(12_000);
      const dump = m.dumpBlob();
      const handles = manifest.services.map((s) => sim.kernel.instances(s.name).join());
      const checkIds = manifest.services.map((s) => m.checkOf(s.name));
      const bad = c.blob(manifest, blob);
      const offset = recordOffset(bad, c.service, c.tag);
      let error: ManifestLoadError | undefined;
      try { m.load(bad); } catch (e) { error = e as ManifestLoadError; }
      expect(error).toBeInstanceOf(ManifestLoadError);
      expect(error!.codeName).toBe(c.code);
      expect(error!.message).toContain(`service '${c.service}'`);
      for (const text of c.text) expect(error!.message).toMatch(text);
      expect(error!.message).toContain(`(at offset ${offset})`);
      expect(error!.offset).toBe(offset);
      // nothing changed: the configuration, the revision, the instances, the checks and their schedule
      expect(m.revision).toBe(1);
      expect(m.dumpBlob()).toEqual(dump);
      expect(manifest.services.map((s) => sim.kernel.instances(s.name).join())).toEqual(handles);
      expect(manifest.services.map((s) => m.checkOf(s.name))).toEqual(checkIds);
      sim.runFor(10_000);
      const starts = rounds(checks, "sensor-driver", 5_000);
      expect(new Set(starts.slice(1).map((t, i) => t - starts[i]))).toEqual(new Set([5_000]));
      expect(sim.events.filter((e) => e.kind === "manifest-rejected").length).toBe(1);
    });
  }

  it("a malformed record size or a second record of a section is refused", () => {
    const { m } = device();
    const { blob } = sensorNode();
    // a second RECOVERY record for sensor-driver: copy its record right after itself
    const at = recordOffset(blob, "sensor-driver", TAG.recovery);
    const size = 3 + (blob[at + 1] | (blob[at + 2] << 8));
    const twice = seal(Uint8Array.from([...blob.subarray(0, at + size), ...blob.subarray(at, at + size), ...blob.subarray(at + size)]));
    expect(() => m.load(twice)).toThrow(/service 'sensor-driver' has a second record with tag 129 \(at offset \d+\)/);
    // a RECOVERY record one byte short
    const short = Uint8Array.from([...blob.subarray(0, at + size - 1), ...blob.subarray(at + size)]);
    short[at + 1] -= 1;
    expect(() => m.load(seal(short))).toThrow(new RegExp(`service 'sensor-driver': record \\(tag 129\\) of ${size - 4} bytes does not hold its fields \\(at offset ${at}\\)`));
    expect(m.revision).toBe(0);
  });

  it("capacity: consistent-hash tables and check slots are checked before anything changes", () => {
    const three = "services:\n" + ["a", "b", "c"].map((n) => `  ${n}:\n    instances: 2\n    balance: { strategy: consistent-hash }\n`).join("");
    const { kernel, m } = (() => { const k = new Kernel({ hal: new VirtualHal(1), profile: "release" }); return { kernel: k, m: new KernelManifest(k) }; })();
    expect(() => m.load(compileText(three).blob)).toThrow(/E?service 'c': all 2 consistent-hash tables are held by other services \(at offset \d+\)/);
    expect(kernel.serviceIds()).toEqual([]);
    // a service whose check row is full (4 checks added through the ABI) cannot take the manifest's
    kernel.register("api");
    const health = new HealthMonitor(kernel);
    for (let n = 0; n < 4; n++) health.addCheck("api", { kind: "custom", role: n === 0 ? "startup" : "liveness" });
    const withHealth = compileText("services:\n  api:\n    health: { check: http, interval: 1s, timeout: 500ms }\n");
    expect(() => m.load(withHealth.blob)).toThrow(/service 'api': check count 5 exceeds the checks a service may have \(at offset \d+\)/);
    expect(m.revision).toBe(0);
    health.removeCheck([...health.checks.keys()][3]);
    const startup = compileText("services:\n  api:\n    health: { check: http, role: startup, interval: 1s, timeout: 500ms }\n");
    expect(() => m.load(startup.blob)).toThrow(/service 'api': check role 2 \(startup\): the service has a startup check already/);
    expect(m.load(withHealth.blob)).toBe(1);
  });
});

describe("manifest sections: hot reload", () => {
  it("a new health interval and a new balancing strategy take effect on running services, without a restart", () => {
    const { sim, m, checks, actions, lb } = device();
    const { manifest, blob } = sensorNode();
    m.load(blob);
    sim.kernel.startAll();
    sim.runFor(12_000);
    const handles = manifest.services.map((s) => sim.kernel.instances(s.name).join());
    const check = m.checkOf("sensor-driver");
    const next = structuredClone(manifest);
    service(next, "sensor-driver").health!.intervalMs = 1_000;
    service(next, "web-ui").balance!.strategy = "weighted-round-robin";
    actions.length = 0;
    const reloadAt = sim.timeMs;
    expect(m.load(encodeManifest(next))).toBe(2);
    sim.runFor(10_000);
    // no restart: no spawn, stop or kill; the same instances; the same check, judged as before
    expect(actions.filter((a) => a.kind !== "run-check")).toEqual([]);
    expect(manifest.services.map((s) => sim.kernel.instances(s.name).join())).toEqual(handles);
    expect(m.checkOf("sensor-driver")).toBe(check);
    const starts = rounds(checks, "sensor-driver", reloadAt);
    expect(starts[0] - reloadAt).toBeLessThanOrEqual(1_000);
    expect(new Set(starts.slice(1).map((t, i) => t - starts[i]))).toEqual(new Set([1_000]));
    // weighted round robin, 3:1, nginx's smooth sequence
    expect(lb.serviceStats("web-ui").strategy).toBe("weighted-round-robin");
    const [a, b] = sim.kernel.instances("web-ui");
    const id = sim.kernel.id("web-ui");
    const picks = Array.from({ length: 8 }, () => { const h = lb.pick(id); lb.finished(h, 1); return h; });
    expect(picks).toEqual([a, a, b, a, a, a, b, a]);
    expect(normalized(m.dump())).toEqual(normalized(next));
    // and back: a rollback re-applies the previous sections
    m.rollback();
    expect(lb.serviceStats("web-ui").strategy).toBe("round-robin");
    const back = sim.timeMs;
    sim.runFor(16_000);
    const again = rounds(checks, "sensor-driver", back + 5_000);
    expect(new Set(again.slice(1).map((t, i) => t - again[i]))).toEqual(new Set([5_000]));
    const storage = rounds(checks, "storage"); // its section never changed: its rounds never moved
    expect(storage.length).toBeGreaterThan(1);
    expect(new Set(storage.slice(1).map((t, i) => t - storage[i]))).toEqual(new Set([30_000]));
  });

  it("a strategy change keeps the breakers' states; a breaker change resets them; a removed section restores the defaults", () => {
    const { sim, m, lb, recovery, checks } = device();
    const { manifest, blob } = sensorNode();
    m.load(blob);
    sim.kernel.startAll();
    sim.runFor(5_000);
    const uplink = sim.kernel.instances("telemetry-uplink")[0];
    const id = sim.kernel.id("telemetry-uplink");
    for (let n = 0; n < 3; n++) lb.finished(lb.pick(id), 1, "failure");
    expect(lb.instanceStats(uplink).breaker).toBe("open");
    const v2 = structuredClone(manifest);
    service(v2, "telemetry-uplink").balance!.strategy = "random";
    m.load(encodeManifest(v2));
    expect(lb.serviceStats("telemetry-uplink").strategy).toBe("random");
    expect(lb.instanceStats(uplink).breaker).toBe("open");
    const v3 = structuredClone(v2);
    service(v3, "telemetry-uplink").balance!.breaker!.consecutiveFailures = 4;
    m.load(encodeManifest(v3));
    expect(lb.instanceStats(uplink).breaker).toBe("closed");
    // remove every layer section of telemetry-uplink: no check, policy never, round robin, no breaker
    const v4 = structuredClone(v3);
    const s = service(v4, "telemetry-uplink");
    delete s.health; delete s.recovery; delete s.balance;
    m.load(encodeManifest(v4));
    expect(m.checkOf("telemetry-uplink")).toBeUndefined();
    expect(recovery.info("telemetry-uplink").policy).toBe("never");
    expect(lb.serviceStats("telemetry-uplink").strategy).toBe("round-robin");
    for (let n = 0; n < 10; n++) lb.finished(lb.pick(id), 1, "failure");
    expect(lb.instanceStats(uplink).breaker).toBe("closed");
    const from = sim.timeMs;
    sim.runFor(45_000);
    expect(rounds(checks, "telemetry-uplink", from)).toEqual([]);
    expect(sim.kernel.state("telemetry-uplink")).toBe("running");
    expect(normalized(m.dump())).toEqual(normalized(v4));
  });

  it("a check added through the ABI survives reloads that change the manifest's check", () => {
    const { sim, m, health, checks } = device();
    const v1 = compileText("services:\n  api:\n    health: { check: http, interval: 2s, timeout: 500ms }\n");
    m.load(v1.blob);
    const own = health.addCheck("api", { kind: "custom", role: "readiness", intervalMs: 3_000, timeoutMs: 500 });
    const manifestCheck = m.checkOf("api");
    expect(manifestCheck).not.toBe(own);
    sim.kernel.startAll();
    sim.runFor(10_000);
    m.load(compileText("services:\n  api:\n    health: { check: tcp, interval: 1s, timeout: 500ms }\n").blob); // another kind: a new check
    m.load(compileText("services:\n  api: {}\n").blob); // no section: the manifest's check goes
    expect(m.checkOf("api")).toBeUndefined();
    const from = sim.timeMs;
    sim.runFor(10_000);
    expect(new Set(checks.filter((c) => c.t >= from).map((c) => c.check))).toEqual(new Set([own]));
    expect(health.of("api")).toBe("healthy");
  });

  it("a resize waits for rest; the new instances take the manifest's weights", () => {
    const { sim, m, lb } = device();
    const text = (count: number, weights: number[]) =>
      `services:\n  web:\n    instances: { count: ${count}, weights: [${weights.join(", ")}] }\n    balance: { strategy: weighted-round-robin }\n`;
    m.load(compileText(text(2, [5, 1])).blob);
    sim.kernel.startAll();
    sim.runFor(2_000);
    m.load(compileText(text(3, [5, 1, 7])).blob);
    sim.runFor(5_000);
    expect(sim.kernel.state("web")).toBe("running");
    expect(sim.kernel.instances("web").map((h) => lb.instanceStats(h).weight)).toEqual([5, 1, 7]);
  });
});
