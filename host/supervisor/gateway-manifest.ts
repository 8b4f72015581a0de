// The `run.gateway` section of services.yaml: a service's gateway, HTTP (the default) or L4.
//
//   gateway: { port: 8080, strategy: ip-hash, hash: { header: x-user }, timeout: 5s }
//   gateway: { mode: tcp, port: 5433, max-connections: 1000, idle-timeout: 10m }
//
//   mode             http (a reverse proxy: a pick per request) or tcp (bytes piped both ways:
//                    a pick per connection, for databases, MQTT, gRPC without inspection)
//   port, host       where it listens (0: any free port; loopback unless told)
//   strategy, hash   the balance strategy for its picks; consistent hash keys on a header or
//                    the path (http) and on the client address (tcp: no request to read)
//   timeout          http: until the upstream's response headers (504 past it);
//                    tcp: until the upstream accepts the connection (then the next instance)
//   idle-timeout     http: a keep-alive client connection with no request; tcp: a connection
//                    with no byte either way
//   max-connections  client connections held at once (past it: http answers 503, tcp refuses)
//   max-requests     http requests in flight at once (past it: 503 with Retry-After)
//   drain-timeout    on reload and stop: how long accepted requests and connections may take to
//                    finish before what is left is closed
import { isMap, isScalar } from "yaml";
import { parseDuration } from "../manifest/values.ts";
import { STRATEGIES, type Strategy } from "../kernel/balance.ts";

export type GatewayMode = "http" | "tcp";

export interface GatewaySpec {
  /** http (the default): a pick per request; tcp: a pick per connection, bytes piped both ways. */
  mode?: GatewayMode;
  port: number;
  /** Listen address; loopback unless told otherwise. */
  host: string;
  /** Overrides the manifest's balance strategy (the manifest has no ip-hash, for one). */
  strategy?: Strategy;
  /** Consistent hash: the key is this request header, or the path. */
  hash?: { header: string } | { path: true };
  /** Upstream timeout (ms): http until the response headers (504), tcp until connected. */
  timeoutMs: number;
  /** A client connection with nothing to do is closed after this long (ms). */
  idleTimeoutMs?: number;
  /** Client connections held at once. */
  maxConnections?: number;
  /** HTTP requests in flight at once. */
  maxRequests?: number;
  /** Reload and stop wait this long for accepted work to finish (ms). */
  drainTimeoutMs?: number;
}

/** The defaults of the optional fields (docs/manifest-format.md lists them). */
export const GATEWAY_DEFAULTS = {
  mode: "http" as GatewayMode, timeoutMs: 30_000, idleTimeoutMs: 5_000, tcpIdleTimeoutMs: 600_000,
  maxConnections: 10_000, maxRequests: 10_000, drainTimeoutMs: 30_000,
};

export const GATEWAY_KEYS = ["mode", "port", "host", "strategy", "hash", "timeout", "idle-timeout", "max-connections", "max-requests", "drain-timeout"];

type Report = (where: unknown, field: string, message: string) => void;

export function readGateway(node: unknown, error: Report): GatewaySpec | null {
  if (!isMap(node)) { error(node, "run.gateway", "expected a map with a port"); return null; }
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!GATEWAY_KEYS.includes(key)) error(pair.key, `run.gateway.${key}`, `unknown key '${key}' in gateway; expected one of: ${GATEWAY_KEYS.join(", ")}`);
  }
  const portNode = node.get("port", true);
  const port = Number(isScalar(portNode) ? portNode.value : NaN);
  if (!(Number.isInteger(port) && port >= 0 && port < 65536)) { error(portNode ?? node, "run.gateway.port", "expected a port 0..65535 (0: any free port)"); return null; }
  const spec: GatewaySpec = { port, host: scalarText(node.get("host", true)) ?? "127.0.0.1", timeoutMs: GATEWAY_DEFAULTS.timeoutMs };
  const mode = node.get("mode", true);
  if (mode !== undefined) {
    const text = scalarText(mode);
    if (text !== "http" && text !== "tcp") error(mode, "run.gateway.mode", `expected http or tcp, not '${text ?? ""}'`);
    else spec.mode = text;
  }
  const strategy = node.get("strategy", true);
  if (strategy !== undefined) {
    const name = scalarText(strategy) as Strategy | undefined;
    if (!name || !STRATEGIES.includes(name)) error(strategy, "run.gateway.strategy", `expected one of: ${STRATEGIES.join(", ")}`);
    else spec.strategy = name;
  }
  const hash = node.get("hash", true);
  if (hash !== undefined) {
    const header = isMap(hash) ? scalarText(hash.get("header", true)) : undefined;
    const path = isMap(hash) ? (hash.get("path", true) as { value?: unknown } | undefined)?.value : undefined;
    if (spec.mode === "tcp") error(hash, "run.gateway.hash", "a tcp gateway has no request to hash: it keys on the client address");
    else if (header) spec.hash = { header: header.toLowerCase() };
    else if (path === true) spec.hash = { path: true };
    else error(hash, "run.gateway.hash", "expected { header: NAME } or { path: true }");
  }
  const duration = (key: string, set: (ms: number) => void) => {
    const value = node.get(key, true);
    if (value === undefined) return;
    const ms = parseDuration(isScalar(value) ? value.value : undefined);
    if (!ms) error(value, `run.gateway.${key}`, `expected a duration such as 5s, not '${describe(value)}'`); else set(ms);
  };
  duration("timeout", (ms) => { spec.timeoutMs = ms; });
  duration("idle-timeout", (ms) => { spec.idleTimeoutMs = ms; });
  duration("drain-timeout", (ms) => { spec.drainTimeoutMs = ms; });
  const count = (key: string, set: (n: number) => void) => {
    const value = node.get(key, true);
    if (value === undefined) return;
    const n = isScalar(value) ? Number(value.value) : NaN;
    if (!(Number.isInteger(n) && n >= 1 && n <= 1_000_000)) error(value, `run.gateway.${key}`, `expected a count 1..1000000, not '${describe(value)}'`); else set(n);
  };
  count("max-connections", (n) => { spec.maxConnections = n; });
  count("max-requests", (n) => {
    if (spec.mode === "tcp") error(node.get("max-requests", true), "run.gateway.max-requests", "a tcp gateway counts connections (max-connections), not requests");
    else spec.maxRequests = n;
  });
  return spec;
}

function describe(node: unknown): string { return isScalar(node) ? String(node.value) : "a map or list"; }

function scalarText(node: unknown): string | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === "object") return undefined;
  const text = String(node.value);
  return text === "" ? undefined : text;
}
