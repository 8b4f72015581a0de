// Rollouts with real processes on loopback, through the gateway at a steady request rate: a
// reloaded manifest whose `run:` changed rolls out a new revision instead of restarting the
// service (the kernel decides from the run-spec digest whether and how, and which instance runs
// which revision; the host keeps a run spec per digest).
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { supervise, stopAll, freePorts } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { get } from "./gateway-helpers.ts";
import { serviceStatus } from "../../host/supervisor/status.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest } from "../../host/supervisor/control-protocol.ts";
import { steadyTraffic } from "./traffic.ts";
import { versionedWeb } from "./versioned-web.ts";
import { cli } from "./cli-in-process.ts";

afterEach(stopAll);

describe("myco run rolls out a changed run: on reload", () => {
  it("rolling v1 -> v2 of 3 instances under steady traffic: 0 failed requests, every answer after it from v2, never fewer than 2 available", async () => {
    const [a, b, c, gateway] = await freePorts(4);
    const yaml = versionedWeb(3, [a, b, c], gateway);
    const r = await supervise(yaml("v1"));
    const { kernel, rollouts, executor } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const url = `http://127.0.0.1:${gateway}/`;
    expect((await get(url)).body).toMatch(/^ok web#\d v1\n$/);
    const pidsBefore = [0, 1, 2].map((k) => executor.pidOf("web", k));
    let minAvailable = Infinity;
    r.supervisor.onEvent((e) => {
      if (e.serviceName === "web" && e.kind === "instance-state") minAvailable = Math.min(minAvailable, rollouts.status("web").available);
    });
    const traffic = steadyTraffic(url, 10);
    await new Promise((res) => setTimeout(res, 300));
    writeFileSync(join(r.dir, "services.yaml"), yaml("v2"));
    r.supervisor.reload();
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2, stable: 1 });
    await waitFor(() => rollouts.status("web").phase === "idle", 30_000, "the rollout to complete");
    const completedAt = Date.now();
    await waitFor(() => traffic.answers.filter((x) => x.atMs > completedAt).length > 5, 30_000, "traffic after the rollout"); // (a count, not a time: the machine may be loaded)
    await traffic.stop();
    const failed = traffic.answers.filter((x) => x.status !== 200);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    expect(traffic.answers.length).toBeGreaterThan(50);
    const after = traffic.answers.filter((x) => x.atMs > completedAt);
    expect(after.length).toBeGreaterThan(5);
    expect(after.every((x) => x.body.endsWith(" v2\n"))).toBe(true);
    expect(traffic.answers.some((x) => x.body.endsWith(" v1\n"))).toBe(true);
    expect(minAvailable).toBeGreaterThanOrEqual(2); // max-unavailable 1 (fixed addresses: no surge ordinal)
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([2, 2, 2]);
    expect([0, 1, 2].every((k, i) => executor.pidOf("web", k) !== pidsBefore[i])).toBe(true);
    expect(serviceStatus(r.supervisor).find((row) => row.service === "web")!.revisions).toBe("2 2 2");
    expect(r.texts()).toContain("web: its run: changed: rolling out revision 2 (the kernel's decision)");

    // `myco rollout ...` over the control socket: history, then undo to v1.
    const control = new ControlServer(r.supervisor, join(r.dir, "control.sock"));
    await control.listen();
    try {
      const history = await controlRequest(control.path, { command: "rollout", action: "history", service: "web" });
      expect(history).toMatchObject({ ok: true, rollout: { history: [{ revision: 1, outcome: "good" }, { revision: 2, outcome: "good" }], revisions: [2, 2, 2] } });
      expect(await controlRequest(control.path, { command: "rollout", action: "undo", service: "web", revision: 9 }))
        .toEqual({ ok: false, error: expect.stringContaining("revision 9 is not in its history") });
      expect(await controlRequest(control.path, { command: "rollout", action: "undo", service: "web" })).toMatchObject({ ok: true, rollout: { status: { phase: "rolling", target: 1 } } });
      await waitFor(() => rollouts.status("web").phase === "idle", 30_000, "the undo to complete");
      expect((await get(url)).body).toMatch(/ v1\n$/);
    } finally {
      await control.close();
    }
  }, 90_000);

  it("a reload in a rollout: the kernel supersedes it (v1 -> v2 in flight -> v3); no instance stays on v2, 0 failed requests; `myco rollout status` shows the verdict window", async () => {
    const [a, b, c, gateway] = await freePorts(4);
    const yaml = versionedWeb(3, [a, b, c], gateway, "    update: { batch-interval: 2s }\n");
    const r = await supervise(yaml("v1"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const url = `http://127.0.0.1:${gateway}/`;
    const traffic = steadyTraffic(url, 10);
    writeFileSync(join(r.dir, "services.yaml"), yaml("v2"));
    r.supervisor.reload();
    await waitFor(() => traffic.answers.some((x) => x.body.endsWith(" v2\n")), 30_000, "a v2 instance serving");
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 2 });
    writeFileSync(join(r.dir, "services.yaml"), yaml("v3"));
    r.supervisor.reload();
    expect(rollouts.status("web")).toMatchObject({ phase: "rolling", target: 3, stable: 1 });
    expect(r.texts()).toContain("web: its run: changed: rolling out revision 3 (the kernel's decision)");
    const control = new ControlServer(r.supervisor, join(r.dir, "control.sock"));
    await control.listen();
    try {
      const status = await cli(["rollout", "status", "web", "--socket", control.path]);
      expect(status.code).toBe(0);
      expect(status.out).toMatch(/^web: rolling, revision 3 \(from 1\)/);
      expect(status.out).toMatch(/error-rate verdict: revision 3: \d+ of \d+ requests failed( \(\d+\.\d%\))? in the last 30 s; rolls back above 50% once 10 requests/);
    } finally {
      await control.close();
    }
    await waitFor(() => rollouts.status("web").phase === "idle", 60_000, "the rollout to v3 to complete");
    const completedAt = Date.now();
    await waitFor(() => traffic.answers.filter((x) => x.atMs > completedAt).length > 5, 30_000, "traffic after the rollout");
    await traffic.stop();
    expect(traffic.answers.filter((x) => x.status !== 200)).toEqual([]);
    expect(traffic.answers.filter((x) => x.atMs > completedAt).every((x) => x.body.endsWith(" v3\n"))).toBe(true);
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([3, 3, 3]);
    expect(rollouts.history("web").map((h) => `${h.revision} ${h.outcome}`)).toEqual(["1 good", "2 superseded", "3 good"]);
  }, 120_000);

  it("a v2 that never gets ready is rolled back to v1: no request reaches it, the service keeps serving", async () => {
    const [a, b, gateway] = await freePorts(3);
    const yaml = versionedWeb(2, [a, b], gateway);
    const r = await supervise(yaml("v1"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const traffic = steadyTraffic(`http://127.0.0.1:${gateway}/`, 10);
    writeFileSync(join(r.dir, "services.yaml"), yaml("v2", "exit-at-once"));
    r.supervisor.reload();
    await waitFor(() => rollouts.status("web").phase === "idle" && rollouts.history("web").some((h) => h.outcome === "rolled-back"), 30_000, "the rollback");
    await waitFor(() => kernel.instances("web").every((h) => kernel.instanceState(h) === "running"), 10_000, "v1 back on every instance");
    await traffic.stop();
    expect(traffic.answers.filter((x) => x.status !== 200)).toEqual([]);
    expect(traffic.answers.every((x) => x.body.endsWith(" v1\n"))).toBe(true);
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1]);
    expect(kernel.state("web")).toBe("running");
    expect(r.events.some((e) => e.kind === "alert" && e.toCode === 10 && e.cause === "readiness-failed")).toBe(true);
  }, 60_000);
});
