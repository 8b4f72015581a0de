// The gateway against real loopback upstreams: the kernel's strategy picks the instance
// (round robin, IP hash on the client address, consistent hash on a header or the path),
// latency and outcome go back, breakers and ejection take instances out, and when nothing is
// eligible the client gets 503 with the kernel's reason.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { rig, get, getMany, countBy, answerOk, type Rig } from "./gateway-helpers.ts";
import { Gateway } from "../../host/gateway/gateway.ts";

const rigs: Rig[] = [];
afterEach(async () => { for (const r of rigs.splice(0)) await r.close(); });
async function make(options: Parameters<typeof rig>[0] = {}): Promise<Rig> {
  const r = await rig(options);
  rigs.push(r);
  return r;
}

describe("gateway", () => {
  it("round robin spreads requests over the instances and reports each one back", async () => {
    const r = await make();
    const answers = await getMany(r.url, 30);
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(countBy(answers, (a) => a.instance)).toEqual({ 0: 10, 1: 10, 2: 10 });
    expect(answers[0].body).toBe(`instance ${answers[0].instance}\n`);
    const handles = r.kernel.instances("web");
    for (const handle of handles) expect(r.balancer.instanceStats(handle)).toMatchObject({ picks: 10, successes: 10, failures: 0, active: 0 });
    expect(r.requests).toHaveLength(30);
    expect(r.requests.every((q) => q.outcome === "success" && q.latencyMs >= 0)).toBe(true);
  });

  it("IP hash keeps a client on one instance", async () => {
    const r = await make({ strategy: "ip-hash" });
    const seen = new Map<string, Set<string | undefined>>();
    for (const client of ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6"]) {
      const set = new Set<string | undefined>();
      for (let i = 0; i < 5; i++) set.add((await get(r.url, {}, client)).instance);
      seen.set(client, set);
    }
    for (const [client, set] of seen) expect(set.size, client).toBe(1);
    expect(new Set([...seen.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
  });

  it("consistent hash on a header keeps a user on one instance", async () => {
    const r = await make({ strategy: "consistent-hash", spec: { hash: { header: "x-user" } } });
    const byUser = new Map<string, Set<string | undefined>>();
    for (let i = 0; i < 60; i++) {
      const user = `user-${i % 12}`;
      const answer = await get(r.url, { "x-user": user });
      (byUser.get(user) ?? byUser.set(user, new Set()).get(user)!).add(answer.instance);
    }
    for (const [user, set] of byUser) expect(set.size, user).toBe(1);
    expect(new Set([...byUser.values()].map((s) => [...s][0])).size).toBeGreaterThan(1);
  });

  it("consistent hash on the path", async () => {
    const r = await make({ strategy: "consistent-hash" });
    const first = await get(`${r.url}/items/42?x=1`);
    for (let i = 0; i < 5; i++) expect((await get(`${r.url}/items/42?x=${i}`)).instance).toBe(first.instance);
  });

  it("answers 503 with the kernel's reason when nothing is eligible", async () => {
    const r = await make({ start: false });
    const answer = await get(r.url);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^no instance of 'web' can take this request: .+/);
    expect(r.gateway.stats.rejected).toBe(1);
    expect(r.requests[0]).toMatchObject({ ordinal: -1, status: 503, outcome: "rejected" });
  });

  it("an instance answering 500 opens its breaker; the others take the traffic", async () => {
    const r = await make({
      handler: (ordinal, req, res) => (ordinal === 1 ? void res.writeHead(500).end("broken\n") : answerOk(ordinal, req, res)),
      breaker: { consecutiveFailures: 3, windowSize: 10, minCalls: 10, openMs: 60_000 },
    });
    const answers = await getMany(r.url, 30);
    const failures = answers.filter((a) => a.status === 500);
    expect(failures).toHaveLength(3); // then the breaker opened
    const bad = r.kernel.instances("web")[1];
    expect(r.balancer.instanceStats(bad)).toMatchObject({ breaker: "open", failures: 3, breakerOpened: 1 });
    expect(answers.slice(-10).every((a) => a.status === 200 && a.instance !== "1")).toBe(true);
  });

  it("outlier detection ejects an instance that keeps failing", async () => {
    const r = await make({ handler: (ordinal, req, res) => (ordinal === 0 ? void res.writeHead(503).end("overloaded\n") : answerOk(ordinal, req, res)) });
    r.balancer.disableBreaker("web");
    r.balancer.configureOutlier("web", { consecutiveFailures: 2, baseEjectionMs: 60_000, maxEjectedPercent: 50 });
    const answers = await getMany(r.url, 20);
    expect(countBy(answers, (a) => `${a.instance}:${a.status}`)).toEqual({ "0:503": 2, "1:200": 9, "2:200": 9 });
    expect(r.balancer.instanceStats(r.kernel.instances("web")[0])).toMatchObject({ ejected: true, ejections: 1, eligible: false });
  });

  it("an instance that refuses connections: 502, counted as a failure, then taken out", async () => {
    const r = await make({ breaker: { consecutiveFailures: 2, windowSize: 10, minCalls: 10, openMs: 60_000 } });
    r.upstreams[2].closeAllConnections();
    await new Promise((done) => r.upstreams[2].close(done));
    const answers = await getMany(r.url, 20);
    const refused = answers.filter((a) => a.status === 502);
    expect(refused).toHaveLength(2);
    expect(refused[0].body).toMatch(/^web#2 at 127\.0\.0\.1:\d+: ECONNREFUSED/);
    expect(answers.slice(-8).every((a) => a.status === 200)).toBe(true);
    expect(r.gateway.stats.upstreamErrors).toBe(2);
  });

  it("a hanging instance: 504 at the gateway's timeout", async () => {
    const r = await make({ instances: 1, handler: () => {}, spec: { timeoutMs: 200 } });
    const answer = await get(r.url);
    expect(answer.status).toBe(504);
    expect(answer.body).toBe("web#0 did not answer within 200 ms\n");
    expect(r.balancer.instanceStats(r.kernel.instances("web")[0])).toMatchObject({ failures: 1, active: 0 });
  });

  it("a port in use is a clear error", async () => {
    const squatter = createServer();
    await new Promise<void>((done) => squatter.listen(0, "127.0.0.1", done));
    const port = (squatter.address() as { port: number }).port;
    try {
      const r = await make();
      const second = new Gateway({ kernel: r.kernel, balancer: r.balancer, service: "web", addresses: [], spec: { port, host: "127.0.0.1", timeoutMs: 1000 } });
      await expect(second.listen()).rejects.toThrow(`port ${port} on 127.0.0.1 is in use by another process`);
    } finally {
      await new Promise((done) => squatter.close(done));
    }
  });

  it("forwards method, path, body and headers, with X-Forwarded-For", async () => {
    const seen: { method?: string; url?: string; body: string; xff?: string; host?: string }[] = [];
    const r = await make({
      instances: 1,
      handler: (_o, req, res) => {
        let body = "";
        req.on("data", (c) => { body += c; });
        req.on("end", () => {
          seen.push({ method: req.method, url: req.url, body, xff: req.headers["x-forwarded-for"] as string, host: req.headers.host });
          res.writeHead(201, { "x-upstream": "yes" }).end("created");
        });
      },
    });
    const { request } = await import("node:http");
    const answer = await new Promise<{ status: number; upstream: string | undefined; body: string }>((resolve, reject) => {
      const req = request(`${r.url}/kv/a?b=c`, { method: "PUT", agent: false }, (res) => {
        let body = "";
        res.on("data", (c) => { body += c; });
        res.on("end", () => resolve({ status: res.statusCode!, upstream: res.headers["x-upstream"] as string, body }));
      });
      req.on("error", reject);
      req.end("value");
    });
    expect(answer).toEqual({ status: 201, upstream: "yes", body: "created" });
    expect(seen[0]).toMatchObject({ method: "PUT", url: "/kv/a?b=c", body: "value", xff: "127.0.0.1" });
  });

  it("appends to X-Forwarded-For and Forwarded, drops hop-by-hop headers and the ones Connection names", async () => {
    const seen: Record<string, string | string[] | undefined>[] = [];
    const r = await make({ instances: 1, handler: (_o, req, res) => { seen.push(req.headers); res.end("ok"); } });
    const answer = await get(r.url, {
      "x-forwarded-for": "203.0.113.9", forwarded: "for=203.0.113.9", connection: "keep-alive, x-secret", "x-secret": "s", "keep-alive": "timeout=5", "x-kept": "k",
    });
    expect(answer.status).toBe(200);
    expect(seen[0]).toMatchObject({ "x-forwarded-for": "203.0.113.9, 127.0.0.1", forwarded: "for=203.0.113.9, for=127.0.0.1;proto=http", "x-kept": "k" });
    expect(seen[0]["x-secret"]).toBeUndefined();
    expect(seen[0]["keep-alive"]).toBeUndefined();
  });
});
