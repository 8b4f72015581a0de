// Canary with real processes on loopback, through the gateway at a steady request rate (weighted
// round robin, so the balancer's weights carry the canary's share): promotion by `myco rollout
// promote` over the control socket; a v3 that is ready but answers 500: rolled back by its
// breaker, the failed requests bounded by the canary's share; a v3 failing one request in
// four, judged by the update's own error-rate verdict (no breaker): rolled back at its threshold;
// a v3 that never gets ready: rolled back at the progress deadline, no request served by it, none failed.
import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { supervise, stopAll, freePorts } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { controlRequest } from "../../host/supervisor/control-protocol.ts";
import { steadyTraffic } from "./traffic.ts";
import { versionedWeb } from "./versioned-web.ts";

afterEach(stopAll);

const PROMOTE = 11; // EVENT_ROLLOUT step (assembly/rollout/tables.ts STEP_PROMOTE)
const VERDICT = 12; // EVENT_ROLLOUT step STEP_VERDICT (value: the error rate in basis points)
const BREAKER = "breaker: { window: 10, min-calls: 5, failure-rate: 50, open: 60s }";
const BEGIN = 1; // STEP_BEGIN
const ROLLBACK = 5; // STEP_ROLLBACK

function manifest(ports: number[], gateway: number, mode: string, version: string, canary: string, breaker = BREAKER, errorRate = "") {
  const balance = `    balance: { strategy: weighted-round-robin${breaker ? `, ${breaker}` : ""} }\n`;
  return versionedWeb(4, ports, gateway, `${balance}    update: { strategy: canary, canary: ${canary}${errorRate ? `, error-rate: ${errorRate}` : ""} }\n`)(version, mode);
}

describe("myco run: canary", () => {
  it("one canary of 4 takes about its 10% share; `myco rollout promote` rolls the rest; 0 failed requests", async () => {
    const ports = await freePorts(5);
    const gateway = ports[4];
    const yaml = (version: string) => manifest(ports.slice(0, 4), gateway, "", version, "{ count: 1, share: 10%, auto-promote: false }");
    const r = await supervise(yaml("v1"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const traffic = steadyTraffic(`http://127.0.0.1:${gateway}/`, 5);
    writeFileSync(join(r.dir, "services.yaml"), yaml("v2"));
    r.supervisor.reload();
    await waitFor(() => kernel.instanceState(kernel.instances("web")[3]) === "running" && rollouts.revisionOf(kernel.instances("web")[3]) === 2, 30_000, "the canary running v2");
    const canaryFrom = Date.now();
    await waitFor(() => traffic.answers.filter((x) => x.atMs > canaryFrom).length >= 200, 60_000, "traffic on the canary");
    const during = traffic.answers.filter((x) => x.atMs > canaryFrom);
    const share = during.filter((x) => x.body.endsWith(" v2\n")).length / during.length;
    expect(share).toBeGreaterThan(0.03);
    expect(share).toBeLessThan(0.2); // 10% by the weights (1 : 3 3 3 reduced)
    const control = new ControlServer(r.supervisor, join(r.dir, "control.sock"));
    await control.listen();
    try {
      expect(await controlRequest(control.path, { command: "rollout", action: "promote", service: "web" })).toMatchObject({ ok: true });
      expect(await controlRequest(control.path, { command: "rollout", action: "promote", service: "web" }))
        .toEqual({ ok: false, error: expect.stringContaining("has no canary rollout waiting for promotion") });
    } finally {
      await control.close();
    }
    await waitFor(() => rollouts.status("web").phase === "idle", 30_000, "the rollout to complete");
    await traffic.stop();
    expect(r.events.some((e) => e.kind === "rollout" && e.fromCode === PROMOTE && e.cause === "command")).toBe(true);
    expect(traffic.answers.filter((x) => x.status !== 200)).toEqual([]);
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([2, 2, 2, 2]);
  }, 90_000);

  it("a v3 that is ready but answers 500: rolled back (alert: error rate), the failed requests bounded by the canary's share", async () => {
    const ports = await freePorts(5);
    const gateway = ports[4];
    const yaml = (mode: string, version: string) => manifest(ports.slice(0, 4), gateway, mode, version, "{ count: 1, share: 10%, healthy-period: 10m }");
    const r = await supervise(yaml("", "v2"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const traffic = steadyTraffic(`http://127.0.0.1:${gateway}/`, 5);
    writeFileSync(join(r.dir, "services.yaml"), yaml("error-500", "v3"));
    r.supervisor.reload();
    await waitFor(() => rollouts.history("web").some((h) => h.outcome === "rolled-back") && rollouts.status("web").phase === "idle", 60_000, "the rollback");
    const after = traffic.answers.length;
    await waitFor(() => traffic.answers.length >= after + 100, 30_000, "traffic after the rollback");
    await traffic.stop();
    const failed = traffic.answers.filter((x) => x.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThanOrEqual(20); // the breaker's window (10) on the one canary, with margin
    expect(traffic.answers.slice(after).every((x) => x.status === 200 && x.body.endsWith(" v2\n"))).toBe(true);
    expect(r.events.some((e) => e.kind === "alert" && e.toCode === 10 && e.cause === "error-rate")).toBe(true);
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1, 1, 1]);
  }, 90_000);

  it("a v3 failing one request in four passes the update's 5% error-rate threshold: rolled back by the verdict, no breaker involved", async () => {
    const ports = await freePorts(5);
    const gateway = ports[4];
    const yaml = (mode: string, version: string) => manifest(ports.slice(0, 4), gateway, mode, version,
      "{ count: 1, share: 10%, healthy-period: 10m }", "", "{ threshold: 5%, window: 30s, min-requests: 12 }");
    const r = await supervise(yaml("", "v2"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const traffic = steadyTraffic(`http://127.0.0.1:${gateway}/`, 5);
    writeFileSync(join(r.dir, "services.yaml"), yaml("error-quarter", "v3"));
    r.supervisor.reload();
    await waitFor(() => rollouts.history("web").some((h) => h.outcome === "rolled-back") && rollouts.status("web").phase === "idle", 60_000, "the rollback");
    const after = traffic.answers.length;
    await waitFor(() => traffic.answers.length >= after + 100, 30_000, "traffic after the rollback");
    await traffic.stop();
    const verdict = r.events.filter((e) => e.kind === "rollout" && e.fromCode === VERDICT);
    expect(verdict).toHaveLength(1);
    expect(verdict[0].value).toBeGreaterThanOrEqual(500); // basis points: one in four failed, at least the 5% threshold
    expect(r.events.some((e) => e.kind === "alert" && e.toCode === 10 && e.cause === "error-rate")).toBe(true);
    const v3 = traffic.answers.filter((x) => x.body.endsWith(" v3\n") || x.status === 500);
    const failed = traffic.answers.filter((x) => x.status !== 200);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.every((x) => x.status === 500)).toBe(true); // only the canary's own answers failed
    expect(failed.length).toBeLessThanOrEqual(Math.ceil(v3.length / 4)); // one in four of the canary's share, judged at min-requests
    expect(v3.length).toBeLessThan(60); // judged soon after min-requests (12), sampled every 250 ms
    expect(traffic.answers.slice(after).every((x) => x.status === 200 && x.body.endsWith(" v2\n"))).toBe(true);
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1, 1, 1]);
  }, 90_000);

  it("a v3 whose canary never gets ready: rolled back at the progress deadline, 0 requests served by it, 0 failed", async () => {
    const ports = await freePorts(5);
    const gateway = ports[4];
    const deadlineMs = 4000; // below the start timeout (10 s): the deadline, not a start failure, decides
    const yaml = (mode: string, version: string) => manifest(ports.slice(0, 4), gateway, mode, version,
      `{ count: 1, share: 10%, healthy-period: 10m }, progress-deadline: ${deadlineMs}ms`);
    const r = await supervise(yaml("", "v2"));
    const { kernel, rollouts } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running");
    const traffic = steadyTraffic(`http://127.0.0.1:${gateway}/`, 5);
    writeFileSync(join(r.dir, "services.yaml"), yaml("never-ready", "v3"));
    r.supervisor.reload();
    await waitFor(() => rollouts.history("web").some((h) => h.revision === 2 && h.outcome === "rolled-back") && rollouts.status("web").phase === "idle", 60_000, "the rollback");
    await waitFor(() => kernel.instances("web").every((h) => kernel.instanceState(h) === "running"), 10_000, "v2 back on every instance");
    const after = traffic.answers.length;
    await waitFor(() => traffic.answers.length >= after + 100, 30_000, "traffic after the rollback");
    await traffic.stop();
    const steps = r.events.filter((e) => e.kind === "rollout" && e.value === 2);
    const begun = steps.find((e) => e.fromCode === BEGIN)!;
    const rolledBack = steps.find((e) => e.fromCode === ROLLBACK)!;
    expect(rolledBack.cause).toBe("progress-deadline");
    expect(rolledBack.timeMs - begun.timeMs).toBeGreaterThanOrEqual(deadlineMs); // the kernel waited the deadline out, no more verdict
    expect(r.events.some((e) => e.kind === "alert" && e.toCode === 10 && e.cause === "progress-deadline")).toBe(true);
    expect(traffic.answers.length).toBeGreaterThan(after);
    expect(traffic.answers.filter((x) => x.status !== 200)).toEqual([]);
    expect(traffic.answers.filter((x) => !x.body.endsWith(" v2\n"))).toEqual([]); // none served by the never-ready v3
    expect(kernel.instances("web").map((h) => rollouts.revisionOf(h))).toEqual([1, 1, 1, 1]);
  }, 90_000);
});
