// The store the fleet needs, and nothing more: get, range by prefix, transactions with compares,
// leases with keep-alive, watches from a revision. Election is built on these (election.ts), so
// it behaves the same on every implementation. Two implementations keep etcd's semantics: the
// real one over etcd (etcd-store.ts), and a deterministic in-memory one for the simulator
// (memory-store.ts); test/fleet/store-contract.test.ts holds both to the same contract.

export interface KeyValue {
  key: string;
  value: string;
  /** The revision that created the key (0: the key does not exist, in a compare). */
  createRevision: number;
  /** The revision of the last change. */
  modRevision: number;
  /** Changes since creation (1 after the first put). */
  version: number;
  /** The lease the key lives under ("0": none). */
  lease: string;
}

export type CompareTarget = "create" | "mod" | "version" | "value";
export type CompareOp = "==" | "!=" | "<" | ">";
export interface Compare { key: string; target: CompareTarget; op: CompareOp; value: number | string }

export type Op =
  | { type: "put"; key: string; value: string; lease?: string }
  | { type: "delete"; key: string }
  | { type: "delete-prefix"; key: string };

export interface TxnResult { succeeded: boolean; revision: number }

export interface WatchEvent {
  type: "put" | "delete";
  key: string;
  /** "" for a delete. */
  value: string;
  /** The revision of this change. */
  revision: number;
  createRevision: number;
}

export interface Watch { cancel(): Promise<void> }

export interface Store {
  /** Where it lives, for messages (a URL list, or "memory"). */
  readonly address: string;
  get(key: string): Promise<KeyValue | undefined>;
  /** Every key under the prefix (sorted), and the store's revision at that moment. */
  range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }>;
  /** All compares hold: `success` applies, else `failure`; either way one revision at most. */
  txn(compares: Compare[], success: Op[], failure?: Op[]): Promise<TxnResult>;
  /** A new lease of `ttlSeconds`; its id. */
  grant(ttlSeconds: number): Promise<string>;
  /** Refreshes a lease to its full TTL; returns the TTL. Throws LeaseLostError when it expired or was revoked. */
  keepAlive(lease: string): Promise<number>;
  revoke(lease: string): Promise<void>;
  /**
   * Every change under the prefix from `fromRevision` on (inclusive), in revision order, in
   * batches; the same change is never delivered twice, none is skipped, across reconnects.
   * `onError` gets what ends the watch (a compacted revision, a closed store).
   */
  watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError?: (error: Error) => void): Promise<Watch>;
  close(): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(readonly lease: string) {
    super(`lease ${lease} has expired or was revoked`);
  }
}

export const put = (key: string, value: string, lease?: string): Op => ({ type: "put", key, value, lease });
export const del = (key: string): Op => ({ type: "delete", key });
/** The key does not exist. */
export const absent = (key: string): Compare => ({ key, target: "create", op: "==", value: 0 });

/** The smallest key above every key with this prefix (etcd's range_end for a prefix). */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 0xff) return Buffer.concat([bytes.subarray(0, i), Buffer.from([bytes[i] + 1])]).toString("latin1");
  }
  return "\0";
}

/** A compare against a key's current state (undefined: absent, whose revisions and version are 0). */
export function compareHolds(compare: Compare, kv: KeyValue | undefined): boolean {
  const actual: number | string = compare.target === "value" ? kv?.value ?? ""
    : compare.target === "create" ? kv?.createRevision ?? 0 : compare.target === "mod" ? kv?.modRevision ?? 0 : kv?.version ?? 0;
  const want = compare.value;
  switch (compare.op) {
    case "==": return actual === want;
    case "!=": return actual !== want;
    case "<": return actual < want;
    case ">": return actual > want;
  }
}
