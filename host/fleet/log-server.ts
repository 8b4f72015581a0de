// An agent's log endpoint: the lines of the instances it runs, over HTTP on the node itself
// (logs never go through etcd), behind a bearer token the agent publishes in its node record
// (so reading logs takes read access to the fleet's etcd). GET /logs?service=NAME[&lines=N]
// [&follow=1] answers NDJSON: { node, instance, timeMs, stream, text } per line.
import { createServer, type Server, type IncomingMessage, type ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { LogLine } from "../executors/log-ring.ts";

export interface LogSource {
  /** The local instances of a service. */
  instances(service: string): string[];
  /** The newest `count` lines of an instance. */
  lines(instance: string, count: number): LogLine[];
  /** Every new line of any instance; returns the unsubscribe. */
  onLine(listener: (instance: string, line: LogLine) => void): () => void;
}

export interface LogEndpoint { url: string; token: string; close(): Promise<void> }

/** More routes behind the same token (the state hook's); resolves true when it answered. */
export type ExtraRoutes = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

export async function serveLogs(node: string, source: LogSource, host = "127.0.0.1", port = 0, extra?: ExtraRoutes): Promise<LogEndpoint> {
  const token = randomBytes(24).toString("hex");
  const expected = Buffer.from(`Bearer ${token}`);
  const server: Server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? "");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { "content-type": "text/plain" }).end("a bearer token from the node's record in etcd is required\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    if (extra && url.pathname !== "/logs") {
      void extra(req, res, url).then((answered) => { if (!answered) res.writeHead(404).end("GET /logs?service=NAME[&lines=N][&follow=1]\n"); });
      return;
    }
    const service = url.searchParams.get("service");
    if (url.pathname !== "/logs" || !service) { res.writeHead(404).end("GET /logs?service=NAME[&lines=N][&follow=1]\n"); return; }
    const count = Math.max(0, Math.min(10_000, Number(url.searchParams.get("lines") ?? 100) || 0));
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    const send = (instance: string, line: LogLine) => res.write(`${JSON.stringify({ node, instance, timeMs: line.timeMs, stream: line.stream, text: line.text })}\n`);
    const mine = new Set(source.instances(service));
    for (const instance of mine) for (const line of source.lines(instance, count)) send(instance, line);
    if (url.searchParams.get("follow") !== "1") { res.end(); return; }
    const stop = source.onLine((instance, line) => {
      if (!mine.has(instance)) { if (!source.instances(service).includes(instance)) return; mine.add(instance); }
      send(instance, line);
    });
    req.on("close", stop);
  });
  await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(port, host, resolve); });
  const address = server.address() as { port: number };
  return {
    url: `http://${host}:${address.port}`, token,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
