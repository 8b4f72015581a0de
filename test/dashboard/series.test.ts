// The dashboard's traffic per second: counts, errors and nearest-rank p50 / p99 of one second,
// the bucket emptied by take() and reused for the next second, latencies beyond the cap counted
// but not kept.
import { describe, expect, it } from "vitest";
import { TrafficSeries, percentile } from "../../host/dashboard/series.ts";
import type { GatewayRequest } from "../../host/gateway/gateway.ts";

const request = (service: string, latencyMs: number, outcome: GatewayRequest["outcome"] = "success"): GatewayRequest =>
  ({ service, upstream: service, ordinal: 0, status: outcome === "success" ? 200 : 502, outcome, latencyMs });

describe("TrafficSeries", () => {
  it("gives one second's count, errors and nearest-rank percentiles, then starts the next second empty", () => {
    const series = new TrafficSeries();
    for (const ms of [5, 1, 4, 2, 3]) series.record(request("web", ms));
    series.record(request("web", 100, "failure"));
    series.record(request("api", 7));
    expect(series.take("web")).toEqual({ requests: 6, errors: 1, p50Ms: 3, p99Ms: 100 });
    expect(series.take("web")).toEqual({ requests: 0, errors: 0, p50Ms: null, p99Ms: null });
    series.record(request("web", 0.5));
    expect(series.take("web")).toEqual({ requests: 1, errors: 0, p50Ms: 0.5, p99Ms: 0.5 });
    expect(series.take("api")).toEqual({ requests: 1, errors: 0, p50Ms: 7, p99Ms: 7 });
    expect(series.take("nothing")).toEqual({ requests: 0, errors: 0, p50Ms: null, p99Ms: null });
  });

  it("counts every request but keeps the first 4096 latencies of a second", () => {
    const series = new TrafficSeries();
    for (let i = 0; i < 4096; i++) series.record(request("web", 1));
    for (let i = 0; i < 1000; i++) series.record(request("web", 1000));
    expect(series.take("web")).toEqual({ requests: 5096, errors: 0, p50Ms: 1, p99Ms: 1 });
  });

  it("forgets a service that is not retained (removed): its second starts empty", () => {
    const series = new TrafficSeries();
    series.record(request("web", 1));
    series.record(request("gone", 2));
    series.retain(new Set(["web"]));
    expect(series.take("gone")).toEqual({ requests: 0, errors: 0, p50Ms: null, p99Ms: null });
    expect(series.take("web")).toEqual({ requests: 1, errors: 0, p50Ms: 1, p99Ms: 1 });
  });

  it("sorts numerically (10 after 9, not before 2)", () => {
    const series = new TrafficSeries();
    for (const ms of [10, 9, 2, 1, 30, 20, 3, 4, 5, 6]) series.record(request("web", ms));
    expect(series.take("web")).toMatchObject({ p50Ms: 5, p99Ms: 30 });
  });
});

describe("percentile", () => {
  it("is the nearest rank, rounded to hundredths, and null for no values", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([1.234, 2, 3, 4], 0.5)).toBe(2);
    expect(percentile(Float64Array.of(1.234), 0.99)).toBe(1.23);
  });
});
