// Resource limits enforced for real, on real processes under a real supervisor:
//   memory  a service growing past its limit is restarted within two sampling intervals, with a
//           `resource` fault (the /proc sampling path: the kernel decides on the samples)
//   fds     one opening files past its limit gets EMFILE (prlimit); another service is unaffected
//   cgroups where a writable hierarchy is usable: memory, cpu and pids limits are in the group's
//           files, and a fork bomb is held at pids.max (the test says which path it took)
import { describe, it, expect, afterEach } from "vitest";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { supervise, stopAll, type Running } from "../node-host/supervisor-helpers.ts";
import { faultOf, resourceEventOf } from "../../host/index.ts";
import { readLimit, detectCgroups, removeGroups } from "../../host/resources/cgroups.ts";

const HOG = fileURLToPath(new URL("./fixtures/hog.js", import.meta.url));
const run = (env: Record<string, string | number>) =>
  `run: { allow-root: true, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(HOG)}], env: ${JSON.stringify(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])))} }`;

async function until(done: () => boolean, limitMs = 30_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const output = (r: Running, service: string) => r.supervisor.executor.logsOf(service).flatMap(({ ring }) => ring.lines().map((l) => l.text));

afterEach(stopAll);

describe("memory, by sampling the process group", () => {
  it("a service growing past its limit is restarted within two sampling intervals, with a resource fault", async () => {
    const r = await supervise(`
services:
  leaky:
    resources: { limits: { memory: 96MiB } }
    ${run({ MODE: "grow", STEP_MIB: 4, STEP_MS: 20 })}
  calm:
    resources: { limits: { memory: 96MiB } }
    ${run({ MODE: "idle" })}
`, { resources: { mode: "sampling", sampleMs: 200 } });
    const samples: { handle: number; value: number }[] = [];
    const report = r.supervisor.enforcer.resources.report.bind(r.supervisor.enforcer.resources);
    r.supervisor.enforcer.resources.report = (handle, resource, value) => {
      if (resource === "memory") samples.push({ handle, value });
      return report(handle, resource, value);
    };
    const k = r.supervisor.kernel;
    await until(() => k.state("leaky") === "running");
    const first = k.instances("leaky")[0];
    await until(() => r.events.some((e) => faultOf(e)?.pattern === "resource"));
    await until(() => k.state("leaky") === "running" && k.instances("leaky")[0] !== first);
    const overs = samples.filter((s) => s.handle === first && s.value > 96);
    expect(overs.length, `samples of the first run over 96 MiB: ${overs.map((s) => s.value).join(", ")}`).toBeGreaterThanOrEqual(1);
    expect(overs.length).toBeLessThanOrEqual(2); // acted on within two sampling passes of crossing the limit
    const over = r.events.map(resourceEventOf).find((e) => e?.what === "over-limit");
    expect(over).toMatchObject({ serviceName: "leaky", resource: "memory", instance: first });
    expect(over!.value).toBeGreaterThan(96);
    expect(r.events.map(faultOf).filter((f) => f?.pattern === "resource").map((f) => f!.serviceName)).toEqual(["leaky"]);
    expect(k.state("calm")).toBe("running");
    expect(r.supervisor.enforcer.enforcement("leaky")).toEqual({ memory: "sampled" });
  }, 60_000);
});

describe("sampling runs only while a service has a sampled limit", () => {
  it("an idle host without limits never samples; a reload that adds one starts the sampling", async () => {
    const yaml = (resources: string) => `
services:
  calm:
${resources}    ${run({ MODE: "idle" })}
`;
    const r = await supervise(yaml(""), { resources: { mode: "sampling", sampleMs: 50 } });
    const { enforcer, kernel: k } = r.supervisor;
    let passes = 0;
    const sample = enforcer.sample.bind(enforcer);
    enforcer.sample = () => { passes++; sample(); };
    await until(() => k.state("calm") === "running");
    await new Promise((done) => setTimeout(done, 400)); // eight sampling intervals
    expect(passes).toBe(0);
    writeFileSync(join(r.dir, "services.yaml"), yaml("    resources: { limits: { memory: 512MiB } }\n"));
    r.supervisor.reload();
    expect(enforcer.enforcement("calm")).toEqual({ memory: "sampled" });
    await until(() => enforcer.samples > 0);
    expect(passes).toBeGreaterThan(0);
  });
});

describe("open files, by prlimit", () => {
  it("past its limit a service gets EMFILE; the host and another service are unaffected", async () => {
    const r = await supervise(`
services:
  greedy:
    resources: { limits: { fds: 64 } }
    ${run({ MODE: "files", COUNT: 500 })}
  neighbour:
    ${run({ MODE: "files", COUNT: 200 })}
`, { resources: { mode: "sampling" } });
    await until(() => output(r, "greedy").some((l) => /EMFILE|opened/.test(l)) && output(r, "neighbour").some((l) => /opened|after/.test(l)));
    expect(output(r, "greedy").find((l) => /EMFILE|opened/.test(l))).toMatch(/^EMFILE after \d+ files$/);
    expect(output(r, "neighbour")).toContain("opened 200 files");
    const pid = r.supervisor.executor.pidOf("greedy", 0)!;
    expect(readFileSync(`/proc/${pid}/limits`, "utf8")).toMatch(/Max open files\s+64\s+64/);
    expect(r.supervisor.kernel.state("greedy")).toBe("running");
    expect(r.supervisor.enforcer.enforcement("greedy")).toEqual({ fds: "prlimit" });
  }, 60_000);
});

describe("cgroups, where this host offers a writable hierarchy", () => {
  it("memory, cpu and pids limits are set in the instance's group, and a fork bomb stops at pids.max", async (context) => {
    const probe = detectCgroups(`myco-probe-${process.pid}`);
    removeGroups(probe);
    const usable = ["memory", "cpu", "pids"].filter((c) => probe.bases[c as "memory"]);
    console.log(`resource enforcement path: ${probe.version ? `cgroup v${probe.version} (${usable.join(", ")})` : "no cgroups"}${Object.keys(probe.missing).length ? `; missing: ${Object.values(probe.missing).join("; ")}` : ""}`);
    if (probe.version === null) {
      // Not silently skipped: the sampling path holds pids here, and the test says so.
      context.skip(`no writable cgroup hierarchy on this host: ${Object.values(probe.missing).join("; ")}`);
    }
    const r = await supervise(`
services:
  bomb:
    resources: { limits: { memory: 256MiB, cpu: 0.5, pids: 48 } }
    ${run({ MODE: "fork", COUNT: 200 })}
`, { resources: { mode: "cgroups" } });
    const cg = r.supervisor.enforcer.cgroups;
    await until(() => output(r, "bomb").some((l) => l.startsWith("forks started")));
    const line = output(r, "bomb").find((l) => l.startsWith("forks started"))!;
    const [, started, failed] = /forks started (\d+) failed (\d+)/.exec(line)!.map(Number);
    console.log(`fork bomb under pids.max 48: ${line}`);
    if (cg.bases.memory) expect(readLimit(cg, "memory", "bomb", 0)).toBe(String(256 * 1024 * 1024));
    if (cg.bases.cpu) expect(readLimit(cg, "cpu", "bomb", 0)).toBe(cg.version === 2 ? "50000 100000" : "50000");
    expect(cg.bases.pids, "the pids controller is what contains a fork bomb").toBeDefined();
    expect(readLimit(cg, "pids", "bomb", 0)).toBe("48");
    expect(started).toBeLessThan(48);
    expect(failed).toBeGreaterThan(100);
    const group = `${cg.bases.pids}/bomb.0`;
    expect(Number(readFileSync(`${group}/pids.current`, "utf8"))).toBeLessThanOrEqual(48);
    expect(r.supervisor.enforcer.enforcement("bomb")).toEqual({ memory: "cgroup", cpu: "cgroup", pids: "cgroup" });
  }, 60_000);
});
