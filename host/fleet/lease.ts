// A lease kept alive, with the one number fencing needs: the moment until which the lease is
// certainly alive at the server. A refresh sent at time t that succeeds makes the server's expiry
// at least t + TTL, so `certainUntil` is the send time of the last good refresh plus the TTL.
// The holder is told `unsafe` when that moment comes closer than its margin (stop what must not
// run twice) and `lost` when the server says the lease is gone.
import type { Store } from "./store.ts";
import { LeaseLostError } from "./store.ts";

export interface LeaseEvents {
  /** Less than the margin is left before the lease could expire at the server. */
  unsafe(): void;
  /** A refresh succeeded again while the lease still lives. */
  safe(): void;
  /** The server has no such lease any more. */
  lost(): void;
  /** A refresh failed (etcd unreachable, a timeout). */
  failed?(error: unknown): void;
}

export class KeptLease {
  id = "";
  private certain = 0;
  private timer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private isUnsafe = false;
  private stopped = false;

  constructor(private readonly store: Store, readonly ttlSeconds: number, private readonly events: LeaseEvents, readonly marginMs = Math.max(1000, (ttlSeconds * 1000) / 3)) {}

  get certainUntil(): number { return this.certain; }
  get unsafe(): boolean { return this.isUnsafe; }

  async grant(): Promise<string> {
    const sent = Date.now();
    this.id = await this.store.grant(this.ttlSeconds);
    this.certain = sent + this.ttlSeconds * 1000;
    this.isUnsafe = false;
    return this.id;
  }

  /** Refreshes every third of the TTL and watches the margin. */
  start(): void {
    this.stopped = false;
    const every = (this.ttlSeconds * 1000) / 3;
    const refresh = async () => {
      const lease = this.id;
      const sent = Date.now();
      try {
        await this.store.keepAlive(lease);
        if (this.stopped || lease !== this.id) return;
        this.certain = Math.max(this.certain, sent + this.ttlSeconds * 1000);
        if (this.isUnsafe && this.certain - Date.now() > this.marginMs) {
          this.isUnsafe = false;
          this.events.safe();
        }
      } catch (error) {
        if (this.stopped || lease !== this.id) return;
        if (error instanceof LeaseLostError) {
          this.stop();
          this.markUnsafe();
          return this.events.lost();
        }
        this.events.failed?.(error);
      }
      if (!this.stopped) this.timer = setTimeout(refresh, every);
    };
    this.timer = setTimeout(refresh, every);
    this.watchdog = setInterval(() => { if (this.certain - Date.now() <= this.marginMs) this.markUnsafe(); }, 50);
  }

  private markUnsafe(): void {
    if (this.isUnsafe) return;
    this.isUnsafe = true;
    this.events.unsafe();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.watchdog);
  }

  async revoke(): Promise<void> {
    this.stop();
    if (this.id) await this.store.revoke(this.id).catch(() => undefined);
  }
}
