// One L4 connection: the kernel picks the instance for it, the gateway connects and pipes the
// bytes both ways (half-closes pass through: each side's end is forwarded), and the connection's
// outcome goes back to the kernel when the upstream side closes, with the connect time as its
// latency (the in-flight count covers the connection's whole life: least connections works).
//
//   outcome   connected, closed by either side       -> success
//             refused, unreachable, connect timeout  -> failure; the client's bytes have not
//                                                       been read yet, so one more pick is tried
//                                                       before the client is dropped
//             reset or error after connecting        -> failure; the client is reset too
//             the client went away before connecting -> cancelled
import { connect, type Socket } from "node:net";
import type { Outcome } from "../kernel/balance.ts";
import type { Target, Upstream } from "./upstream.ts";
import { plainAddress } from "./upstream.ts";

/** What a relay needs from its gateway (gateway.ts implements it). */
export interface TcpHost {
  readonly timeoutMs: number;
  pickConnection(client: string): { upstream: Upstream; target: Target } | string;
  connectionOpened(): void;
  connectionClosed(upstream: Upstream, target: Target, connectMs: number, status: number, outcome: Outcome): void;
  connectionRefused(startedAt: number): void;
}

/** Connect attempts per client connection: the first pick and one more after a connect failure. */
const ATTEMPTS_MAX = 2;

export class TcpRelay {
  private attempts = 0;
  private clientGone = false;

  constructor(private readonly host: TcpHost, private readonly client: Socket, private readonly startedAt: number) {
    client.on("error", () => { /* 'close' follows */ });
    client.once("close", () => { this.clientGone = true; });
    this.attempt();
  }

  private attempt(): void {
    if (this.clientGone) return;
    const picked = this.host.pickConnection(plainAddress(this.client.remoteAddress));
    if (typeof picked === "string") {
      if (this.attempts === 0) this.host.connectionRefused(this.startedAt);
      this.client.resetAndDestroy(); // nothing eligible: a refusal the client sees as one
      return;
    }
    this.attempts++;
    this.host.connectionOpened();
    const { upstream, target } = picked;
    const begunAt = performance.now();
    const socket = connect({ host: target.host, port: target.port, allowHalfOpen: true, noDelay: true });
    let connectMs = -1;
    let failed = false;
    let closedBy: "timeout" | "error" | null = null;
    socket.setTimeout(this.host.timeoutMs);
    socket.once("timeout", () => { if (connectMs < 0) { closedBy = "timeout"; socket.destroy(); } });
    socket.once("connect", () => {
      connectMs = performance.now() - begunAt;
      socket.setTimeout(0);
      if (this.clientGone) { socket.destroy(); return; }
      this.client.pipe(socket);
      socket.pipe(this.client);
    });
    socket.on("error", () => { failed = true; closedBy ??= "error"; });
    const dropOnClientClose = () => socket.destroy();
    this.client.once("close", dropOnClientClose);
    socket.once("close", () => {
      this.client.off("close", dropOnClientClose);
      if (connectMs < 0) {
        // Never connected: a connect failure (or the client left first).
        const outcome: Outcome = this.clientGone && !failed && closedBy === null ? "cancelled" : "failure";
        this.host.connectionClosed(upstream, target, performance.now() - begunAt, closedBy === "timeout" ? 504 : 502, outcome);
        if (outcome === "failure" && this.attempts < ATTEMPTS_MAX && !this.clientGone) return this.attempt();
        this.client.destroy();
        return;
      }
      if (failed) this.client.resetAndDestroy(); // a reset passes on as a reset
      this.host.connectionClosed(upstream, target, connectMs, failed ? 502 : 200, failed ? "failure" : "success");
    });
  }
}
