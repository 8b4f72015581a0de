// GET /metrics over HTTP, on loopback by default: the Prometheus text format of a registry.
import { createServer, type Server } from "node:http";
import type { SupervisorMetrics } from "./metrics.ts";

export interface MetricsServer {
  address: string;
  close(): Promise<void>;
}

export function serveMetrics(metrics: SupervisorMetrics, port: number, host = "127.0.0.1"): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "GET" || (req.url ?? "/").split("?")[0] !== "/metrics") {
      res.writeHead(404, { "content-type": "text/plain" }).end("try GET /metrics\n");
      return;
    }
    metrics.metrics().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? Object.assign(new Error(`metrics port ${port} on ${host} is in use by another process`), { code: error.code }) : error);
    });
    server.listen(port, host, () => {
      const bound = server.address();
      const address = typeof bound === "object" && bound ? `${host}:${bound.port}` : `${host}:${port}`;
      resolve({
        address,
        close: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
      });
    });
  });
}
