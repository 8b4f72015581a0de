// The L4 gateway (`mode: tcp`) in front of real TCP echo servers in their own processes: a pick
// per connection, bytes both ways with half-closes, connect failures and resets reported as
// failures, the connection limit, and a drain that cuts nothing.
import { afterEach, describe, expect, it } from "vitest";
import { connect, type Socket } from "node:net";
import type { Rig, RigOptions } from "./gateway-helpers.ts";
import { rigOverProcesses, closeProcessRigs, type UpstreamProcess } from "./gateway-processes.ts";
import { waitFor } from "./helpers.ts";

afterEach(closeProcessRigs);

async function make(count: number, options: RigOptions = {}): Promise<{ r: Rig; ups: UpstreamProcess[]; port: number }> {
  const { r, ups } = await rigOverProcesses(count, "echo", { ...options, spec: { mode: "tcp", ...options.spec } });
  return { r, ups, port: Number(r.url.split(":").pop()) };
}

/** A client connection that collects what it receives, and whether it ended or was reset. */
interface Client { socket: Socket; received: () => string; ended: Promise<"end" | "reset" | "close"> }

function client(port: number): Client {
  const socket = connect(port, "127.0.0.1");
  let text = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => { text += chunk; });
  const ended = new Promise<"end" | "reset" | "close">((resolve) => {
    socket.once("end", () => resolve("end"));
    socket.once("error", () => resolve("reset"));
    socket.once("close", () => resolve("close"));
  });
  return { socket, received: () => text, ended };
}

const statsOf = (r: Rig, ordinal: number) => r.balancer.instanceStats(r.kernel.instances("web")[ordinal]);

describe("L4 gateway (mode: tcp)", () => {
  it("pipes bytes both ways, a pick per connection (round robin), half-closes passed on", async () => {
    const { r, port } = await make(2);
    const a = client(port), b = client(port);
    await waitFor(() => a.received().includes("\n") && b.received().includes("\n"), 5000, "the greetings");
    expect([a.received(), b.received()].sort()).toEqual(["instance 0\n", "instance 1\n"]);
    a.socket.write("ping");
    await waitFor(() => a.received().endsWith("ping"), 5000, "the echo");
    a.socket.end("last"); // half-close: the echo server answers what it got, then ends too
    expect(await a.ended).toBe("end");
    expect(a.received()).toMatch(/ping last$|pinglast$/);
    b.socket.end();
    await b.ended;
    await waitFor(() => r.requests.length === 2, 5000, "both connections reported");
    expect(r.requests.map((q) => q.outcome)).toEqual(["success", "success"]);
    expect(r.balancer.serviceStats("web")).toMatchObject({ picks: 2, successes: 2, active: 0 });
  });

  it("a killed upstream: its connection ends, the next connect to it fails and is reported, its breaker opens, new connections go elsewhere", async () => {
    const { r, ups, port } = await make(2, { breaker: { consecutiveFailures: 1, windowSize: 10, minCalls: 10, openMs: 60_000 } });
    const first = client(port);
    await waitFor(() => first.received().includes("\n"), 5000, "the greeting");
    const victim = Number(first.received().match(/instance (\d)/)![1]);
    await ups[victim].kill();
    expect(["end", "reset"]).toContain(await first.ended); // a killed process's socket closes (FIN, or RST with data unread)
    for (let i = 0; i < 4; i++) {
      const next = client(port);
      await waitFor(() => next.received().includes("\n"), 5000, "a greeting");
      expect(next.received()).toBe(`instance ${1 - victim}\n`);
      next.socket.destroy();
    }
    expect(statsOf(r, victim)).toMatchObject({ failures: 1, active: 0, breaker: "open" });
    expect(r.requests.filter((q) => q.outcome === "failure")).toEqual([expect.objectContaining({ ordinal: victim, status: 502 })]);
  });

  it("an upstream that resets the connection: the client is reset too, and the failure is reported", async () => {
    const { r, port } = await make(1);
    const c = client(port);
    await waitFor(() => c.received().includes("\n"), 5000, "the greeting");
    c.socket.write("RESET");
    expect(await c.ended).toBe("reset");
    await waitFor(() => r.requests.length === 1, 5000, "the report");
    expect(r.requests[0]).toMatchObject({ outcome: "failure", status: 502, ordinal: 0 });
    expect(statsOf(r, 0)).toMatchObject({ failures: 1, active: 0 });
  });

  it("a refused connect counts as a failure and the connection goes to another instance", async () => {
    const { r, ups, port } = await make(2);
    await ups[0].kill();
    const answers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const c = client(port);
      await waitFor(() => c.received().includes("\n"), 5000, "a greeting");
      answers.push(c.received());
      c.socket.destroy();
    }
    expect(answers).toEqual(Array(4).fill("instance 1\n"));
    expect(statsOf(r, 0).failures).toBeGreaterThanOrEqual(1);
    expect(r.requests.some((q) => q.ordinal === 0 && q.outcome === "failure" && q.status === 502)).toBe(true);
    expect(r.gateway.stats.upstreamErrors).toBeGreaterThanOrEqual(1);
  });

  it("past max-connections a connection is refused; the ones held keep working", async () => {
    const { r, port } = await make(1, { spec: { maxConnections: 1 } });
    const held = client(port);
    await waitFor(() => held.received().includes("\n"), 5000, "the greeting");
    const refused = client(port);
    expect(await refused.ended).toBe("reset");
    expect(refused.received()).toBe("");
    expect(r.gateway.stats.rejected).toBe(1);
    held.socket.write("still here");
    await waitFor(() => held.received().endsWith("still here"), 5000, "the echo");
    held.socket.destroy();
  });

  it("a drain (stop) refuses new connections and lets an open one finish", async () => {
    const { r, port } = await make(1);
    const open = client(port);
    await waitFor(() => open.received().includes("\n"), 5000, "the greeting");
    const closed = r.gateway.close();
    const late = client(port);
    expect(await late.ended).toBe("reset"); // ECONNREFUSED: the listener is closed
    open.socket.write("after the drain began");
    await waitFor(() => open.received().endsWith("after the drain began"), 5000, "the echo");
    open.socket.end();
    expect(await open.ended).toBe("end");
    await closed;
    expect(r.requests.map((q) => q.outcome)).toEqual(["success"]);
  });
});
