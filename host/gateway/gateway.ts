// A service's gateway on a local port in front of its instances, in one of two modes:
//
//   http (default)  a reverse proxy: for every request the kernel picks the instance (the
//                   service's strategy; IP hash keys on the client address, consistent hash on a
//                   header or the path), the request goes over the instance's keep-alive pool
//                   (http.ts), its latency and outcome go back to the kernel, which runs the
//                   breakers and ejection from them. Nothing eligible: 503 with the kernel's reason.
//   tcp             L4: the kernel picks per connection and the bytes are piped both ways
//                   (tcp.ts); connect failures and resets are failures for breakers and ejection.
//
// Both modes: connection and request limits (past them a clear 503 or a refused connection),
// timeouts, and a graceful drain on reload and stop: the listener closes first, what was
// accepted finishes (up to drain-timeout), idle keep-alive connections are closed.
//
// Failover: when the kernel's recovery fails the service over to its backup (a `failover`
// action), the supervisor routes the gateway to the backup's pool (`routeTo`): the backup's
// strategy picks, its instances answer, and the reports count for them.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type OutgoingHttpHeaders } from "node:http";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import type { Pool, Dispatcher } from "undici";
import { lazyModule } from "../lazy-module.ts";
import type { Kernel } from "../kernel/kernel.ts";
import type { Balancer, Outcome } from "../kernel/balance.ts";
import { GATEWAY_DEFAULTS, type GatewaySpec } from "../supervisor/gateway-manifest.ts";
import { Exchange, type HttpHost } from "./http.ts";
import { TcpRelay, type TcpHost } from "./tcp.ts";
import { Connections, draining, overLimit } from "./connections.ts";
import { Upstream, plainAddress, type Addresses, type Target } from "./upstream.ts";

const undici = lazyModule<typeof import("undici")>("undici"); // loaded when the first gateway opens a pool

export type { Addresses } from "./upstream.ts";

export interface GatewayRequest {
  service: string;
  /** The service whose instance answered: the gateway's own, or the backup it was failed over to. */
  upstream: string;
  /** The instance's ordinal (in `upstream`), or -1 when none was picked. */
  ordinal: number;
  /** HTTP status; tcp mode: 200 for a connection that ended well, 502 / 504 for connect failures. */
  status: number;
  outcome: Outcome | "rejected";
  /** Time in the gateway from the request's arrival to the end of the response (ms); tcp: connect time. */
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
  /** Called once per finished request or connection (metrics). */
  observe?: (request: GatewayRequest) => void;
}

export interface GatewayStats {
  /** Requests (tcp: connections) accepted. */
  requests: number;
  /** Answered 503 or refused: nothing eligible, or a limit reached. */
  rejected: number;
  upstreamErrors: number;
  timeouts: number;
  cancelled: number;
  /** In flight now: requests (tcp: connections) with an instance picked. */
  active: number;
  /** Client connections open now. */
  connections: number;
}

export class Gateway implements HttpHost, TcpHost {
  private server: Server | undefined;
  private connections: Connections | undefined;
  /** Keep-alive connection pools by instance address ("host:port"), shared by own and backup. */
  private readonly pools = new Map<string, Pool>();
  private own: Upstream;
  private upstream: Upstream;
  private spec: GatewaySpec;
  private draining: Promise<void> | undefined;
  readonly stats: GatewayStats = { requests: 0, rejected: 0, upstreamErrors: 0, timeouts: 0, cancelled: 0, active: 0, connections: 0 };
  address: string | undefined;

  constructor(private readonly options: GatewayOptions) {
    this.spec = options.spec;
    this.own = this.upstreamOf(options.service, options.addresses);
    this.upstream = this.own;
  }

  get service(): string { return this.options.service; }
  get mode(): "http" | "tcp" { return this.spec.mode ?? "http"; }
  get timeoutMs(): number { return this.spec.timeoutMs; }

  /** The own service's instance addresses (as last given). */
  get addresses(): Addresses { return this.own.addresses; }

  /** Where requests go now: the gateway's own service, or its backup. */
  get routedTo(): string { return this.upstream.service; }

  /** Sends every request from now on to `backup`'s instances, or (null) back to the own service. */
  routeTo(backup: { service: string; addresses: Addresses } | null): void {
    this.upstream = backup ? this.upstreamOf(backup.service, backup.addresses) : this.own;
  }

  private upstreamOf(service: string, addresses: Addresses): Upstream {
    return new Upstream(this.options.kernel, this.options.balancer, service, addresses, this.spec.hash, this.mode === "tcp");
  }

  listen(): Promise<string> {
    const { host, port } = this.spec;
    const server = this.mode === "tcp" ? createTcpServer({ allowHalfOpen: true, noDelay: true }) : this.httpServer();
    const connections = new Connections(server, this.stats);
    server.on("connection", (socket: Socket) => connections.track(socket, this.spec.maxConnections ?? GATEWAY_DEFAULTS.maxConnections));
    if (this.mode === "tcp") {
      server.on("connection", (socket: Socket) => this.accept(socket)); // after track: it reads the limit mark
      connections.closeIdle(this.spec.idleTimeoutMs ?? GATEWAY_DEFAULTS.tcpIdleTimeoutMs);
    }
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
        this.connections = connections;
        resolve(this.address);
      });
    });
  }

  private httpServer(): Server {
    const server = createHttpServer({ keepAliveTimeout: this.spec.idleTimeoutMs ?? GATEWAY_DEFAULTS.idleTimeoutMs }, (req, res) => this.handle(req, res));
    return server;
  }

  /**
   * A new configuration (reload): limits, timeouts and addresses apply to what is accepted from
   * now on. A new port, host or mode opens the new listener first, then drains the old one.
   */
  async reload(spec: GatewaySpec, addresses: Addresses): Promise<void> {
    const moved = spec.port !== this.spec.port || spec.host !== this.spec.host || (spec.mode ?? "http") !== this.mode;
    const routedAway = this.upstream !== this.own;
    this.spec = spec;
    this.own = this.upstreamOf(this.options.service, addresses);
    if (!routedAway) this.upstream = this.own;
    for (const [origin, pool] of this.pools) {
      if (!addresses.some((a) => a.address === origin || a.address.endsWith(`//${origin}`))) { this.pools.delete(origin); void pool.close(); }
    }
    if (!moved || !this.connections) return;
    const old = this.connections;
    await this.listen();
    await old.drain(this.drainTimeoutMs);
  }

  /** Stops accepting, lets what was accepted finish (up to drain-timeout), then closes the pools. */
  close(): Promise<void> {
    this.draining ??= (async () => {
      const connections = this.connections;
      this.server = undefined;
      this.connections = undefined;
      if (connections) await connections.drain(this.drainTimeoutMs);
      await Promise.all([...this.pools.values()].map((pool) => pool.close().catch(() => undefined)));
      this.pools.clear();
    })();
    return this.draining;
  }

  private get drainTimeoutMs(): number { return this.spec.drainTimeoutMs ?? GATEWAY_DEFAULTS.drainTimeoutMs; }

  // ---- http ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const startedAt = performance.now();
    const pool = this.upstream;
    this.stats.requests++;
    if (draining(req.socket)) res.shouldKeepAlive = false;
    if (overLimit(req.socket)) {
      res.shouldKeepAlive = false;
      return this.reject(res, pool, startedAt, `the gateway holds its limit of ${this.spec.maxConnections ?? GATEWAY_DEFAULTS.maxConnections} connections`);
    }
    if (this.stats.active >= (this.spec.maxRequests ?? GATEWAY_DEFAULTS.maxRequests)) {
      return this.reject(res, pool, startedAt, `the gateway has its limit of ${this.spec.maxRequests ?? GATEWAY_DEFAULTS.maxRequests} requests in flight`);
    }
    const client = plainAddress(req.socket.remoteAddress);
    const handle = this.pickFor(pool, client, req);
    if (typeof handle === "string") return this.reject(res, pool, startedAt, `no instance of '${pool.service}' can take this request: ${handle}`);
    const target = pool.target(handle);
    if (!target) {
      pool.report(handle, 0, "cancelled");
      return this.reject(res, pool, startedAt, `no instance of '${pool.service}' can take this request: instance ${handle} has no address`);
    }
    this.stats.active++;
    new Exchange(this, req, res, pool, target, startedAt, client);
  }

  /** The kernel's pick, or its reason for none. */
  private pickFor(pool: Upstream, client: string, req: IncomingMessage | null): number | string {
    try {
      const hash = this.spec.hash;
      return pool.pick(client, hash && "header" in hash && req ? req.headers[hash.header] : undefined, req?.url ?? "/");
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  pool(target: Target): Dispatcher {
    let pool = this.pools.get(target.origin);
    if (!pool) {
      pool = new (undici().Pool)(`http://${target.origin}`, { connections: 256, pipelining: 1, keepAliveTimeout: 4_000 });
      this.pools.set(target.origin, pool);
    }
    return pool;
  }

  finished(exchange: Exchange, status: number, outcome: Outcome): void {
    exchange.done = true;
    this.stats.active--;
    if (outcome === "cancelled") this.stats.cancelled++;
    this.settle(exchange.upstream, exchange.target, exchange.startedAt, status, outcome);
  }

  failed(exchange: Exchange, status: 502 | 504, message: string): void {
    if (status === 504) this.stats.timeouts++; else this.stats.upstreamErrors++;
    this.fail(exchange.res, status, message);
    this.finished(exchange, status, "failure");
  }

  /** Reports the outcome to the kernel (poking it when timers may have changed) and observes it. */
  private settle(upstream: Upstream, target: Target, startedAt: number, status: number, outcome: Outcome): void {
    const latencyMs = performance.now() - startedAt;
    if (upstream.report(target.handle, latencyMs, outcome)) this.options.poke?.();
    this.options.observe?.({ service: this.options.service, upstream: upstream.service, ordinal: target.ordinal, status, outcome, latencyMs });
  }

  private reject(res: ServerResponse, upstream: Upstream, startedAt: number, reason: string): void {
    this.stats.rejected++;
    this.fail(res, 503, reason, { "retry-after": "1" });
    this.observeRejected(upstream, startedAt);
  }

  private observeRejected(upstream: Upstream, startedAt: number): void {
    this.options.observe?.({
      service: this.options.service, upstream: upstream.service, ordinal: -1, status: 503, outcome: "rejected", latencyMs: performance.now() - startedAt,
    });
  }

  private fail(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
    if (res.headersSent) { res.destroy(); return; }
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "x-myco-gateway": this.options.service, ...headers });
    res.end(`${message}\n`);
  }

  // ---- tcp ----

  private accept(socket: Socket): void {
    const startedAt = performance.now();
    const pool = this.upstream;
    this.stats.requests++;
    if (overLimit(socket) || draining(socket)) {
      this.stats.rejected++;
      socket.on("error", () => {}).resetAndDestroy(); // a refusal the client sees as one: a reset
      return this.observeRejected(pool, startedAt);
    }
    new TcpRelay(this, socket, startedAt);
  }

  /** A pick for a new connection from `client`: the upstream and its target, or the reason for none. */
  pickConnection(client: string): { upstream: Upstream; target: Target } | string {
    const upstream = this.upstream;
    const handle = this.pickFor(upstream, client, null);
    if (typeof handle === "string") return handle;
    const target = upstream.target(handle);
    if (target) return { upstream, target };
    upstream.report(handle, 0, "cancelled");
    return `instance ${handle} has no address`;
  }

  connectionOpened(): void { this.stats.active++; }

  connectionClosed(upstream: Upstream, target: Target, connectMs: number, status: number, outcome: Outcome): void {
    this.stats.active--;
    if (status === 504) this.stats.timeouts++;
    else if (status === 502) this.stats.upstreamErrors++;
    if (outcome === "cancelled") this.stats.cancelled++;
    if (upstream.report(target.handle, connectMs, outcome)) this.options.poke?.();
    this.options.observe?.({ service: this.options.service, upstream: upstream.service, ordinal: target.ordinal, status, outcome, latencyMs: connectMs });
  }

  connectionRefused(startedAt: number): void {
    this.stats.rejected++;
    this.observeRejected(this.upstream, startedAt);
  }
}
