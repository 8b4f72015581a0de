// /metrics of a running supervisor, scraped over HTTP and read with a real Prometheus text
// format parser (parse-prometheus-text-format): every family is there, with the right type,
// and the values agree with what happened (states, picks, requests, checks, restarts, faults).
import { afterEach, describe, expect, it } from "vitest";
import parsePrometheusTextFormat, { type MetricFamily } from "parse-prometheus-text-format";
import { supervise, stopAll, freePorts, fixture } from "./supervisor-helpers.ts";
import { waitFor } from "./helpers.ts";
import { SupervisorMetrics } from "../../host/metrics/metrics.ts";
import { serveMetrics } from "../../host/metrics/server.ts";

afterEach(stopAll);

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  if (!found) throw new Error(`no metric family ${name}; have ${families.map((f) => f.name).join(", ")}`);
  return found;
}

function value(f: MetricFamily, labels: Record<string, string>): number {
  const sample = f.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  if (!sample) throw new Error(`${f.name} has no sample ${JSON.stringify(labels)}`);
  return Number(sample.value ?? sample.count);
}

describe("metrics", () => {
  it("serves every family in the Prometheus text format, with values that match", async () => {
    const [a, b] = await freePorts(2);
    const r = await supervise(`
services:
  web:
    instances: { count: 2, addresses: ["127.0.0.1:${a}", "127.0.0.1:${b}"] }
    health: { check: http, target: "http://127.0.0.1/healthz", interval: 300ms, timeout: 250ms, retries: 2 }
    restart: { policy: on-failure, intensity: 5, period: 60s, backoff: { initial: 100ms, max: 1s, multiplier: 2 } }
    balance: { strategy: round-robin, breaker: { failures: 5, open: 2s, half-open: 1 } }
    ${fixture("", ", ready: listening, gateway: { port: 0 }")}
`);
    const metrics = new SupervisorMetrics(r.supervisor.kernel, r.supervisor.health, r.supervisor.balancer);
    metrics.attach(r.supervisor);
    const server = await serveMetrics(metrics, 0);
    try {
      const { kernel, executor } = r.supervisor;
      await waitFor(() => kernel.state("web") === "running" && r.supervisor.health.of("web") === "healthy", 10_000, "web healthy");
      const gateway = r.supervisor.gateways.get("web")!;
      for (let i = 0; i < 10; i++) await (await fetch(`http://${gateway.address}/`)).text();
      // A crash: a fault, a restart.
      process.kill(-executor.pidOf("web", 1)!, "SIGKILL");
      await waitFor(() => r.supervisor.restarts.get("web") === 1, 5000, "the restart");
      // restart-instance (the default for a pool): web keeps running; only instance 1 comes back.
      const allUp = () => kernel.instances("web").every((h) => kernel.instanceState(h) === "running");
      await waitFor(() => kernel.state("web") === "running" && allUp(), 10_000, "both instances running again");

      const response = await fetch(`http://${server.address}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain");
      const text = await response.text();
      const families = parsePrometheusTextFormat(text);
      const types = Object.fromEntries(families.map((f) => [f.name, f.type]));
      expect(types).toMatchObject({
        myco_service_state: "GAUGE", myco_service_health: "GAUGE", myco_service_availability_ratio: "GAUGE",
        myco_service_instances_running: "GAUGE", myco_service_restarts_total: "COUNTER", myco_faults_total: "COUNTER",
        myco_balancer_picks_total: "COUNTER", myco_requests_active: "GAUGE", myco_breaker_state: "GAUGE",
        myco_breaker_transitions_total: "COUNTER", myco_ejections_total: "COUNTER",
        myco_check_duration_seconds: "HISTOGRAM", myco_gateway_request_duration_seconds: "HISTOGRAM",
      });
      expect(value(family(families, "myco_service_state"), { service: "web", state: "running" })).toBe(1);
      expect(value(family(families, "myco_service_state"), { service: "web", state: "failed" })).toBe(0);
      expect(value(family(families, "myco_service_instances_running"), { service: "web" })).toBe(2);
      expect(value(family(families, "myco_service_restarts_total"), { service: "web" })).toBe(1);
      expect(value(family(families, "myco_faults_total"), { service: "web", pattern: "crash" })).toBe(1);
      const availability = value(family(families, "myco_service_availability_ratio"), { service: "web" });
      expect(availability).toBeGreaterThan(0);
      expect(availability).toBeLessThanOrEqual(1);
      expect(value(family(families, "myco_breaker_state"), { service: "web", instance: "0", state: "closed" })).toBe(1);
      expect(value(family(families, "myco_requests_active"), { service: "web", instance: "0" })).toBe(0);
      // The parser folds a histogram's label sets into one bucket map and keeps count and sum
      // only for unlabelled ones: here there is one label set, so its buckets are the gateway's.
      const requests = family(families, "myco_gateway_request_duration_seconds");
      expect(Number(requests.metrics[0].buckets!["+Inf"])).toBe(10);
      expect(Object.keys(requests.metrics[0].buckets!)).toHaveLength(17);
      expect(text).toContain('myco_gateway_request_duration_seconds_count{service="web",outcome="success"} 10');
      const checks = family(families, "myco_check_duration_seconds");
      expect(Number(checks.metrics[0].buckets!["+Inf"])).toBeGreaterThan(0);
      expect(text).toMatch(/myco_check_duration_seconds_count\{service="web",kind="http",outcome="success"\} [1-9]/);
      expect(family(families, "myco_balancer_picks_total").metrics.length).toBe(2);
      expect(await (await fetch(`http://${server.address}/other`)).text()).toBe("try GET /metrics\n");
    } finally {
      await server.close();
    }
  });
});
