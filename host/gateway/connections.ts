// The client connections of one gateway listener: counted against the connection limit, marked
// when a drain begins (an HTTP answer on a draining connection says Connection: close), closed
// when idle (one sweep timer for all of them, instead of a timer touched on every read and
// write), and destroyed when a drain runs out of time.
import type { Server, Socket } from "node:net";

const kOverLimit = Symbol("myco.overLimit");
const kDraining = Symbol("myco.draining");
const kSeenBytes = Symbol("myco.seenBytes");
const kQuietSince = Symbol("myco.quietSince");

export type ClientSocket = Socket & { [kOverLimit]?: boolean; [kDraining]?: boolean; [kSeenBytes]?: number; [kQuietSince]?: number };

export const overLimit = (socket: Socket | null): boolean => (socket as ClientSocket | null)?.[kOverLimit] === true;
export const draining = (socket: Socket | null): boolean => (socket as ClientSocket | null)?.[kDraining] === true;

export class Connections {
  private readonly sockets = new Set<ClientSocket>();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly server: Server, private readonly counts: { connections: number }) {}

  /** A new client connection: counted, and marked over the limit when it is past `max`. */
  track(socket: ClientSocket, max: number): void {
    this.counts.connections++;
    this.sockets.add(socket);
    socket.once("close", () => { this.counts.connections--; this.sockets.delete(socket); });
    if (this.sockets.size > max) socket[kOverLimit] = true;
  }

  /** Closes connections with no byte either way for `idleMs` (checked every quarter of it). */
  closeIdle(idleMs: number): void {
    clearInterval(this.sweeper);
    this.sweeper = setInterval(() => {
      const now = performance.now();
      for (const socket of this.sockets) {
        const seen = socket.bytesRead + socket.bytesWritten;
        if (seen !== socket[kSeenBytes]) { socket[kSeenBytes] = seen; socket[kQuietSince] = now; }
        else if (now - (socket[kQuietSince] ?? now) >= idleMs) socket.destroy();
      }
    }, Math.min(Math.max(idleMs / 4, 50), 30_000));
    this.sweeper.unref();
  }

  /**
   * Stops accepting and waits until every accepted connection has closed, at most `limitMs`;
   * then destroys what is left. HTTP keep-alive connections close as soon as they are idle.
   */
  async drain(limitMs: number): Promise<void> {
    for (const socket of this.sockets) socket[kDraining] = true;
    const server = this.server as Server & { closeIdleConnections?: () => void };
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const idle = setInterval(() => server.closeIdleConnections?.(), 25);
    server.closeIdleConnections?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => { timer = setTimeout(resolve, limitMs); })]);
    clearTimeout(timer);
    clearInterval(idle);
    clearInterval(this.sweeper);
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}
