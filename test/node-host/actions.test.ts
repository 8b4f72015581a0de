// The actions a process host executes besides spawn, stop and kill, with real processes:
// config-changed (a hot key reaches the same running process through its config file and
// SIGHUP), config-reload (recovery asks for the reload: the file is rewritten from the kernel
// and the process reads it again) and failover (the gateway's traffic goes to the backup the
// kernel names, and comes back when the service runs again).
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync, writeFileSync, unlinkSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { get } from "./gateway-helpers.ts";
import { Recovery } from "../../host/kernel/recovery.ts";
import { serviceStatus } from "../../host/supervisor/status.ts";

afterEach(stopAll);

interface ConfigAnswer { pid: number; reloads: number; config: Record<string, string> | null }

async function configOf(port: number): Promise<ConfigAnswer> {
  return JSON.parse((await get(`http://127.0.0.1:${port}/config`)).body) as ConfigAnswer;
}

describe("the process host executes every action kind", () => {
  it("config-changed: a hot key reaches the same process (config file + SIGHUP), without a restart", async () => {
    const [port] = await freePorts(1);
    const yaml = (greeting: string) => `
services:
  app:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    config:
      greeting: { type: string, hot: true, value: ${greeting} }
      workers: { type: int, min: 1, max: 8, value: 2 }
    ${fixture("", ", ready: listening")}
`;
    const r = await supervise(yaml("hello"));
    const { kernel, executor } = r.supervisor;
    await waitFor(() => kernel.state("app") === "running", 10_000, "app running");
    const before = await configOf(port);
    expect(before).toMatchObject({ reloads: 0, config: { greeting: "hello", workers: "2" } });
    expect(before.pid).toBe(executor.pidOf("app", 0));
    const file = r.supervisor.configFiles.path("app");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);

    writeFileSync(join(r.dir, "services.yaml"), yaml("bonjour"));
    const seen = r.events.length;
    expect(r.supervisor.reload()).toBe(2);
    const after = await pollConfig(port, (c) => c.reloads === 1, "the reload signal");
    expect(after).toEqual({ pid: before.pid, reloads: 1, config: { greeting: "bonjour", workers: "2" } });
    expect(executor.pidOf("app", 0)).toBe(before.pid);
    expect(kernel.state("app")).toBe("running");
    // No transition of the service or its instance: the change was applied in place.
    expect(r.events.slice(seen).filter((e) => e.kind === "service-state" || e.kind === "instance-state")).toEqual([]);
    expect(r.texts()).toContain(`app: configuration 'greeting' changed: ${file}; SIGHUP to pid ${before.pid}`);
    expect(executor.log("app", 0).lines().map((l) => l.text)).toContain(
      `app#0: SIGHUP: configuration read again (1): {"greeting":"bonjour","workers":"2"}`);

    // A file with a problem changes nothing, and says where the problem is.
    writeFileSync(join(r.dir, "services.yaml"), yaml("bonjour").replace("max: 8, value: 2", "max: 8, value: 9"));
    expect(() => r.supervisor.reload()).toThrow(/services\.yaml.*workers/s);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ greeting: "bonjour", workers: "2" });

    await r.supervisor.shutdown();
    expect(existsSync(dirname(file))).toBe(false);
  });

  it("config-reload: recovery's reload rewrites the file from the kernel and the running process reads it again", async () => {
    const [a, b] = await freePorts(2);
    const r = await supervise(`
services:
  worker:
    instances: { count: 2, addresses: ["127.0.0.1:${a}", "127.0.0.1:${b}"] }
    restart: { policy: on-failure, intensity: 5, period: 60s, backoff: { initial: 200ms, max: 1s, multiplier: 2 } }
    config:
      mode: { type: enum, choices: [fast, safe], value: safe }
    ${fixture("", ", ready: listening")}
`);
    const { kernel, executor } = r.supervisor;
    new Recovery(kernel).configure("worker", { restart: "on-failure", strategies: { crash: ["config-reload", "restart-instance"] } });
    await waitFor(() => kernel.state("worker") === "running", 10_000, "worker running");
    const survivor = executor.pidOf("worker", 1)!;
    // The file is damaged behind the supervisor's back; a crash of the other instance makes
    // recovery ask for a reload, which writes it again from what the kernel holds.
    const file = r.supervisor.configFiles.path("worker");
    unlinkSync(file);
    process.kill(-executor.pidOf("worker", 0)!, "SIGKILL");
    const after = await pollConfig(b, (c) => c.reloads === 1, "the recovery's reload");
    expect(after).toEqual({ pid: survivor, reloads: 1, config: { mode: "safe" } });
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({ mode: "safe" });
    expect(r.texts()).toEqual(expect.arrayContaining([
      "worker: fault crash (instance-exited, evidence -9)",
      "worker: recovery: config-reload",
      `worker: configuration reload asked by recovery (crash): ${file}; SIGHUP to pid ${survivor}`,
    ]));
    // The next strategy brings the crashed instance back; the survivor never restarted.
    await waitFor(() => kernel.instances("worker").every((h) => kernel.instanceState(h) === "running") && executor.pidOf("worker", 0) !== undefined,
      10_000, "worker#0 back");
    expect(executor.pidOf("worker", 1)).toBe(survivor);
  });

  it("failover: the gateway's traffic goes to the backup the kernel names, and comes back when the service runs again", async () => {
    const [primary, standby, gateway] = await freePorts(3);
    const r = await supervise(`
services:
  primary:
    instances: { count: 1, addresses: ["127.0.0.1:${primary}"] }
    restart: { policy: on-failure, intensity: 5, period: 60s, backoff: { initial: 1500ms, max: 2s, multiplier: 2 } }
    ${fixture("", `, ready: listening, gateway: { port: ${gateway}, timeout: 2s }`)}
  standby:
    instances: { count: 1, addresses: ["127.0.0.1:${standby}"] }
    ${fixture("", ", ready: listening")}
`);
    const { kernel, executor } = r.supervisor;
    new Recovery(kernel).configure("primary", {
      restart: "on-failure", backup: "standby", strategies: { crash: ["failover", "restart-backoff"] },
      backoff: { kind: "fixed", baseMs: 1500, capMs: 1500, jitter: "none" },
    });
    await waitFor(() => kernel.state("primary") === "running" && kernel.state("standby") === "running", 10_000, "both running");
    const url = `http://127.0.0.1:${gateway}/`;
    expect((await get(url)).body).toBe("ok primary#0\n");

    const first = executor.pidOf("primary", 0)!;
    process.kill(-first, "SIGKILL");
    await waitFor(() => r.supervisor.failover.backupOf("primary") === "standby", 5000, "the failover action");
    expect(kernel.state("primary")).not.toBe("running");
    const during = await get(url);
    expect(during.body).toBe("ok standby#0\n");
    expect(r.texts()).toContain(`primary: failover: gateway 127.0.0.1:${gateway} and new {DEP}_ADDR go to standby until primary runs again`);
    expect(serviceStatus(r.supervisor).find((row) => row.service === "primary")!.gateway).toBe(`127.0.0.1:${gateway} -> standby`);

    // restart-backoff brings primary back after its delay: the traffic follows.
    await waitFor(() => kernel.state("primary") === "running" && executor.pidOf("primary", 0) !== first, 10_000, "primary back");
    await waitFor(() => r.supervisor.failover.backupOf("primary") === undefined, 5000, "the fail-back");
    expect((await get(url)).body).toBe("ok primary#0\n");
    expect(r.supervisor.gateways.get("primary")!.routedTo).toBe("primary");
    expect(r.texts()).toContain("primary: runs again; its traffic is back from standby");
  });
});

/** Asks the instance for its configuration every 50 ms until `done` holds. */
async function pollConfig(port: number, done: (answer: ConfigAnswer) => boolean, what: string): Promise<ConfigAnswer> {
  const end = Date.now() + 10_000;
  for (;;) {
    const answer = await configOf(port);
    if (done(answer)) return answer;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last answer ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
