// The Store over a real etcd, through the `etcd3` client (gRPC; the maintained Node client with
// leases, transactions and resumable watches). Transactions go through the raw KV service so a
// compare is exactly etcd's; watches through the client's watch manager, which reconnects and
// resumes from the last revision it delivered. Calls have a deadline and a short retry, so an
// unreachable etcd is an error within seconds, never a hang.
import type { Etcd3, IOptions, IKeyValue } from "etcd3";
import { lazyModule } from "../lazy-module.ts";

/** etcd3 and its gRPC stack are loaded when a store is first made (not by every `myco` command). */
export const etcd3 = lazyModule<typeof import("etcd3")>("etcd3");
import { ExponentialBackoff, handleWhen, noop, retry } from "cockatiel";
import { prefixEnd, LeaseLostError, type Compare, type KeyValue, type Op, type Store, type TxnResult, type Watch, type WatchEvent } from "./store.ts";

export interface TlsFiles { ca: Buffer; cert?: Buffer; key?: Buffer }

export interface EtcdStoreOptions {
  /** Per-call deadline (default 2 s). */
  callTimeoutMs?: number;
  tls?: TlsFiles;
}

const TARGETS = { create: "Create", mod: "Mod", version: "Version", value: "Value" } as const;
const RESULTS = { "==": "Equal", "!=": "NotEqual", "<": "Less", ">": "Greater" } as const;

export class EtcdStore implements Store {
  readonly client: Etcd3;
  /** Round trips made (unary calls and watch creations), for the benchmarks. */
  roundTrips = 0;

  constructor(readonly urls: string[], options: EtcdStoreOptions = {}) {
    const timeout = options.callTimeoutMs ?? 2000;
    const config: IOptions = {
      hosts: urls,
      dialTimeout: timeout,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeout }),
      faultHandling: {
        host: () => noop,
        global: retry(handleWhen(etcd3().isRecoverableError), { maxAttempts: 1 }),
        // etcd3 calls next() on it as on its own default (an ExponentialBackoff); its typings predate cockatiel 3.2.
        watchBackoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 500 }) as never,
      },
      ...(options.tls ? { credentials: { rootCertificate: options.tls.ca, privateKey: options.tls.key, certChain: options.tls.cert } } : {}),
    };
    this.client = new (etcd3().Etcd3)(config);
  }

  get address(): string { return this.urls.join(","); }

  async get(key: string): Promise<KeyValue | undefined> {
    this.roundTrips++;
    const res = await this.client.kv.range({ key: Buffer.from(key) });
    return res.kvs[0] && fromKv(res.kvs[0]);
  }

  async range(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    this.roundTrips++;
    const res = await this.client.kv.range({ key: Buffer.from(prefix), range_end: Buffer.from(prefixEnd(prefix), "latin1") });
    return { kvs: res.kvs.map(fromKv), revision: Number(res.header.revision) };
  }

  async txn(compares: Compare[], success: Op[], failure: Op[] = []): Promise<TxnResult> {
    this.roundTrips++;
    const res = await this.client.kv.txn({
      compare: compares.map((c) => ({
        key: Buffer.from(c.key), target: TARGETS[c.target], result: RESULTS[c.op],
        ...(c.target === "value" ? { value: Buffer.from(String(c.value)) } : { [c.target === "create" ? "create_revision" : c.target === "mod" ? "mod_revision" : "version"]: c.value }),
      })),
      success: success.map(toRequest),
      failure: failure.map(toRequest),
    });
    return { succeeded: res.succeeded, revision: Number(res.header.revision) };
  }

  async grant(ttlSeconds: number): Promise<string> {
    this.roundTrips++;
    const res = await this.client.leaseClient.leaseGrant({ TTL: ttlSeconds, ID: 0 });
    if (res.error) throw new Error(`etcd refused a lease: ${res.error}`);
    return String(res.ID);
  }

  async keepAlive(lease: string): Promise<number> {
    this.roundTrips++;
    const stream = await this.client.leaseClient.leaseKeepAlive({ deadline: Date.now() + 2000 });
    try {
      const res = await new Promise<{ TTL: string }>((resolve, reject) => {
        stream.on("data", resolve);
        stream.on("error", reject);
        stream.write({ ID: lease });
      });
      if (Number(res.TTL) <= 0) throw new LeaseLostError(lease);
      return Number(res.TTL);
    } finally {
      stream.end();
    }
  }

  async revoke(lease: string): Promise<void> {
    this.roundTrips++;
    try {
      await this.client.leaseClient.leaseRevoke({ ID: lease });
    } catch (error) {
      if (!/not found/.test(String(error))) throw error;
    }
  }

  async watch(prefix: string, fromRevision: number, onEvents: (events: WatchEvent[]) => void, onError?: (error: Error) => void): Promise<Watch> {
    this.roundTrips++;
    const watcher = await this.client.watch().prefix(prefix).startRevision(String(Math.max(1, fromRevision))).create();
    watcher.on("data", (res) => {
      const events = res.events.map((e): WatchEvent => ({
        type: e.type === "Put" ? "put" : "delete", key: e.kv.key.toString(), value: e.type === "Put" ? e.kv.value.toString() : "",
        revision: Number(e.kv.mod_revision), createRevision: Number(e.kv.create_revision),
      }));
      if (events.length) onEvents(events);
    });
    watcher.on("error", (error) => onError?.(error));
    return { cancel: () => watcher.cancel() };
  }

  async close(): Promise<void> { this.client.close(); }
}

function fromKv(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString(), value: kv.value.toString(), createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision), version: Number(kv.version), lease: String(kv.lease ?? "0"),
  };
}

function toRequest(op: Op) {
  if (op.type === "put") return { request_put: { key: Buffer.from(op.key), value: Buffer.from(op.value), lease: op.lease ?? "0" } };
  if (op.type === "delete") return { request_delete_range: { key: Buffer.from(op.key) } };
  return { request_delete_range: { key: Buffer.from(op.key), range_end: Buffer.from(prefixEnd(op.key), "latin1") } };
}
