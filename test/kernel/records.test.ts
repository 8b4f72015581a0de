// The kernel owns every default and every decision: a manifest section and the typed API build
// the same configuration record (docs/abi-records.md), so for every section (timeouts, balance,
// breaker, outlier, health check, recovery) the two paths leave byte-identical records in the
// kernel, read back through recordRead / checkRecord: with every field set, and with every
// field left out (the kernel's defaults, the same a fresh service holds). A record is checked
// whole, so the order a host fills its fields in changes nothing.
import { describe, it, expect } from "vitest";
import { readFileSync } from "node:fs";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelManifest, ManifestLoadError } from "../../host/kernel/manifest.ts";
import { HealthMonitor, type CheckOptions } from "../../host/kernel/health.ts";
import { Recovery, type RecoveryPolicy } from "../../host/kernel/recovery.ts";
import { Balancer, type BalanceConfig, type BreakerConfig, type OutlierConfig } from "../../host/kernel/balance.ts";
import { recordOf, recordObject, FIELDS, RECORD_DEFAULT, type Section } from "../../host/kernel/records.ts";
import { MycoError } from "../../host/kernel/errors.ts";
import { NodeResources } from "../../host/kernel/resources.ts";
import { Rollouts } from "../../host/kernel/rollout.ts";
import { compileText, ROOT } from "../manifest/helpers.ts";

const SECTIONS: Section[] = ["timeouts", "balance", "breaker", "outlier", "recovery"];

/** Every field set, each to a value that is not its default. */
const ALL_SET_YAML = `
services:
  db:
    instances: 1
  api:
    instances: 3
    timeouts: { start: 7s, stop: 3s }
    health: { check: tcp, role: readiness, target: "7001", interval: 4s, timeout: 700ms, start-period: 2s, rise: 2, retries: 4 }
    restart:
      policy: on-failure
      strategy: rest-for-one
      intensity: 4
      period: 20s
      count-every-start: true
      success-exit-codes: [0, 3, 40]
      backoff: { kind: linear, initial: 200ms, max: 8s, multiplier: 1.5, jitter: 0.25 }
      stable: 15s
      escalation: [restart-dependents, reboot]
      strategies:
        clean-exit: [restart]
        crash: [restart-backoff, restart-instance]
        crash-loop: [failover]
        check: [restart]
        start-timeout: [restart-backoff]
        watchdog: [restart]
        flapping: [breaker-reset]
        stop-timeout: [restart]
      scale-max: 5
      backup: db
      crash-loop: { faults: 4, window: 30s }
    balance:
      strategy: weighted-least-connections
      choices: 0
      active-bias: 150
      panic: 30
      decay: 5s
      default-cost: 50ms
      breaker: { failures: 7, open: 2s, open-max: 20s, half-open: 2, window: 32, min-calls: 8, failure-rate: 40, slow-call: 300ms, slow-rate: 60 }
      outlier: { failures: 6, base-ejection: 10s, max-ejection: 100s, max-ejected: 25 }
`;

const ALL_SET_CHECK: CheckOptions = { kind: "tcp", role: "readiness", intervalMs: 4_000, timeoutMs: 700, startPeriodMs: 2_000, rise: 2, fall: 4 };
const ALL_SET_RECOVERY: RecoveryPolicy = {
  restart: "on-failure", group: "rest_for_one", restartsMax: 4, windowMs: 20_000, countEveryStart: true, successExitCodes: [0, 3, 40],
  backoff: { kind: "linear", baseMs: 200, capMs: 8_000, factor: 1.5, jitter: 25 }, stableMs: 15_000,
  escalation: { groupRestart: true, reboot: true },
  strategies: {
    "clean-exit": ["restart"], crash: ["restart-backoff", "restart-instance"], "crash-loop": ["failover"], check: ["restart"],
    "start-timeout": ["restart-backoff"], watchdog: ["restart"], flapping: ["breaker-reset"], "stop-timeout": ["restart"],
  },
  scaleMax: 5, backup: "db", crashLoop: { faults: 4, windowMs: 30_000 },
};
const ALL_SET_BALANCE: BalanceConfig = {
  strategy: "weighted-least-connections", choices: 0, activeBiasPercent: 150, panicPercent: 30, decayMs: 5_000, defaultCostMs: 50,
};
const ALL_SET_BREAKER: BreakerConfig = {
  consecutiveFailures: 7, openMs: 2_000, openMaxMs: 20_000, halfOpenPermits: 2, windowSize: 32, minCalls: 8, failureRatePercent: 40,
  slowCallMs: 300, slowRatePercent: 60,
};
const ALL_SET_OUTLIER: OutlierConfig = { consecutiveFailures: 6, baseEjectionMs: 10_000, maxEjectionMs: 100_000, maxEjectedPercent: 25 };

/** Every field left out (a check must name what the host runs; the breaker and ejection sections are present, so on). */
const ALL_ABSENT_YAML = `
services:
  db:
    instances: 1
  api:
    instances: 3
    health: { check: http }
    restart: {}
    balance: { breaker: {}, outlier: {} }
`;

function kernel(): Kernel { return new Kernel({ hal: new VirtualHal(1), profile: "release" }); }

interface Records { sections: Record<Section, Int32Array>; check: Int32Array }

/** The kernel's records of service `api` (the check: its manifest check or its only check). */
function recordsOf(k: Kernel, check: number): Records {
  const sections = Object.fromEntries(SECTIONS.map((s) => [s, k.readRecord("api", s)])) as Record<Section, Int32Array>;
  k.check(k.exports.checkRecord(check));
  return { sections, check: k.takeRecord(FIELDS.check.length) };
}

function viaManifest(yaml: string): Records {
  const k = kernel();
  const m = new KernelManifest(k);
  m.load(compileText(yaml).blob);
  return recordsOf(k, m.checkOf("api")!);
}

function viaTypedApi(configure: (k: Kernel) => number): Records {
  const k = kernel();
  k.register("db", { instances: 1 });
  k.register("api", { instances: 3 });
  return recordsOf(k, configure(k));
}

function expectIdentical(a: Records, b: Records): void {
  for (const section of SECTIONS) expect([...a.sections[section]], section).toEqual([...b.sections[section]]);
  expect([...a.check], "check").toEqual([...b.check]);
}

describe("a manifest section and the typed API give byte-identical kernel records", () => {
  it("with every field set (each field differs from its default)", () => {
    const manifest = viaManifest(ALL_SET_YAML);
    const typed = viaTypedApi((k) => {
      k.setTimeouts("api", 7_000, 3_000);
      new Recovery(k).configure("api", ALL_SET_RECOVERY);
      const balancer = new Balancer(k);
      balancer.configure("api", ALL_SET_BALANCE);
      balancer.configureBreaker("api", ALL_SET_BREAKER);
      balancer.configureOutlier("api", ALL_SET_OUTLIER);
      return new HealthMonitor(k).addCheck("api", ALL_SET_CHECK);
    });
    expectIdentical(manifest, typed);
    const defaults = viaManifest(ALL_ABSENT_YAML);
    for (const section of SECTIONS) {
      const fields = FIELDS[section];
      manifest.sections[section].forEach((value, n) => {
        if (fields[n] === "enabled") return; // on in both
        expect(value, `${section}.${fields[n]}`).not.toBe(defaults.sections[section][n]);
      });
    }
    manifest.check.forEach((value, n) => expect(value, `check.${FIELDS.check[n]}`).not.toBe(defaults.check[n]));
    expect(recordObject("recovery", manifest.sections.recovery).backup).toBe(0); // the blob's index mapped to db's id
  });

  it("with every field left out: the kernel's defaults, what a fresh service holds", () => {
    const manifest = viaManifest(ALL_ABSENT_YAML);
    const typed = viaTypedApi((k) => {
      k.setTimeouts("api");
      new Recovery(k).configure("api", {});
      const balancer = new Balancer(k);
      balancer.configure("api", {});
      balancer.configureBreaker("api");
      balancer.configureOutlier("api");
      return new HealthMonitor(k).addCheck("api");
    });
    expectIdentical(manifest, typed);
    const fresh = kernel();
    fresh.register("api", { instances: 3 });
    for (const section of SECTIONS) {
      const expected = [...fresh.readRecord("api", section)];
      if (section === "breaker" || section === "outlier") expected[0] = 1; // present in the manifest: on
      expect([...manifest.sections[section]], section).toEqual(expected);
    }
    expect([...manifest.sections.timeouts]).toEqual([10_000, 5_000]);
    // a readback holds every default filled in: no sentinel but the backup's "none"
    for (const section of SECTIONS) {
      manifest.sections[section].forEach((value, n) => {
        if (!(section === "recovery" && FIELDS.recovery[n] === "backup")) expect(value, `${section}.${FIELDS[section][n]}`).not.toBe(RECORD_DEFAULT);
      });
    }
  });

  it("a row holds the same defaults whether init, reset() or a removed service's clearing set it", () => {
    // init and reset() fill whole columns (recovery/policy.ts policyClearAll), a removed service's
    // row is cleared through the record of defaults (recovery/record.ts): the two must agree
    for (const profile of ["release", "bench"] as const) {
      const k = new Kernel({ hal: new VirtualHal(1), profile });
      const read = () => Object.fromEntries(SECTIONS.map((section) => [section, [...k.readRecord("api", section)]]));
      const row = k.register("api");
      const afterInit = read();
      k.unregister("api");
      expect(k.register("api"), "the freed row is taken again").toBe(row);
      expect(read(), `${profile}: a removed service's row`).toEqual(afterInit);
      k.reset();
      k.register("api");
      expect(read(), `${profile}: after reset()`).toEqual(afterInit);
    }
  });

  it("a sentinel field is the default however the record is built; an explicit value equal to it is the same", () => {
    const k = kernel();
    k.register("api");
    const recovery = new Recovery(k);
    recovery.configure("api", { restartsMax: 5, windowMs: 10_000 });
    const explicit = [...k.readRecord("api", "recovery")];
    recovery.configure("api", {});
    expect([...k.readRecord("api", "recovery")]).toEqual(explicit);
  });
});

describe("a record is checked whole: the order of its fields changes nothing", () => {
  const orders = [["restart", "restartsMax"], ["restartsMax", "restart"]] as const;
  const policyIn = (order: readonly string[], restartsMax: number) => Object.fromEntries(
    order.map((key) => [key, key === "restart" ? "always" : restartsMax])) as RecoveryPolicy;
  const yamlIn = (order: readonly string[], intensity: number) => `services:\n  api:\n    restart: { ${
    order.map((key) => (key === "restart" ? "policy: always" : `intensity: ${intensity}`)).join(", ")} }\n`;

  it("always with restartsMax 0 is refused, the same way on either path and in either order", () => {
    const details = new Set<string>();
    for (const order of orders) {
      const k = kernel();
      k.register("api");
      let typed: unknown;
      try { new Recovery(k).configure("api", policyIn(order, 0)); } catch (error) { typed = error; }
      expect(typed).toBeInstanceOf(MycoError);
      expect((typed as MycoError).codeName).toBe("E_INVALID_INTENSITY");
      details.add((typed as MycoError).message);
      expect(new Recovery(k).info("api").policy).toBe("never"); // nothing changed
      let loaded: unknown;
      try { new KernelManifest(kernel()).load(compileText(yamlIn(order, 0)).blob); } catch (error) { loaded = error; }
      expect(loaded).toBeInstanceOf(ManifestLoadError);
      expect((loaded as ManifestLoadError).codeName).toBe("E_INVALID_INTENSITY");
      details.add((loaded as ManifestLoadError).message.replace(/ \(at offset \d+\)$/, ""));
    }
    expect([...details]).toEqual(["service 'api': restart policy 2 (always) contradicts restartsMax 0"]);
  });

  it("always with restartsMax 3 is accepted, the same record on either path and in either order", () => {
    const records = new Set<string>();
    for (const order of orders) {
      const k = kernel();
      k.register("api");
      new Recovery(k).configure("api", policyIn(order, 3));
      records.add(JSON.stringify([...k.readRecord("api", "recovery")]));
      const loaded = kernel();
      new KernelManifest(loaded).load(compileText(yamlIn(order, 3)).blob);
      records.add(JSON.stringify([...loaded.readRecord("api", "recovery")]));
    }
    expect(records.size).toBe(1);
    expect(recordObject("recovery", Int32Array.from(JSON.parse([...records][0]))).restartsMax).toBe(3);
  });

  it("a refused record changes nothing, even when some of its fields were valid", () => {
    const k = kernel();
    k.register("api");
    const balancer = new Balancer(k);
    balancer.configureBreaker("api", { consecutiveFailures: 2 });
    const before = [...k.readRecord("api", "breaker")];
    expect(() => balancer.configureBreaker("api", { consecutiveFailures: 9, windowSize: 0 })).toThrow(/windowSize 0 is outside 1\.\.64/);
    expect([...k.readRecord("api", "breaker")]).toEqual(before);
  });
});

describe("docs/defaults.md is the kernel's defaults", () => {
  it("every default in the table is what a fresh service reads back", () => {
    const text = readFileSync(`${ROOT}docs/defaults.md`, "utf8");
    const k = kernel();
    k.register("api");
    const check = new HealthMonitor(k).addCheck("api");
    const fresh = recordsOf(k, check);
    const resources = Int32Array.from(Object.values(new NodeResources(k).read("api")));
    const update = Int32Array.from(Object.values(new Rollouts(k).read("api")));
    const records: Record<string, Int32Array> = { ...fresh.sections, check: fresh.check, resources, update };
    let rows = 0;
    for (const match of text.matchAll(/^\| (\w+) \| (\d+) \| `?(\w+)`? \| (-?\d+)/gm)) {
      const [, section, offset, field, value] = match;
      const fields = FIELDS[section as keyof typeof FIELDS] as readonly string[];
      expect(fields[Number(offset) / 4], `${section} offset ${offset}`).toBe(field);
      expect(records[section][Number(offset) / 4], `${section}.${field}`).toBe(Number(value));
      rows++;
    }
    expect(rows).toBe(Object.values(FIELDS).reduce((n, fields) => n + fields.length, 0)); // every field, once
  });

  it("the sentinel is -1 in every field of every layout", () => {
    for (const kind of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
      expect([...recordOf(kind, {})].every((v) => v === RECORD_DEFAULT)).toBe(true);
    }
  });
});
