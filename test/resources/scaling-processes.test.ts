// Demand-driven scaling end to end, with real processes on loopback and autocannon through the
// gateway: the host reports requests in flight per instance, the kernel decides the count and
// resizes the running service itself (joiners spawn; leavers drain through the balancer, then
// stop). Under load the service grows from 1 toward max; under light traffic it shrinks back to
// 1 once the (short) stabilisation window held; not one request fails meanwhile.
import { afterEach, describe, expect, it } from "vitest";
import autocannon from "autocannon";
import { supervise, stopAll, freePorts, fixture } from "../node-host/supervisor-helpers.ts";
import { waitFor } from "../node-host/helpers.ts";
import { resourceEventOf } from "../../host/index.ts";

afterEach(stopAll);

function load(url: string, connections: number, durationS: number) {
  return autocannon({ url, connections, duration: durationS, timeout: 10 });
}

describe("demand-driven scaling with real processes", () => {
  it("grows 1 -> max under load and back to 1 after the window, 0 failed requests through the gateway", async () => {
    const ports = await freePorts(5);
    const gateway = ports[4];
    const yaml = `
services:
  web:
    instances: { count: 1, addresses: [${ports.slice(0, 4).map((p) => `"127.0.0.1:${p}"`).join(", ")}] }
    resources: { requests: { memory: 16MiB }, scale: { min: 1, max: 4, metric: inflight, target: 3, window: 1500ms } }
    ${fixture("", `, ready: listening, gateway: { port: ${gateway}, timeout: 10s }`)}
`;
    const r = await supervise(yaml, { scaleReportMs: 250 });
    const { kernel } = r.supervisor;
    await waitFor(() => kernel.state("web") === "running", 10_000, "web running").catch((e) => { throw new Error(`${e}\n${r.texts().join("\n")}`); });
    expect(kernel.instances("web")).toHaveLength(1);
    const url = `http://127.0.0.1:${gateway}/slow`;
    let peak = 1;
    const counts: number[] = [];
    r.supervisor.onEvent((e) => {
      const scale = resourceEventOf(e);
      if (e.serviceName === "web" && scale?.what === "scale") { counts.push(scale.value); peak = Math.max(peak, scale.value); }
    });

    // Heavy: 24 connections of 40 ms requests: ~24 in flight, 3 per instance wanted -> max 4.
    const heavy = await load(url, 24, 5);
    expect(peak).toBe(4);
    // Light: one connection (under 1 in flight per instance): the window holds, then down to 1.
    const light = load(url, 1, 6);
    await waitFor(() => kernel.instances("web").length === 1 && counts.at(-1) === 1, 15_000, "back to 1 instance");
    const lightResult = await light;
    for (const result of [heavy, lightResult]) {
      expect(result.errors, "connection errors").toBe(0);
      expect(result.timeouts, "timeouts").toBe(0);
      expect(result.non2xx, "non-2xx answers").toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
    }
    expect(heavy.requests.total).toBeGreaterThan(500);
    expect(counts[0]).toBeGreaterThan(1);
    expect(counts.at(-1)).toBe(1);
    // Every instance that joined served and then left through the drain: the kernel stopped it.
    expect(r.texts().some((t) => /web: scaling 1 -> \d instances \(the kernel's decision\)/.test(t))).toBe(true);
    expect(kernel.state("web")).toBe("running");
  }, 60_000);
});
