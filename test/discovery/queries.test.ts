// Discovery: lookups by name, type, tag, state, health and their combinations; the bounded TTL
// cache (generation invalidation, TTL, LRU eviction, no growth); subscriptions; {DEP}_ADDR.
import { describe, it, expect } from "vitest";
import { Simulation } from "../../host/executors/simulation.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { examples, compileFile, SECRET_ENV } from "../manifest/helpers.ts";

function gateway() {
  const sim = new Simulation({ seed: 11 });
  const m = new KernelManifest(sim.kernel);
  m.load(compileFile(examples().find((f) => f.includes("edge-gateway"))!, { env: SECRET_ENV }).blob);
  return { sim, m };
}

describe("discovery queries", () => {
  it("by name, pattern, type, tag, state, health, and combinations", () => {
    const { sim, m } = gateway();
    expect(m.query({ pattern: "api" })).toEqual(["api"]);
    expect(m.query({ pattern: "regex:^(db|cache)$" })).toEqual(["db", "cache"]);
    expect(m.query({ pattern: "glob:*r" })).toEqual(["router", "worker"]);
    expect(m.query({ type: "system" })).toEqual(["db", "metrics"]);
    expect(m.query({ tags: ["public"] })).toEqual(["api", "router"]);
    expect(m.query({ tags: ["public", "edge"] })).toEqual(["router"]);
    expect(m.query({ tags: ["no-such-tag"] })).toEqual([]);
    expect(m.query({ state: "running" })).toEqual([]);
    sim.kernel.start("api");
    sim.runFor(2_000); // api requires db healthy: db's manifest check first probes after its 20 s start period
    expect(m.query({ state: "running" })).toEqual(["db", "cache"]);
    sim.runFor(20_000);
    expect(m.query({ state: "running" })).toEqual(["db", "cache", "api"]);
    m.setHealth("db", "healthy");
    m.setHealth("api", "unhealthy");
    // (the health layer may have verdicts of its own for other services by now)
    expect(m.query({ health: "healthy" })).toContain("db");
    expect(m.query({ health: "healthy" })).not.toContain("api");
    expect(m.query({ state: "running", type: "user", pattern: "glob:{api,cache}", health: "unhealthy" })).toEqual(["api"]);
    expect(m.query({ state: "running", type: "user", pattern: "glob:{api,cache}" })).toEqual(["cache", "api"]);
  });

  it("the TTL cache: hits, invalidation by any registry change, expiry, LRU eviction, fixed memory", () => {
    const { sim, m } = gateway();
    const heap = sim.kernel.heapHighWater();
    m.cacheTtl(1_000);
    m.query({ pattern: "glob:*" });
    m.query({ pattern: "glob:*" });
    expect(m.cacheCounters()).toMatchObject({ hits: 1, misses: 1 });
    sim.kernel.register("zeta", { tags: ["public"] }); // a registry change: the cached answer is stale
    expect(m.query({ pattern: "glob:*" })).toContain("zeta");
    expect(m.cacheCounters()).toMatchObject({ hits: 1, misses: 2, stale: 1 });
    sim.hal.advance(1_500); // TTL
    m.query({ pattern: "glob:*" });
    expect(m.cacheCounters().misses).toBe(3);
    for (let i = 0; i < 200; i++) m.query({ pattern: `regex:^${"a".repeat(i % 40)}` }); // far more keys than entries
    const counters = m.cacheCounters();
    expect(counters.entries).toBeLessThanOrEqual(sim.kernel.profile === "mcu" ? 2 : 8);
    expect(counters.evictions).toBeGreaterThan(100);
    expect(sim.kernel.heapHighWater()).toBe(heap);
    // state filters are invalidated by state changes; name-only answers survive them
    m.query({ state: "stopped" });
    m.query({ pattern: "api" });
    sim.kernel.start("cache");
    sim.runFor(500);
    const before = m.cacheCounters();
    m.query({ pattern: "api" });
    expect(m.query({ state: "stopped" })).not.toContain("cache");
    expect(m.cacheCounters().hits).toBe(before.hits + 1);
    m.cacheTtl(0); // off
    m.query({ pattern: "api" }); m.query({ pattern: "api" });
    expect(m.cacheCounters().entries).toBe(0);
  });

  it("subscriptions: matching services' registration, state and health changes arrive as events", () => {
    const { sim, m } = gateway();
    const sub = m.subscribe("glob:{api,db}");
    expect(m.members(sub)).toEqual(["db", "api"]);
    const seen: string[] = [];
    sim.onEvent((e) => { if (e.kind === "discovery" && e.instance === sub) seen.push(`${e.serviceName}:${["", "registered", "unregistered", "state", "health"][e.value]}`); });
    sim.kernel.start("api");
    sim.runFor(2_000);
    m.setHealth("db", "healthy");
    sim.kernel.register("api2");
    sim.runFor(10);
    expect(seen).toContain("api:state");
    expect(seen).toContain("db:state");
    expect(seen).toContain("db:health");
    expect(seen.some((s) => s.startsWith("cache"))).toBe(false);
    const regex = m.subscribe("regex:^api");
    sim.kernel.register("api-3");
    sim.runFor(10);
    expect(m.members(regex).sort()).toEqual(["api", "api-3", "api2"]);
    expect(m.members(sub)).toEqual(["db", "api"]);
    expect(sim.events.some((e) => e.kind === "discovery" && e.instance === regex && e.serviceName === "api-3" && e.value === 1)).toBe(true);
    m.unsubscribe(regex);
    expect(() => m.members(regex)).toThrow(/not active/);
    for (let i = 0; i < 64; i++) { try { m.subscribe("x*"); } catch (e) { expect(String(e)).toMatch(/subscriptions are in use/); break; } }
  });

  it("address resolution: {DEP}_ADDR for a service's dependencies", () => {
    const { m } = gateway();
    expect(m.addresses("api")).toEqual(["10.0.0.11:8080", "10.0.0.12:8080", "10.0.0.13:8080"]);
    expect(m.dependencyEnv("router")).toEqual({ API_ADDR: "10.0.0.11:8080,10.0.0.12:8080,10.0.0.13:8080" });
    expect(m.dependencyEnv("metrics")).toEqual({ API_ADDR: "10.0.0.11:8080,10.0.0.12:8080,10.0.0.13:8080", ROUTER_ADDR: "0.0.0.0:443" });
  });
});
