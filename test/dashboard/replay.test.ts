// `myco sim --dashboard`: a seeded simulation replayed in the page, in a real headless
// Chromium. The slider and the step button move to a given event; the table then shows the
// states the run had at that event (rebuilt here from the same events, independently).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { loadHostManifest, type HostManifest } from "../../host/supervisor/host-manifest.ts";
import { simulate } from "../../host/cli/commands/sim.ts";
import { replayOf, type ReplayData } from "../../host/dashboard/replay.ts";
import { serveDashboard, type DashboardServer } from "../../host/dashboard/server.ts";
import { launchBrowser, openPage } from "./browser.ts";

let browser: Browser;
let server: DashboardServer;
let replay: ReplayData;
let page: Page;
let errors: string[];

beforeAll(async () => {
  const hostManifest = loadHostManifest("examples/edge/services.yaml").hostManifest as HostManifest;
  const report = simulate(hostManifest, 2, 150);
  replay = replayOf("edge: seed 2", 2, hostManifest.manifest, report.events, report);
  server = await serveDashboard({ port: 0, replay });
  browser = await launchBrowser();
  ({ page, errors } = await openPage(browser, `${server.url}&mode=replay`));
  await page.waitForSelector("#replay-panel:not([hidden])");
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The service states after the first `count` events, computed from the replay data. */
function statesAfter(count: number): Record<string, string> {
  const states: Record<string, string> = Object.fromEntries(replay.services.map((s) => [s.name, "stopped"]));
  for (const frame of replay.frames.slice(0, count)) if (frame.kind === "service-state") states[frame.service] = frame.to;
  return states;
}

async function shownStates(): Promise<Record<string, string>> {
  return Object.fromEntries(await page.locator("#services tbody tr").evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.service, (r as HTMLElement).dataset.state])));
}

describe("the simulation replay in headless Chromium", () => {
  it("steps to a given event: the position, the event and the states at that event", async () => {
    expect(replay.frames.length).toBeGreaterThan(100);
    // An event where some service is not running, so the check means something.
    const target = replay.frames.findIndex((f, i) => i > 20 && f.kind === "service-state" && f.to !== "running") + 1;
    expect(target).toBeGreaterThan(0);
    await page.locator("#replay-slider").evaluate((slider, value) => {
      (slider as HTMLInputElement).value = String(value);
      slider.dispatchEvent(new Event("input"));
    }, target - 1);
    await page.click("#replay-step");
    await page.waitForFunction((n) => document.body.dataset.position === String(n), target);
    const frame = replay.frames[target - 1];
    expect(await page.locator("#replay-position").textContent()).toBe(
      `event ${target} of ${replay.frames.length} · seq ${frame.seq} · t=${(frame.timeMs / 1000).toFixed(3)} s · ${frame.text}`);
    expect(await shownStates()).toEqual(statesAfter(target));
    expect(await page.locator("#events li").first().textContent()).toContain(frame.text);
    await page.waitForSelector(`g.node[data-service="${frame.service}"][data-state="${frame.to}"]`);
    await page.click("#replay-back");
    await page.waitForFunction((n) => document.body.dataset.position === String(n), target - 1);
    expect(await shownStates()).toEqual(statesAfter(target - 1));
    expect(errors).toEqual([]);
  });

  it("plays forward at the chosen speed and stops at the end with the simulator's verdict", async () => {
    await page.selectOption("#replay-speed", "1000");
    await page.click("#replay-play");
    await page.waitForFunction((n) => document.body.dataset.position === String(n), replay.frames.length, { timeout: 30_000 });
    expect(await page.locator("#replay-play").textContent()).toBe("Play");
    expect(await shownStates()).toEqual(statesAfter(replay.frames.length));
    expect(Object.values(statesAfter(replay.frames.length)).every((s) => s === "running")).toBe(true);
    expect(await page.locator("#replay-verdict").textContent()).toBe("every invariant held, and the services converged");
    expect(errors).toEqual([]);
  });
});
