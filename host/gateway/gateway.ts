// A service's gateway: an HTTP reverse proxy on a local port in front of its instances. For
// every request the kernel picks the instance (the service's strategy; IP hash keys on the
// client address, consistent hash on a header or the path), the request is forwarded over a
// keep-alive pool, and its latency and outcome go back to the kernel, which runs the breakers
// and ejection from them. When nothing is eligible the answer is 503 with the kernel's reason.
//
//   outcome   upstream answered < 500        -> success
//             upstream 5xx, refused, timeout -> failure (502 / 504 to the client)
//             client went away first         -> cancelled (leaves the in-flight count only)
//
// Failover: when the kernel's recovery fails the service over to its backup (a `failover`
// action), the supervisor routes the gateway to the backup's pool (`routeTo`): the backup's
// strategy picks, its instances answer, and the reports count for them. Routing back is the
// supervisor's too (the service runs again).
import { createServer, request, Agent, type IncomingMessage, type ServerResponse, type Server, type OutgoingHttpHeaders } from "node:http";
import type { Kernel } from "../kernel/kernel.ts";
import type { Balancer, Outcome } from "../kernel/balance.ts";
import { MycoError } from "../kernel/errors.ts";
import { splitAddress, type GatewaySpec } from "../supervisor/host-manifest.ts";

export interface GatewayRequest {
  service: string;
  /** The service whose instance answered: the gateway's own, or the backup it was failed over to. */
  upstream: string;
  /** The instance's ordinal (in `upstream`), or -1 when none was picked. */
  ordinal: number;
  status: number;
  outcome: Outcome | "rejected";
  /** Time in the gateway from the request's arrival to the end of the response (ms). */
  latencyMs: number;
}

export interface GatewayOptions {
  kernel: Kernel;
  balancer: Balancer;
  service: string;
  spec: GatewaySpec;
  /** The instances' addresses by ordinal ("127.0.0.1:7101"). */
  addresses: Addresses;
  /** Called after reports that may change the kernel's timers (breakers opening). */
  poke?: () => void;
  /** Called once per finished request (metrics). */
  observe?: (request: GatewayRequest) => void;
}

export interface GatewayStats {
  requests: number;
  /** Answered 503: nothing eligible. */
  rejected: number;
  upstreamErrors: number;
  timeouts: number;
  cancelled: number;
  active: number;
}

/** Headers that describe one connection, not the message: never forwarded (RFC 9110 7.6.1). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te", "trailer", "proxy-authorization", "proxy-authenticate"]);

interface Target { handle: number; ordinal: number; host: string; port: number }

/** The instances' addresses by ordinal ("127.0.0.1:7101"). */
export type Addresses = { ordinal: number; address: string }[];

/** The pool requests go to: the gateway's own service, or a backup it was failed over to. */
interface Upstream {
  service: string;
  id: number;
  addresses: Addresses;
  keyed: "ip" | "header" | "path" | null;
  /** By handle: a run of an instance and where it listens. */
  targets: Map<number, Target>;
}

export class Gateway {
  private server: Server | undefined;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 128, scheduling: "lifo" });
  private readonly own: Upstream;
  private upstream: Upstream;
  readonly stats: GatewayStats = { requests: 0, rejected: 0, upstreamErrors: 0, timeouts: 0, cancelled: 0, active: 0 };
  address: string | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.own = this.upstreamOf(options.service, options.addresses);
    this.upstream = this.own;
  }

  /** Where requests go now: the gateway's own service, or its backup. */
  get routedTo(): string { return this.upstream.service; }

  /** Sends every request from now on to `backup`'s instances, or (null) back to the own service. */
  routeTo(backup: { service: string; addresses: Addresses } | null): void {
    this.upstream = backup ? this.upstreamOf(backup.service, backup.addresses) : this.own;
  }

  private upstreamOf(service: string, addresses: Addresses): Upstream {
    const id = this.options.kernel.id(service);
    const strategy = this.options.balancer.serviceStats(id).strategy;
    const hash = this.options.spec.hash;
    const keyed = strategy === "ip-hash" ? "ip"
      : strategy === "consistent-hash" ? (hash && "header" in hash ? "header" : "path")
      : null;
    return { service, id, addresses, keyed, targets: new Map() };
  }

  listen(): Promise<string> {
    const { host, port } = this.options.spec;
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5000;
    return new Promise((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        reject(error.code === "EADDRINUSE"
          ? Object.assign(new Error(`port ${port} on ${host} is in use by another process`), { code: error.code })
          : error);
      });
      server.listen(port, host, () => {
        const bound = server.address();
        this.address = typeof bound === "object" && bound ? `${host}:${bound.port}` : `${host}:${port}`;
        this.server = server;
        resolve(this.address);
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.agent.destroy();
  }

  private pick(upstream: Upstream, req: IncomingMessage): number {
    const { balancer } = this.options;
    switch (upstream.keyed) {
      case null: return balancer.pick(upstream.id);
      case "ip": return balancer.pickAddress(upstream.id, clientAddress(req));
      case "header": {
        const value = req.headers[(this.options.spec.hash as { header: string }).header];
        return balancer.pickBytes(upstream.id, Array.isArray(value) ? value.join(",") : value ?? "");
      }
      case "path": return balancer.pickBytes(upstream.id, pathOf(req.url ?? "/"));
    }
  }

  private target(upstream: Upstream, handle: number): Target | undefined {
    const cached = upstream.targets.get(handle);
    if (cached) return cached;
    // A new run of an instance (a new handle): look its ordinal up once, drop stale entries.
    const handles = this.options.kernel.instances(upstream.id);
    const ordinal = handles.indexOf(handle);
    if (ordinal < 0) return undefined;
    const address = splitAddress(upstream.addresses.find((a) => a.ordinal === ordinal)?.address ?? "");
    if (!address) return undefined;
    for (const known of upstream.targets.keys()) if (!handles.includes(known)) upstream.targets.delete(known);
    const target = { handle, ordinal, host: address.host, port: address.port };
    upstream.targets.set(handle, target);
    return target;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const pool = this.upstream;
    this.stats.requests++;
    let handle: number;
    try {
      handle = this.pick(pool, req);
    } catch (error) {
      return this.reject(res, pool, startedAt, error);
    }
    const target = this.target(pool, handle);
    if (!target) {
      this.report(handle, 0, "cancelled");
      return this.reject(res, pool, startedAt, new Error(`instance ${handle} has no address`));
    }
    this.stats.active++;
    let finished = false;
    const finish = (status: number, outcome: Outcome) => {
      if (finished) return;
      finished = true;
      this.stats.active--;
      const latencyMs = performance.now() - startedAt;
      this.report(handle, latencyMs, outcome);
      this.options.observe?.({ service: this.options.service, upstream: pool.service, ordinal: target.ordinal, status, outcome, latencyMs });
    };
    const upstream = request({
      host: target.host, port: target.port, method: req.method, path: req.url, agent: this.agent,
      headers: forwardHeaders(req), timeout: this.options.spec.timeoutMs,
    });
    upstream.on("response", (answer) => {
      const status = answer.statusCode ?? 502;
      res.writeHead(status, responseHeaders(answer, target.ordinal));
      answer.pipe(res);
      answer.on("end", () => finish(status, status >= 500 ? "failure" : "success"));
      answer.on("error", () => finish(status, "failure"));
    });
    upstream.on("timeout", () => {
      this.stats.timeouts++;
      upstream.destroy(new Error(`no answer within ${this.options.spec.timeoutMs} ms`));
      this.fail(res, 504, `${pool.service}#${target.ordinal} did not answer within ${this.options.spec.timeoutMs} ms`);
      finish(504, "failure");
    });
    upstream.on("error", (error: NodeJS.ErrnoException) => {
      if (finished) return;
      this.stats.upstreamErrors++;
      this.fail(res, 502, `${pool.service}#${target.ordinal} at ${target.host}:${target.port}: ${error.code ?? error.message}`);
      finish(502, "failure");
    });
    res.on("close", () => {
      if (finished) return;
      this.stats.cancelled++;
      upstream.destroy();
      finish(499, "cancelled");
    });
    // Most requests have no body: end the upstream request at once instead of piping nothing.
    if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) upstream.end();
    else req.pipe(upstream);
  }

  private report(handle: number, latencyMs: number, outcome: Outcome): void {
    try {
      this.options.balancer.finished(handle, latencyMs, outcome);
    } catch (error) {
      // A stale handle: the instance was restarted while the request was out. Nothing to count.
      if (!(error instanceof MycoError)) throw error;
    }
    this.options.poke?.();
  }

  private reject(res: ServerResponse, upstream: Upstream, startedAt: number, error: unknown): void {
    this.stats.rejected++;
    const reason = error instanceof Error ? error.message : String(error);
    this.fail(res, 503, `no instance of '${upstream.service}' can take this request: ${reason}`, { "retry-after": "1" });
    this.options.observe?.({
      service: this.options.service, upstream: upstream.service, ordinal: -1, status: 503, outcome: "rejected", latencyMs: performance.now() - startedAt,
    });
  }

  private fail(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-myco-gateway": this.options.service, ...headers });
    res.end(`${message}\n`);
  }
}

function forwardHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  const client = clientAddress(req);
  const prior = req.headers["x-forwarded-for"];
  headers["x-forwarded-for"] = prior ? `${prior}, ${client}` : client;
  return headers;
}

function responseHeaders(answer: IncomingMessage, ordinal: number): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  headers["x-myco-instance"] = String(ordinal);
  return headers;
}

/** The client's address, with IPv4-mapped IPv6 ("::ffff:127.0.0.1") as plain IPv4. */
export function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "0.0.0.0";
  return address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}
