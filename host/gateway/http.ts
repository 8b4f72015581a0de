// One proxied HTTP request: the kernel's pick, the request sent over the instance's undici Pool
// (keep-alive connections; undici's low-level dispatch, so the response's bytes are written to
// the client as they come, with no stream objects in between), the outcome reported back.
//
//   outcome   upstream answered < 500           -> success
//             upstream 5xx, refused, cut, timeout -> failure (502 / 504 to the client when
//                                                  nothing was sent yet, else the client's
//                                                  connection is cut: the answer is incomplete)
//             the client went away first        -> cancelled (leaves the in-flight count only)
//
// Back-pressure both ways: the request body is piped by undici (it waits for the upstream
// socket); the response is paused (onData returns false) while the client's socket is full and
// resumed on its 'drain'. The state of one request is this one object: no closures per request.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Dispatcher } from "undici";
import type { Outcome } from "../kernel/balance.ts";
import { forwardRequestHeaders, hasBody, responseHeaders } from "./headers.ts";
import type { Target, Upstream } from "./upstream.ts";
import { draining } from "./connections.ts";

/** What an exchange needs from its gateway (gateway.ts implements it). */
export interface HttpHost {
  readonly service: string;
  readonly timeoutMs: number;
  /** The connection pool of an instance's address. */
  pool(target: Target): Dispatcher;
  /** The exchange is over: count it, report it, observe it. */
  finished(exchange: Exchange, status: number, outcome: Outcome): void;
  /** The upstream failed before answering: 502 or 504 with this text. */
  failed(exchange: Exchange, status: 502 | 504, message: string): void;
}

const kExchange = Symbol("myco.exchange");
type Tracked = ServerResponse & { [kExchange]?: Exchange };

function onClientClose(this: Tracked): void { this[kExchange]?.clientClosed(); }
function onClientDrain(this: Tracked): void { this[kExchange]?.resume?.(); }

export class Exchange implements Dispatcher.DispatchHandler {
  done = false;
  private abort: ((error?: Error) => void) | null = null;
  private cancelled = false;
  resume: (() => void) | null = null;
  /** The client's connection (req.socket is let go once the request has been read). */
  private readonly socket: Socket;

  constructor(
    private readonly host: HttpHost,
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly upstream: Upstream,
    readonly target: Target,
    readonly startedAt: number,
    client: string,
  ) {
    this.socket = req.socket;
    (res as Tracked)[kExchange] = this;
    res.on("close", onClientClose);
    const raw = req.rawHeaders;
    const body = hasBody(raw) ? req : null;
    host.pool(target).dispatch({
      path: req.url ?? "/", method: req.method as Dispatcher.HttpMethod, headers: forwardRequestHeaders(raw, client), body,
      headersTimeout: host.timeoutMs, bodyTimeout: host.timeoutMs,
    }, this);
  }

  // ---- undici's dispatch handler ----

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    if (this.cancelled) abort();
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[], resume: () => void): boolean {
    if (this.done) return false;
    this.resume = resume;
    if (draining(this.socket)) this.res.shouldKeepAlive = false; // a drain began meanwhile
    this.res.writeHead(statusCode, responseHeaders(rawHeaders, this.target.label));
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.done) return false;
    if (this.res.write(chunk)) return true;
    this.res.once("drain", onClientDrain);
    return false;
  }

  onComplete(): void {
    if (this.done) return;
    const status = this.res.statusCode;
    this.res.end();
    this.host.finished(this, status, status >= 500 ? "failure" : "success");
  }

  onError(error: Error & { code?: string }): void {
    if (this.done) return;
    const { upstream, target } = this;
    if (error.code === "UND_ERR_HEADERS_TIMEOUT") {
      this.host.failed(this, 504, `${upstream.service}#${target.ordinal} did not answer within ${this.host.timeoutMs} ms`);
    } else {
      const reason = error.code === "UND_ERR_SOCKET" ? "the connection closed before the answer" : error.code ?? error.message;
      this.host.failed(this, 502, `${upstream.service}#${target.ordinal} at ${target.origin}: ${reason}`);
    }
  }

  // ---- the client's side ----

  /** The client's connection closed: before the end of the answer it went away. */
  clientClosed(): void {
    (this.res as Tracked)[kExchange] = undefined;
    if (this.done) return;
    this.cancelled = true;
    this.host.finished(this, 499, "cancelled");
    this.abort?.();
  }
}
