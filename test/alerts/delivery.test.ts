// Alerts delivered for real (issue 17): a supervisor with real processes, the kernel's alerts
// routed by the manifest's `alerts:` section to a real HTTP receiver. A burst of failures is one
// grouped notification, the recovery one resolved notification, nothing while silenced; a dead
// receiver is retried, reported unreachable once, and never slows the supervisor (a check keeps
// its schedule). `myco alerts` and `myco silence` over the control socket; a malformed section
// is refused with FILE:LINE:COL.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import { join } from "node:path";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";

import { supervise, stopAll, fixture, freePorts, type Running } from "../node-host/supervisor-helpers.ts";
import { waitFor } from "../node-host/helpers.ts";
import { ControlServer } from "../../host/supervisor/control.ts";
import { main } from "../../host/cli/myco.ts";
import { parseHostManifest } from "../../host/supervisor/host-manifest.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import type { Notification } from "../../host/alerts/deliver.ts";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelAlerts } from "../../host/kernel/alerts.ts";

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  await stopAll();
});

/** A webhook receiver on loopback that records every notification. */
async function receiver(): Promise<{ url: string; received: Notification[] }> {
  const received: Notification[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => { received.push(JSON.parse(body) as Notification); res.end("ok"); });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received };
}

/** A receiver that accepts connections and never answers (a hung webhook). */
async function deadReceiver(): Promise<string> {
  const sockets: Socket[] = [];
  const server: TcpServer = createTcpServer((s) => { sockets.push(s); });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
}

async function webWithAlerts(alerts: string): Promise<Running> {
  const [a, b] = await freePorts(2);
  return supervise(`
services:
  web:
    instances: { count: 2, addresses: ["127.0.0.1:${a}", "127.0.0.1:${b}"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 300ms, timeout: 250ms, retries: 1 }
    restart: { policy: on-failure, backoff: { initial: 1500ms, max: 3s } }
    ${fixture("", ", ready: listening")}
${alerts}`);
}

function killAll(r: Running): number[] {
  const pids = [0, 1].map((o) => r.supervisor.executor.pidOf("web", o)!);
  for (const pid of pids) process.kill(-pid, "SIGKILL");
  return pids;
}

async function healthy(r: Running): Promise<void> {
  await waitFor(() => r.supervisor.kernel.state("web") === "running" && r.supervisor.health.of("web") === "healthy"
    && [0, 1].every((o) => r.supervisor.executor.pidOf("web", o) !== undefined), 20_000, "web running and healthy");
}

describe("alerts delivered to a real HTTP receiver", () => {
  it("a burst is one grouped notification, the recovery one resolved notification, and nothing while silenced", async () => {
    const hook = await receiver();
    const r = await webWithAlerts(`alerts:
  receivers:
    hook: { webhook: "${hook.url}", timeout: 1s }
  routes:
    - { receiver: hook, severity: [warning, critical], group-wait: 3s, repeat: 1h, resolved: true }
`); // (3 s: in the full suite the burst's later alerts, the health checks', came more than 1 s after the exits)
    await healthy(r);
    // The startup's alerts (degraded, then recovered, within the group wait) are never told; and
    // after 10 s healthy (the kernel's stable run) the next failure is a new incident, alerted afresh.
    // (On a loaded machine the startup may take longer than the group wait: then its firing and
    // resolved notifications come first; what follows the burst is counted from here.)
    await new Promise((res) => setTimeout(res, 10_500));
    const before = hook.received.length;
    expect(before === 0 || hook.received.map((n) => n.state).join() === "firing,resolved").toBe(true);
    const received = () => hook.received.slice(before);

    killAll(r);
    await waitFor(() => received().length >= 1, 10_000, "the firing notification");
    await healthy(r);
    await waitFor(() => received().length >= 2, 10_000, "the resolved notification");
    await new Promise((res) => setTimeout(res, 500));
    expect(received().map((n) => `${n.service} ${n.state}`)).toEqual(["web firing", "web resolved"]);
    const [firing] = received();
    expect(firing).toMatchObject({ receiver: "hook", service: "web", state: "firing" });
    expect(firing.alerts).toBeGreaterThanOrEqual(2); // the burst: grouped
    expect(["warning", "critical"]).toContain(firing.severity);
    expect(r.supervisor.notifier.view().sent.map((n) => n.outcome).every((o) => o === "delivered")).toBe(true);

    // Silenced: the same failure again, no notification; the kernel says it held them back.
    const socket = join(r.dir, "control.sock");
    const control = new ControlServer(r.supervisor, socket);
    await control.listen();
    closers.push(() => control.close());
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    expect(await main(["node", "myco", "silence", "web", "--for", "1h", "--reason", "planned maintenance", "--socket", socket], io)).toBe(0);
    expect(out[0]).toMatch(/^silence 0: web until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(planned maintenance\)$/);
    await new Promise((res) => setTimeout(res, 10_500)); // a new incident again: alerted afresh (and held back)
    killAll(r);
    await waitFor(() => r.texts().some((t) => t === "alerts: web: alert held back by a silence"), 5000, "the silence to hold an alert back");
    await healthy(r);
    await new Promise((res) => setTimeout(res, 1500));
    expect(received()).toHaveLength(2);
    out.length = 0;
    expect(await main(["node", "myco", "alerts", "--json", "--socket", socket], io)).toBe(0);
    const view = JSON.parse(out.join("\n"));
    expect(view.receivers).toEqual([{ name: "hook", kind: "webhook", target: hook.url, unreachable: false }]);
    expect(view.silences).toEqual([expect.objectContaining({ id: 0, service: "web", reason: "planned maintenance" })]);
    out.length = 0;
    expect(await main(["node", "myco", "silence", "--remove", "0", "--socket", socket], io)).toBe(0);
    expect(await main(["node", "myco", "silence", "nosuch", "--socket", socket], io)).toBe(1);
    expect(out.at(-1)).toMatch(/myco silence: .*'nosuch' is not registered/);
    expect(await main(["node", "myco", "silence", "web", "--for", "forever", "--socket", socket], io)).toBe(2);
  });

  it("a dead receiver is retried, reported unreachable once, and the supervisor keeps its schedule", async () => {
    const url = await deadReceiver();
    const [a, b, c] = await freePorts(3);
    const r = await supervise(`
services:
  web:
    instances: { count: 2, addresses: ["127.0.0.1:${a}", "127.0.0.1:${b}"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 300ms, timeout: 250ms, retries: 1 }
    ${fixture("", ", ready: listening")}
  stuck:
    instances: { count: 1, addresses: ["127.0.0.1:${c}"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 300ms, timeout: 250ms, retries: 1, role: readiness }
    ${fixture("hang-health", ", ready: listening")}
alerts:
  receivers:
    dead: { webhook: "${url}", timeout: 2s, retry: { initial: 200ms, max: 400ms, attempts: 3 } }
  routes:
    - { receiver: dead, service: stuck, group-wait: 0s }
`);
    const checks: number[] = [];
    r.supervisor.onCheck((check) => { if (check.service === "web" && check.ordinal === 0) checks.push(Date.now()); });
    await waitFor(() => r.texts().some((t) => t.startsWith("alerts: receiver 'dead' is unreachable")), 20_000, "the receiver reported unreachable");
    await new Promise((res) => setTimeout(res, 1000));
    const unreachable = r.texts().filter((t) => t.startsWith("alerts: receiver 'dead' is unreachable"));
    expect(unreachable).toEqual(["alerts: receiver 'dead' is unreachable (3 attempts failed); reported once, notifications resume when it answers"]);
    expect(r.texts().filter((t) => /^alerts: stuck: delivery to 'dead' failed; the kernel retries in (200|400) ms$/.test(t))).toHaveLength(2);
    expect(r.texts().filter((t) => t.includes("not delivered to 'dead'") && t.includes("no answer within 2000 ms"))).toHaveLength(3);
    expect(r.supervisor.notifier.view().receivers[0].unreachable).toBe(true);
    // web#0's check ran every 300 ms all along, through three 2 s delivery timeouts (a blocked
    // supervisor would show a gap of 2 s or more; the margin is for a loaded machine).
    const gaps = checks.slice(1).map((t, i) => t - checks[i]);
    expect(checks.length).toBeGreaterThan(12);
    expect(Math.max(...gaps)).toBeLessThan(1500);
  });
});

describe("a malformed alerts: section", () => {
  it("is refused with FILE:LINE:COL and the field, by myco check too", async () => {
    const text = `services:
  web: { instances: 1, run: { allow-root: true, command: "true" } }
alerts:
  receivers:
    hook: { webhook: "ftp://x", retry: { attempts: 0 } }
    both: { log: true, command: x }
  routes:
    - { receiver: nobody }
    - { receiver: both, severity: [loud], service: db, group-wait: soon }
`;
    const { hostManifest, diagnostics } = parseHostManifest(text, "s.yaml", "/tmp");
    expect(hostManifest).toBeNull();
    expect(diagnostics.map(formatDiagnostic)).toEqual([
      "s.yaml:5:22: field 'alerts.receivers.hook.webhook': 'ftp://x' is not an http:// or https:// URL",
      "s.yaml:6:11: field 'alerts.receivers.both': receiver 'both' needs exactly one of webhook, command, log (has command, log)",
      "s.yaml:8:19: field 'alerts.routes[0].receiver': receiver 'nobody' is not defined in alerts.receivers (none)",
      "s.yaml:9:19: field 'alerts.routes[1].receiver': receiver 'both' is not defined in alerts.receivers (none)",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "myco-alerts-"));
    closers.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "services.yaml"), text);
    const err: string[] = [];
    expect(await main(["node", "myco", "check", join(dir, "services.yaml")], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err[0]).toBe(`${join(dir, "services.yaml")}:5:22: field 'alerts.receivers.hook.webhook': 'ftp://x' is not an http:// or https:// URL`);
    expect(err.at(-1)).toBe(`4 problems in ${join(dir, "services.yaml")}`);
    const second = parseHostManifest(text.replace(`ftp://x", retry: { attempts: 0 }`, `http://127.0.0.1:1/h"`).replace("log: true, command: x", "log: true"), "s.yaml", "/tmp");
    expect(second.diagnostics.map(formatDiagnostic)).toEqual([
      "s.yaml:8:19: field 'alerts.routes[0].receiver': receiver 'nobody' is not defined in alerts.receivers (hook, both)",
      "s.yaml:9:36: field 'alerts.routes[1].severity': 'loud' is not a severity (info, warning, critical)",
      "s.yaml:9:52: field 'alerts.routes[1].service': service 'db' is not a service in this manifest",
      "s.yaml:9:68: field 'alerts.routes[1].group-wait': expected a duration such as 10s or 4h",
    ]);
  });
});


describe("build profiles", () => {
  it("the mcu profile leaves alert notification out (its one page has no room) and says so", () => {
    const mcu = new KernelAlerts(new Kernel({ hal: new VirtualHal(1), profile: "mcu" }));
    expect(() => mcu.receiver(0, { retryInitialMs: -1, retryMaxMs: -1, attemptsMax: -1 })).toThrow("alerts are not in this profile");
    const release = new KernelAlerts(new Kernel({ hal: new VirtualHal(1), profile: "release" }));
    release.receiver(0, { retryInitialMs: -1, retryMaxMs: -1, attemptsMax: -1 });
    expect(release.route({ receiver: 0, severities: [], groupWaitMs: -1, repeatMs: -1, sendResolved: true })).toBe(0);
  });
});
