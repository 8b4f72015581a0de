// The few lines every example service shares: listen on $PORT (loopback), answer /healthz,
// log one line per start, exit cleanly on SIGTERM after closing the listener, and read the
// service's configuration from $MYCO_CONFIG, again on every SIGHUP (a hot key changed).
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

export function serve(name, handler) {
  const port = Number(process.env.PORT ?? 0);
  const host = process.env.HOST ?? "127.0.0.1";
  const label = `${name}#${process.env.MYCO_INSTANCE ?? 0}`;
  const server = createServer((req, res) => {
    if (req.url === "/healthz") return void res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    Promise.resolve(handler(req, res)).catch((error) => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
      res.end(`${label}: ${error.message}\n`);
    });
  });
  server.keepAliveTimeout = 10_000;
  server.on("error", (error) => {
    console.error(`${label}: ${error.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => console.log(`${label} listening on ${host}:${server.address().port} (pid ${process.pid})`));
  process.on("SIGTERM", () => {
    console.log(`${label}: SIGTERM, closing`);
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
  return { label, server };
}

/**
 * The service's configuration (`config:` in services.yaml), kept current: `myco run` writes it
 * to the JSON file named by $MYCO_CONFIG and sends SIGHUP when a hot key changes.
 */
export function configuration(label) {
  const read = () => (process.env.MYCO_CONFIG ? JSON.parse(readFileSync(process.env.MYCO_CONFIG, "utf8")) : {});
  const current = { values: read() };
  process.on("SIGHUP", () => {
    current.values = read();
    console.log(`${label}: SIGHUP: configuration read again: ${JSON.stringify(current.values)}`);
  });
  return current;
}

/** The first address of a dependency, from {DEP}_ADDR. */
export function dependency(name) {
  const variable = `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_ADDR`;
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: is '${name}' a dependency in services.yaml?`);
  return value.split(",")[0];
}

export function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => { body += chunk; if (body.length > 65536) reject(new Error("body too large")); });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}
