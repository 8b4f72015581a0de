// The live dashboard in a real headless Chromium against a real supervisor with real
// processes: the page loads without a console error, a SIGKILLed instance shows as down and
// then recovered without a reload, the restart button restarts the service, the charts get
// points, and a screenshot is written (build/screenshots/dashboard.png).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { supervise, stopAll, fixture, freePorts, SERVICE_JS, type Running } from "../node-host/supervisor-helpers.ts";
import { get } from "../node-host/gateway-helpers.ts";
import { LocalSource } from "../../host/dashboard/source.ts";
import { serveDashboard, DashboardError, type DashboardServer } from "../../host/dashboard/server.ts";
import { launchBrowser, openPage } from "./browser.ts";

const SCREENSHOTS = fileURLToPath(new URL("../../build/screenshots/", import.meta.url));

let browser: Browser;
let running: Running;
let source: LocalSource;
let server: DashboardServer;
let page: Page;
let errors: string[];
let gatewayPort: number;

beforeAll(async () => {
  browser = await launchBrowser();
  const [db, web0, web1, gateway] = await freePorts(4);
  gatewayPort = gateway;
  running = await supervise(`
services:
  db:
    instances: { count: 1, addresses: ["127.0.0.1:${db}"] }
    restart: { policy: on-failure, backoff: { initial: 1500ms, max: 3s } }
    config: { password: { type: string, secret: true }, pool: { type: int, value: 4 } }
    ${fixture("", ", ready: listening")}
  web:
    instances: { count: 2, addresses: ["127.0.0.1:${web0}", "127.0.0.1:${web1}"] }
    requires: [db]
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 500ms, timeout: 400ms, retries: 1 }
    restart: { policy: on-failure, backoff: { initial: 1500ms, max: 3s } }
    balance: { strategy: round-robin }
    run: { allow-root: true, command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVICE_JS)}], ready: listening, gateway: { port: ${gateway} } }
`, { parse: { overrides: ["db.password=hunter2"] } });
  source = new LocalSource(running.supervisor);
  server = await serveDashboard({ port: 0, source });
  await waitRunning(running, ["db", "web"]);
  ({ page, errors } = await openPage(browser, server.url));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  source?.close();
  await stopAll();
});

async function waitRunning(r: Running, names: string[]): Promise<void> {
  const end = Date.now() + 20_000;
  while (!names.every((n) => r.supervisor.kernel.state(n) === "running")) {
    if (Date.now() > end) throw new Error(`not running: ${names.map((n) => `${n}=${r.supervisor.kernel.state(n)}`).join(" ")}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const instance = (service: string, ordinal: number) => `tr[data-service="${service}"] [data-instance="${ordinal}"]`;

describe("the live dashboard in headless Chromium", () => {
  it("loads with no console error: table, graph coloured by state, live connection", async () => {
    await page.waitForSelector('#connection[data-state="live"]');
    await page.waitForSelector('tr[data-service="web"][data-state="running"]');
    expect(await page.locator("#services tbody tr").evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.service))).toEqual(["db", "web"]);
    await page.waitForSelector('g.node[data-service="web"][data-state="running"]');
    expect(await page.locator('path.edge[data-edge="web->db"]').count()).toBe(1);
    expect(await page.locator(`${instance("web", 1)}`).getAttribute("data-pid")).toBe(String(running.supervisor.executor.pidOf("web", 1)));
    expect(errors).toEqual([]);
  });

  it("a SIGKILLed instance shows as down, then recovered with a new pid, without a reload", async () => {
    const pid = running.supervisor.executor.pidOf("web", 1)!;
    await page.waitForSelector(`${instance("web", 1)}[data-pid="${pid}"]`);
    const marker = await page.evaluate(() => { (window as unknown as { marker: number }).marker = 1; return 1; });
    process.kill(-pid, "SIGKILL");
    await page.waitForSelector(`${instance("web", 1)}:not([data-state="running"])`, { timeout: 5000 });
    await page.waitForSelector(`${instance("web", 1)}[data-state="running"]:not([data-pid="${pid}"])`, { timeout: 15_000 });
    await page.waitForFunction(() => [...document.querySelectorAll("#events li")].some((li) => /web#1 \(pid \d+\) exited (at once )?with SIGKILL/.test(li.textContent ?? "")));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker); // the same page: no reload
    expect(errors).toEqual([]);
  });

  it("the restart button restarts the service: every instance gets a new pid", async () => {
    await waitRunning(running, ["web"]);
    const before = [0, 1].map((o) => running.supervisor.executor.pidOf("web", o));
    await page.click('tr[data-service="web"] button[data-action="restart"]');
    await page.waitForFunction(() => [...document.querySelectorAll("#events li")].some((li) => (li.textContent ?? "").includes("web: restart requested by the operator")));
    for (const ordinal of [0, 1]) {
      await page.waitForSelector(`${instance("web", ordinal)}[data-state="running"]:not([data-pid="${before[ordinal]}"])`, { timeout: 15_000 });
    }
    expect(running.texts()).toContain("web: restart requested by the operator");
    expect(errors).toEqual([]);
  });

  it("the charts receive points as requests go through the gateway", async () => {
    await waitRunning(running, ["web"]);
    for (let i = 0; i < 20; i++) await get(`http://127.0.0.1:${gatewayPort}/`);
    await page.waitForSelector('#charts[data-service="web"]');
    await page.waitForFunction(() => Number((document.querySelector("#charts") as HTMLElement).dataset.requests) >= 20, undefined, { timeout: 5000 });
    expect(Number(await page.locator("#charts").getAttribute("data-points"))).toBeGreaterThan(1);
    expect(await page.locator("#charts canvas").count()).toBeGreaterThanOrEqual(4);
  });

  it("a click on a graph node opens the detail: checks, recovery, config with the secret redacted, logs", async () => {
    await page.click('g.node[data-service="db"]');
    await page.waitForSelector('#detail[data-service="db"]:not([hidden])');
    await page.waitForFunction(() => (document.querySelector("#detail-config")?.textContent ?? "").includes("pool"));
    const config = await page.locator("#detail-config").textContent();
    expect(config).toContain("<redacted>");
    expect(config).not.toContain("hunter2");
    expect(await page.locator("#detail-logs").textContent()).toMatch(/db#0 listening/);
    await page.click("#detail-close");
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it("the API refuses a wrong token and names an unknown service; a port in use is a clear error", async () => {
    const base = `http://${server.address}`;
    expect((await fetch(`${base}/api/state`)).status).toBe(401);
    expect((await fetch(`${base}/api/state?token=nope`)).status).toBe(401);
    const unknown = await fetch(`${base}/api/services/nosuch/restart`, { method: "POST", headers: { "x-myco-token": server.token } });
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error).toMatch(/nosuch/);
    const verb = await fetch(`${base}/api/services/web/explode`, { method: "POST", headers: { "x-myco-token": server.token } });
    expect((await verb.json()).error).toBe("unknown action 'explode'; expected restart, stop, start");
    const port = Number(server.address.split(":")[1]);
    await expect(serveDashboard({ port, source })).rejects.toThrow(new DashboardError(`dashboard port ${port} on 127.0.0.1 is in use by another process; pick another with --dashboard PORT`, "EADDRINUSE"));
  });
});
