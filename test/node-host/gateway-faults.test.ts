// The HTTP gateway against upstreams in their own processes: killed mid-request, slow past the
// timeout, a client that goes away, a reload and a stop while requests are in flight, limits.
import { afterEach, describe, expect, it } from "vitest";
import { request, Agent } from "node:http";
import { connect } from "node:net";
import { get, type Rig, type RigOptions } from "./gateway-helpers.ts";
import { rigOverProcesses, closeProcessRigs } from "./gateway-processes.ts";
import { waitFor } from "./helpers.ts";
import { freePorts } from "../../host/tools/free-ports.ts";

afterEach(closeProcessRigs);

const make = (count: number, options: RigOptions = {}) => rigOverProcesses(count, "http", options);

const statsOf = (r: Rig, ordinal: number) => r.balancer.instanceStats(r.kernel.instances("web")[ordinal]);

describe("gateway faults (upstreams in their own processes)", () => {
  it("an upstream killed mid-request: 502, the failure reported, the next requests go elsewhere", async () => {
    const { r, ups } = await make(3, { breaker: { consecutiveFailures: 1, windowSize: 10, minCalls: 10, openMs: 60_000 } });
    const pending = get(`${r.url}/hang`);
    await waitFor(() => ups.some((u) => u.lines.includes("got /hang")), 5000, "the request to arrive");
    const victim = ups.findIndex((u) => u.lines.includes("got /hang"));
    await ups[victim].kill();
    const answer = await pending;
    expect(answer.status).toBe(502);
    expect(answer.body).toMatch(new RegExp(`^web#${victim} at 127\\.0\\.0\\.1:${ups[victim].port}: `));
    expect(statsOf(r, victim)).toMatchObject({ failures: 1, active: 0, breaker: "open" });
    const next = await Promise.all(Array.from({ length: 6 }, () => get(r.url)));
    expect(next.every((a) => a.status === 200 && a.instance !== String(victim))).toBe(true);
    expect(r.requests.filter((q) => q.outcome === "failure")).toHaveLength(1);
  });

  it("a slow upstream: 504 at the timeout, counted as a failure", async () => {
    const { r } = await make(1, { spec: { timeoutMs: 300 } });
    const answer = await get(`${r.url}/slow?ms=3000`);
    expect(answer.status).toBe(504);
    expect(answer.body).toBe("web#0 did not answer within 300 ms\n");
    expect(statsOf(r, 0)).toMatchObject({ failures: 1, active: 0 });
    expect(r.gateway.stats.timeouts).toBe(1);
  });

  it("a client that goes away: cancelled (neither success nor failure), the upstream request dropped", async () => {
    const { r, ups } = await make(1);
    const port = Number(r.url.split(":").pop());
    const socket = connect(port, "127.0.0.1");
    socket.on("error", () => {});
    socket.write("GET /hang HTTP/1.1\r\nhost: x\r\n\r\n");
    await waitFor(() => ups[0].lines.includes("got /hang"), 5000, "the request to arrive");
    socket.destroy();
    await waitFor(() => r.gateway.stats.cancelled === 1, 5000, "the cancellation");
    expect(statsOf(r, 0)).toMatchObject({ successes: 0, failures: 0, active: 0 });
    expect(r.requests.at(-1)).toMatchObject({ outcome: "cancelled", status: 499 });
    expect((await get(r.url)).status).toBe(200);
  });

  it("a reload to a new port while requests are in flight: none is cut, the old port closes", async () => {
    const { r } = await make(2);
    const before = r.url;
    const inFlight = Array.from({ length: 6 }, () => get(`${before}/slow?ms=400`));
    await waitFor(() => r.gateway.stats.active === 6, 5000, "six requests in flight");
    const [port] = await freePorts(1);
    const spec = { port, host: "127.0.0.1", timeoutMs: 2000 };
    await r.gateway.reload(spec, r.gateway.addresses);
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(r.gateway.address).toBe(`127.0.0.1:${port}`);
    expect((await get(`http://${r.gateway.address}/`)).status).toBe(200);
    await expect(get(`${before}/`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it("a stop while requests are in flight: each finishes; keep-alive connections close; new ones are refused", async () => {
    const { r } = await make(2);
    const agent = new Agent({ keepAlive: true });
    const inFlight = Array.from({ length: 4 }, () => getWith(agent, `${r.url}/slow?ms=300`));
    await waitFor(() => r.gateway.stats.active === 4, 5000, "four requests in flight");
    const closed = r.gateway.close();
    const answers = await Promise.all(inFlight);
    expect(answers.map((a) => [a.status, a.connection])).toEqual(Array(4).fill([200, "close"]));
    await closed;
    expect(r.gateway.stats.connections).toBe(0);
    await expect(get(`${r.url}/`)).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it("limits: past max-requests a clear 503, past max-connections a 503 that closes; nothing crashes", async () => {
    const { r } = await make(1, { spec: { maxRequests: 2, maxConnections: 3 } });
    const answers = await Promise.all(Array.from({ length: 3 }, () => get(`${r.url}/slow?ms=300`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 503]);
    expect(answers.find((a) => a.status === 503)!.body).toBe("the gateway has its limit of 2 requests in flight\n");
    const held = Array.from({ length: 3 }, () => connect(Number(r.url.split(":").pop()), "127.0.0.1"));
    await waitFor(() => r.gateway.stats.connections === 3, 5000, "three connections held");
    const over = await get(r.url);
    expect(over.status).toBe(503);
    expect(over.body).toBe("the gateway holds its limit of 3 connections\n");
    for (const socket of held) socket.destroy();
    await waitFor(() => r.gateway.stats.connections === 0, 5000, "the connections to close");
    expect((await get(r.url)).status).toBe(200);
    expect(r.gateway.stats.rejected).toBe(2);
  });
});

function getWith(agent: Agent, url: string): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on("error", reject);
    req.end();
  });
}
