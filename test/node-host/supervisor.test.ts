// The supervisor with real processes: dependency order with {DEP}_ADDR, restart with backoff
// after a crash, the control socket, and a graceful shutdown in reverse order that leaves no
// process behind.
import { afterEach, describe, expect, it } from "vitest";
import { statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor, running } from "./helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest } from "../../host/supervisor/control-protocol.ts";
import { serviceStatus } from "../../host/supervisor/status.ts";

afterEach(stopAll);

describe("supervisor", () => {
  it("starts in dependency order with {DEP}_ADDR, and stops in reverse order leaving nothing behind", async () => {
    const [db, api1, api2] = await freePorts(3);
    const r = await supervise(`
services:
  db:
    instances: { count: 1, addresses: ["127.0.0.1:${db}"] }
    ${fixture("", ", ready: listening")}
  api:
    requires: [db]
    instances: { count: 2, addresses: ["127.0.0.1:${api1}", "127.0.0.1:${api2}"] }
    ${fixture("", ", ready: listening")}
`);
    const { kernel } = r.supervisor;
    await waitFor(() => kernel.state("api") === "running", 10_000, "api running");
    const transitions = r.events.filter((e) => e.kind === "service-state").map((e) => `${e.serviceName}:${e.to}`);
    expect(transitions.indexOf("db:running")).toBeLessThan(transitions.lastIndexOf("api:running"));
    // api spawned only once db was listening, and knows where it is
    const dbUp = r.events.find((e) => e.serviceName === "db" && e.kind === "instance-state" && e.to === "running")!.seq;
    const apiSpawn = r.events.find((e) => e.serviceName === "api" && e.kind === "instance-state" && e.to === "starting")!.seq;
    expect(apiSpawn).toBeGreaterThan(dbUp);
    const apiLog = r.supervisor.executor.log("api", 1).lines().map((l) => l.text);
    expect(apiLog).toContain(`api#1 starting; DB_ADDR=127.0.0.1:${db}`);
    const pids = r.supervisor.pids();
    expect(pids).toHaveLength(3);

    await r.supervisor.shutdown();
    const stops = r.texts().filter((t) => /#\d+ \(pid \d+\) stopped \(/.test(t)).map((t) => t.split("#")[0]);
    expect(stops).toEqual(["api", "api", "db"]);
    expect(pids.filter(running)).toEqual([]);
    expect(kernel.serviceIds().map((id) => kernel.state(id))).toEqual(["stopped", "stopped"]);
  });

  it("a crashed instance is restarted after its backoff", async () => {
    const [port] = await freePorts(1);
    const r = await supervise(`
services:
  worker:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    restart: { policy: on-failure, intensity: 5, period: 60s, backoff: { initial: 200ms, max: 1s, multiplier: 2 } }
    ${fixture("", ", ready: listening")}
`);
    const { kernel, executor } = r.supervisor;
    await waitFor(() => kernel.state("worker") === "running", 10_000, "worker running");
    const first = executor.pidOf("worker", 0)!;
    process.kill(-first, "SIGKILL");
    await waitFor(() => kernel.state("worker") === "backoff", 5000, "backoff");
    await waitFor(() => kernel.state("worker") === "running" && executor.pidOf("worker", 0) !== first, 10_000, "running again");
    expect(r.texts()).toEqual(expect.arrayContaining([
      expect.stringMatching(/^worker#0 \(pid \d+\) exited (at once )?with SIGKILL after \d+ ms/),
      "worker: fault crash (instance-exited, evidence -9)",
      expect.stringMatching(/^worker: recovery: restart in \d+ ms \(attempt 1\)$/),
    ]));
    expect(r.supervisor.restarts.get("worker")).toBe(1);
    expect(serviceStatus(r.supervisor)[0]).toMatchObject({ service: "worker", state: "running", instances: "1/1", restarts: 1 });
  });

  it("the control socket: private, and answers status, logs and restart", async () => {
    const [port] = await freePorts(1);
    const r = await supervise(`
services:
  solo:
    instances: { count: 1, addresses: ["127.0.0.1:${port}"] }
    ${fixture("", ", ready: listening")}
`);
    const path = `${r.dir}/run/control.sock`;
    const { mkdirSync } = await import("node:fs");
    mkdirSync(dirname(path), { mode: 0o700 });
    const control = new ControlServer(r.supervisor, path);
    await control.listen();
    try {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      await waitFor(() => r.supervisor.kernel.state("solo") === "running", 10_000, "solo running");
      const status = await controlRequest(path, { command: "status" });
      expect(status).toMatchObject({ ok: true, pid: process.pid, status: [{ service: "solo", state: "running", instances: "1/1" }] });
      const logs = await controlRequest(path, { command: "logs", service: "solo", lines: 2 });
      expect(logs.ok && logs.logs!.map((l) => l.text)).toEqual(["solo#0 starting; no dependencies", `solo#0 listening on ${port}`]);
      const before = r.supervisor.executor.pidOf("solo", 0);
      expect(await controlRequest(path, { command: "restart", service: "solo" })).toEqual({ ok: true });
      await waitFor(() => r.supervisor.kernel.state("solo") === "running" && r.supervisor.executor.pidOf("solo", 0) !== before, 10_000, "restarted");
      expect(await controlRequest(path, { command: "restart", service: "nope" })).toEqual({ ok: false, error: expect.stringContaining("'nope'") });
      expect(await controlRequest(path, { command: "logs", service: "nope" })).toMatchObject({ ok: false });
      // A second server on the same path is refused while the first answers.
      await expect(new ControlServer(r.supervisor, path).listen()).rejects.toThrow(`another myco run is listening on ${path}`);
    } finally {
      await control.close();
    }
    await expect(controlRequest(path, { command: "status" })).rejects.toThrow(/no myco run is answering/);
  });

  it("a reload keeps the run.check of a running service (and says so when it changed); a removed service stops", async () => {
    const [a, b] = await freePorts(2);
    const yaml = (check: string, withExtra: boolean) => `
services:
  solo:
    instances: { count: 1, addresses: ["127.0.0.1:${a}"] }
    ${fixture("", `, ready: listening, check: ${check}`)}
${withExtra ? `  extra:\n    instances: { count: 1, addresses: ["127.0.0.1:${b}"] }\n    ${fixture("", ", ready: listening, check: { kind: process }")}` : ""}
`;
    const r = await supervise(yaml("{ kind: process }", true));
    const { kernel, health } = r.supervisor;
    await waitFor(() => kernel.state("solo") === "running" && kernel.state("extra") === "running", 10_000, "both running");
    const checks = () => [...health.checks.values()].map((c) => `${c.serviceName}:${c.kind}`).sort();
    expect(checks()).toEqual(["extra:process", "solo:process"]);
    const ids = [...health.checks.keys()];
    expect(r.supervisor.reload()).toBe(2);
    expect([...health.checks.keys()]).toEqual(ids); // the same kernel checks
    writeFileSync(join(r.dir, "services.yaml"), yaml(`{ kind: file, path: ${JSON.stringify(join(r.dir, "beat"))} }`, false));
    expect(r.supervisor.reload()).toBe(3);
    expect(r.texts()).toContain("solo: its run.check changed; it applies when myco run starts again (the kernel changes a running service's checks only through a health: section)");
    await waitFor(() => !kernel.serviceIds().map((id) => kernel.name(id)).includes("extra"), 10_000, "extra removed");
    expect(kernel.state("solo")).toBe("running");
  });
});
