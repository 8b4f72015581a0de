// Following a prefix: one range (a snapshot at a revision), then a watch from the next revision,
// so no change is missed and none is seen twice. The store's watch resumes across reconnects
// by itself; if it ends anyway (a compacted revision), the prefix is read again and followed
// from there, and the snapshot replaces what the follower knew.
import type { KeyValue, Store, Watch, WatchEvent } from "./store.ts";

export interface Follower {
  snapshot(kvs: KeyValue[], revision: number): void;
  events(events: WatchEvent[]): void;
  error?(error: unknown): void;
}

export class Follow {
  private watch: Watch | undefined;
  private closed = false;
  /** The last revision seen (snapshot or event). */
  revision = 0;

  constructor(private readonly store: Store, private readonly prefix: string, private readonly follower: Follower) {}

  /** Resolves after the first snapshot (throws if the store cannot be read). */
  async start(): Promise<void> {
    const { kvs, revision } = await this.store.range(this.prefix);
    this.revision = revision;
    this.follower.snapshot(kvs, revision);
    this.watch = await this.store.watch(this.prefix, revision + 1, (events) => {
      const fresh = events.filter((e) => e.revision > this.revision); // etcd never splits one revision's events
      if (!fresh.length) return;
      this.revision = fresh[fresh.length - 1].revision;
      this.follower.events(fresh);
    }, (error) => this.restart(error));
  }

  private restart(error: unknown): void {
    if (this.closed) return;
    this.follower.error?.(error);
    void this.watch?.cancel().catch(() => undefined);
    setTimeout(() => { if (!this.closed) this.start().catch((e) => this.restart(e)); }, 500);
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.watch?.cancel().catch(() => undefined);
  }
}
