// The deterministic in-memory store for the fleet simulator, with etcd's semantics: one global
// revision per change, create/mod revisions and versions per key, compare-and-swap
// transactions, leases that expire on a clock (the virtual HAL's in simulation) and take their
// keys with them in one revision, and watches that replay history from any revision. Nothing
// a user runs depends on it.
import { compareHolds, LeaseLostError, type Compare, type KeyValue, type Op, type Store, type TxnResult, type Watch, type WatchEvent } from "./store.ts";

/** What the store reads time from: the virtual HAL (`timeMs`) or the wall clock. */
export interface Clock { readonly timeMs: number }

interface Lease { id: string; ttlMs: number; expiresAt: number; keys: Set<string> }
interface Watcher { prefix: string; next: number; onEvents: (events: WatchEvent[]) => void; live: boolean }

export class MemoryStore implements Store {
  readonly address = "memory";
  private readonly data = new Map<string, KeyValue>();
  private readonly history: WatchEvent[] = [];
  private readonly leases = new Map<string, Lease>();
  private readonly watchers = new Set<Watcher>();
  private revision = 1; // etcd starts at 1 with an empty store
  private leaseIds = 0x1000;
  private closed = false;

  constructor(private readonly clock: Clock = { get timeMs() { return Date.now(); } }) {}

  get currentRevision(): number { return this.expire(), this.revision; }

  async get(key: string): Promise<KeyValue | undefined> {
    this.open();
    const kv = this.data.get(key);
    return kv && { ...kv };
  }

  async range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    this.open();
    const kvs = [...this.data.values()].filter((kv) => kv.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { kvs: kvs.map((kv) => ({ ...kv })), revision: this.revision };
  }

  async txn(compares: Compare[], success: Op[], failure: Op[] = []): Promise<TxnResult> {
    this.open();
    const succeeded = compares.every((c) => compareHolds(c, this.data.get(c.key)));
    const ops = succeeded ? success : failure;
    for (const op of ops) if (op.type === "put" && op.lease && op.lease !== "0" && !this.leases.has(op.lease)) throw new Error(`etcdserver: requested lease not found (${op.lease})`);
    const changed = ops.some((op) => op.type === "put" || this.matching(op).length > 0);
    if (!changed) return { succeeded, revision: this.revision };
    const revision = ++this.revision;
    const events: WatchEvent[] = [];
    for (const op of ops) {
      if (op.type === "put") events.push(this.putOne(op.key, op.value, op.lease ?? "0", revision));
      else for (const key of this.matching(op)) events.push(this.deleteOne(key, revision));
    }
    this.publish(events);
    return { succeeded, revision };
  }

  async grant(ttlSeconds: number): Promise<string> {
    this.open();
    const id = String(++this.leaseIds);
    const ttlMs = Math.max(1, ttlSeconds) * 1000;
    this.leases.set(id, { id, ttlMs, expiresAt: this.clock.timeMs + ttlMs, keys: new Set() });
    return id;
  }

  async keepAlive(lease: string): Promise<number> {
    this.open();
    const held = this.leases.get(lease);
    if (!held) throw new LeaseLostError(lease);
    held.expiresAt = this.clock.timeMs + held.ttlMs;
    return held.ttlMs / 1000;
  }

  async revoke(lease: string): Promise<void> {
    this.open();
    const held = this.leases.get(lease);
    if (held) this.dropLeases([held]);
  }

  async watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void): Promise<Watch> {
    this.open();
    const watcher: Watcher = { prefix, next: Math.max(1, fromRevision), onEvents, live: true };
    this.watchers.add(watcher);
    queueMicrotask(() => this.deliver(watcher));
    return { cancel: async () => { watcher.live = false; this.watchers.delete(watcher); } };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.live = false;
    this.watchers.clear();
  }

  /** Expires every lease whose time has come (each op does it first; the simulator after moving the clock). */
  expire(): number {
    const now = this.clock.timeMs;
    const due = [...this.leases.values()].filter((l) => l.expiresAt <= now).sort((a, b) => a.expiresAt - b.expiresAt || Number(a.id) - Number(b.id));
    if (due.length) this.dropLeases(due);
    return due.length;
  }

  private open(): void {
    if (this.closed) throw new Error("the store is closed");
    this.expire();
  }

  private dropLeases(leases: Lease[]): void {
    for (const lease of leases) {
      this.leases.delete(lease.id);
      const keys = [...lease.keys].filter((k) => this.data.get(k)?.lease === lease.id).sort();
      if (!keys.length) continue;
      const revision = ++this.revision;
      this.publish(keys.map((key) => this.deleteOne(key, revision)));
    }
  }

  private matching(op: Op): string[] {
    if (op.type === "delete") return this.data.has(op.key) ? [op.key] : [];
    return [...this.data.keys()].filter((k) => k.startsWith(op.key)).sort();
  }

  private putOne(key: string, value: string, lease: string, revision: number): WatchEvent {
    const old = this.data.get(key);
    if (old && old.lease !== "0") this.leases.get(old.lease)?.keys.delete(key);
    const kv: KeyValue = { key, value, createRevision: old?.createRevision ?? revision, modRevision: revision, version: (old?.version ?? 0) + 1, lease };
    this.data.set(key, kv);
    if (lease !== "0") this.leases.get(lease)!.keys.add(key);
    return { type: "put", key, value, revision, createRevision: kv.createRevision };
  }

  private deleteOne(key: string, revision: number): WatchEvent {
    const old = this.data.get(key)!;
    this.data.delete(key);
    if (old.lease !== "0") this.leases.get(old.lease)?.keys.delete(key);
    return { type: "delete", key, value: "", revision, createRevision: old.createRevision };
  }

  private publish(events: WatchEvent[]): void {
    this.history.push(...events);
    for (const watcher of this.watchers) queueMicrotask(() => this.deliver(watcher));
  }

  /** Sends a watcher everything from its next revision on, once. */
  private deliver(watcher: Watcher): void {
    if (!watcher.live) return;
    const batch = this.history.filter((e) => e.revision >= watcher.next && e.key.startsWith(watcher.prefix));
    watcher.next = this.revision + 1;
    if (batch.length) watcher.onEvents(batch);
  }
}
