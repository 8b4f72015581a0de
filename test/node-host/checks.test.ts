// The check runners against real loopback servers, real processes and real files: each passes,
// fails with a clear message, and gives up at its timeout when the target hangs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer } from "node:net";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, utimesSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCheck } from "../../host/checks/index.ts";
import { waitFor, running } from "./helpers.ts";

let http: Server;
let base = "";
const sockets = new Set<import("node:net").Socket>();

beforeAll(async () => {
  http = createServer((req, res) => {
    if (req.url === "/ok") return void res.writeHead(200).end("ok");
    if (req.url === "/redirect") return void res.writeHead(302, { location: "/ok" }).end();
    if (req.url === "/error") return void res.writeHead(500).end("boom");
    // /hang: never answers
  });
  http.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => http.close(r));
});

/** A port on loopback that nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

describe("http check", () => {
  it("2xx and 3xx pass; 5xx fails", async () => {
    expect(await runCheck({ kind: "http", url: `${base}/ok` })).toMatchObject({ ok: true, message: "HTTP 200" });
    expect(await runCheck({ kind: "http", url: `${base}/redirect` })).toMatchObject({ ok: true, message: "HTTP 302" });
    expect(await runCheck({ kind: "http", url: `${base}/error` })).toMatchObject({ ok: false, timedOut: false, message: `HTTP 500 from ${base}/error` });
  });

  it("a refused connection fails; a hanging server times out", async () => {
    const port = await closedPort();
    expect(await runCheck({ kind: "http", url: `http://127.0.0.1:${port}/` })).toMatchObject({ ok: false, message: expect.stringContaining("ECONNREFUSED") });
    const hung = await runCheck({ kind: "http", url: `${base}/hang`, timeoutMs: 200 });
    expect(hung).toMatchObject({ ok: false, timedOut: true, message: `GET ${base}/hang: no answer within 200 ms` });
    expect(hung.latencyMs).toBeGreaterThanOrEqual(190);
  });

  it("a bad URL fails at once", async () => {
    expect(await runCheck({ kind: "http", url: "ftp://127.0.0.1/" })).toMatchObject({ ok: false, message: expect.stringContaining("only http: URLs") });
  });
});

describe("tcp check", () => {
  it("connects, or fails with the reason", async () => {
    const port = Number(new URL(base).port);
    expect(await runCheck({ kind: "tcp", port })).toMatchObject({ ok: true, message: `connected to 127.0.0.1:${port}` });
    const closed = await closedPort();
    expect(await runCheck({ kind: "tcp", host: "127.0.0.1", port: closed })).toMatchObject({ ok: false, message: `connect 127.0.0.1:${closed}: ECONNREFUSED` });
  });
});

describe("process check", () => {
  it("a live pid passes, a dead one fails, none fails", async () => {
    const child = spawn("sleep", ["5"]);
    try {
      expect(await runCheck({ kind: "process", pid: child.pid! })).toMatchObject({ ok: true });
      expect(await runCheck({ kind: "process", pid: () => undefined })).toMatchObject({ ok: false, message: "no process" });
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    expect(await runCheck({ kind: "process", pid: child.pid! })).toMatchObject({ ok: false, message: `pid ${child.pid} is gone` });
  });
});

describe("file check", () => {
  const dir = mkdtempSync(join(tmpdir(), "myco-file-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exists, missing, fresh and stale", async () => {
    const path = join(dir, "heartbeat");
    expect(await runCheck({ kind: "file", path })).toMatchObject({ ok: false, message: `${path} does not exist` });
    writeFileSync(path, "beat");
    expect(await runCheck({ kind: "file", path })).toMatchObject({ ok: true });
    expect(await runCheck({ kind: "file", path, maxAgeMs: 60_000 })).toMatchObject({ ok: true });
    const old = new Date(Date.now() - 120_000);
    utimesSync(path, old, old);
    expect(await runCheck({ kind: "file", path, maxAgeMs: 60_000 })).toMatchObject({ ok: false, message: expect.stringMatching(/is stale: \d+ ms old, the limit is 60000 ms/) });
    expect(await runCheck({ kind: "file", path: dir })).toMatchObject({ ok: false, message: `${dir} is not a regular file` });
  });
});

describe("command check", () => {
  it("exit 0 passes; a non-zero exit fails with its output", async () => {
    expect(await runCheck({ kind: "command", command: "true" })).toMatchObject({ ok: true });
    expect(await runCheck({ kind: "command", command: "sh", args: ["-c", "echo disk full >&2; exit 3"] }))
      .toMatchObject({ ok: false, message: "sh -c echo disk full >&2; exit 3: exit 3: disk full" });
    expect(await runCheck({ kind: "command", command: "no-such-check-myco" })).toMatchObject({ ok: false, message: "no-such-check-myco: command not found" });
  });

  it("a hanging command times out and its whole group is killed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "myco-cmd-"));
    const pidFile = join(dir, "pid");
    try {
      const result = await runCheck({ kind: "command", command: "sh", args: ["-c", `sleep 30 & echo $! > ${pidFile}; wait`], timeoutMs: 300 });
      expect(result).toMatchObject({ ok: false, timedOut: true });
      const { readFileSync } = await import("node:fs");
      const sleeper = Number(readFileSync(pidFile, "utf8"));
      await waitFor(() => !running(sleeper), 3000, "the check's child to die");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("custom check", () => {
  it("true, false, a message, a throw, a hang", async () => {
    expect(await runCheck({ kind: "custom", run: () => true })).toMatchObject({ ok: true });
    expect(await runCheck({ kind: "custom", name: "queue depth", run: async () => ({ ok: false, message: "queue depth 900 > 500" }) }))
      .toMatchObject({ ok: false, message: "queue depth 900 > 500" });
    expect(await runCheck({ kind: "custom", name: "db", run: () => { throw new Error("no connection"); } }))
      .toMatchObject({ ok: false, message: "db threw: no connection" });
    let aborted = false;
    const hung = await runCheck({
      kind: "custom", name: "stuck", timeoutMs: 100,
      run: (signal) => new Promise((resolve) => { signal.addEventListener("abort", () => { aborted = true; resolve(true); }); }),
    });
    expect(hung).toMatchObject({ ok: false, timedOut: true, message: "stuck: no answer within 100 ms" });
    expect(aborted).toBe(true);
  });
});
