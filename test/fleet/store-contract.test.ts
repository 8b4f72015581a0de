// One contract, two stores: the etcd Store against a real etcd (started here on free ports) and
// the in-memory Store on the virtual clock. Revisions, versions, compare-and-swap, lease
// expiry and keep-alive, watches from a past revision, and the election built on them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEtcd, type EtcdServer } from "../../host/fleet/etcd-server.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { MemoryStore } from "../../host/fleet/memory-store.ts";
import { LeaseLostError, absent, del, put, type Store, type WatchEvent } from "../../host/fleet/store.ts";
import { campaign, leader } from "../../host/fleet/election.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";

interface Harness { store: Store; settle(ms: number): Promise<void> }

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
let unique = 0;
const prefix = () => `/contract/${process.pid}-${Date.now()}-${unique++}/`;

async function until(h: Harness, what: string, condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 40; i++) {
    if (await condition()) return;
    await h.settle(250);
  }
  throw new Error(`never happened: ${what}`);
}

function contract(name: string, make: () => Harness) {
  describe(`store contract: ${name}`, () => {
    let h: Harness;
    beforeAll(() => { h = make(); });

    it("puts, gets and ranges by prefix with etcd's revisions and versions", async () => {
      const p = prefix();
      const first = await h.store.txn([], [put(`${p}b`, "1")]);
      const second = await h.store.txn([], [put(`${p}a`, "2"), put(`${p}b`, "3")]);
      expect(second.revision).toBe(first.revision + 1); // one revision per transaction
      const b = await h.store.get(`${p}b`);
      expect(b).toMatchObject({ value: "3", createRevision: first.revision, modRevision: second.revision, version: 2, lease: "0" });
      const { kvs, revision } = await h.store.range(p);
      expect(kvs.map((kv) => [kv.key.slice(p.length), kv.value])).toEqual([["a", "2"], ["b", "3"]]);
      expect(revision).toBeGreaterThanOrEqual(second.revision);
      expect(await h.store.get(`${p}none`)).toBeUndefined();
      await h.store.txn([], [{ type: "delete-prefix", key: p }]);
      expect((await h.store.range(p)).kvs).toEqual([]);
    });

    it("compare-and-swap: the success ops apply only when every compare holds, else the failure ops", async () => {
      const p = prefix();
      expect((await h.store.txn([absent(`${p}k`)], [put(`${p}k`, "first")])).succeeded).toBe(true);
      expect((await h.store.txn([absent(`${p}k`)], [put(`${p}k`, "second")], [put(`${p}lost`, "yes")])).succeeded).toBe(false);
      expect((await h.store.get(`${p}k`))!.value).toBe("first");
      expect((await h.store.get(`${p}lost`))!.value).toBe("yes");
      const kv = (await h.store.get(`${p}k`))!;
      const stale = { key: kv.key, target: "mod" as const, op: "==" as const, value: kv.modRevision };
      expect((await h.store.txn([stale], [put(`${p}k`, "cas-1")])).succeeded).toBe(true);
      expect((await h.store.txn([stale], [put(`${p}k`, "cas-2")])).succeeded).toBe(false); // the revision moved
      expect((await h.store.txn([{ key: kv.key, target: "value", op: "==", value: "cas-1" }], [del(`${p}k`)])).succeeded).toBe(true);
      expect(await h.store.get(`${p}k`)).toBeUndefined();
    });

    it("a lease keeps its keys while refreshed and takes them when it expires; a lost lease cannot be refreshed", async () => {
      const p = prefix();
      const lease = await h.store.grant(1);
      await h.store.txn([], [put(`${p}live`, "x", lease)]);
      expect((await h.store.get(`${p}live`))!.lease).toBe(lease);
      for (let i = 0; i < 6; i++) { await h.settle(400); await h.store.keepAlive(lease); }
      expect(await h.store.get(`${p}live`)).toBeDefined(); // 2.4 s on a 1 s lease, refreshed
      await until(h, "the lease expires", async () => (await h.store.get(`${p}live`)) === undefined);
      await expect(h.store.keepAlive(lease)).rejects.toBeInstanceOf(LeaseLostError);
      const other = await h.store.grant(5);
      await h.store.txn([], [put(`${p}gone`, "y", other)]);
      await h.store.revoke(other);
      expect(await h.store.get(`${p}gone`)).toBeUndefined();
    });

    it("watches from a past revision: every change once, in order, then the live ones", async () => {
      const p = prefix();
      const start = (await h.store.txn([], [put(`${p}a`, "1")])).revision;
      await h.store.txn([], [put(`${p}b`, "2")]);
      await h.store.txn([], [del(`${p}a`)]);
      await h.store.txn([], [put(`/elsewhere${p}`, "not mine")]);
      const seen: WatchEvent[] = [];
      const watch = await h.store.watch(p, start, (events) => seen.push(...events));
      await until(h, "history replayed", async () => seen.length >= 3);
      const live = (await h.store.txn([], [put(`${p}c`, "3"), put(`${p}d`, "4")])).revision;
      await until(h, "live events", async () => seen.length >= 5);
      await watch.cancel();
      expect(seen.map((e) => `${e.type} ${e.key.slice(p.length)} ${e.value}`)).toEqual(["put a 1", "put b 2", "delete a ", "put c 3", "put d 4"]);
      expect(seen[0].revision).toBe(start);
      expect(seen[3].revision).toBe(live);
      expect(seen[4].revision).toBe(live);
      await h.store.txn([], [put(`${p}e`, "after cancel")]);
      await h.settle(100);
      expect(seen).toHaveLength(5);
    });

    it("elects one leader; the next takes over when it resigns; the old leader's fenced writes fail", async () => {
      const p = prefix().slice(0, -1);
      const l1 = await h.store.grant(5), l2 = await h.store.grant(5);
      const first = campaign(h.store, p, "one", l1);
      const lead1 = await first.elected;
      const second = campaign(h.store, p, "two", l2);
      let secondLeads = false;
      void second.elected.then(() => { secondLeads = true; });
      await h.settle(200);
      expect(secondLeads).toBe(false);
      expect((await leader(h.store, p))!.value).toBe("one");
      expect((await h.store.txn([lead1.fence], [put(`${p}-data`, "from one")])).succeeded).toBe(true);
      await first.resign();
      const lead2 = await second.elected;
      expect((await leader(h.store, p))!.value).toBe("two");
      expect((await h.store.txn([lead1.fence], [put(`${p}-data`, "late from one")])).succeeded).toBe(false);
      expect((await h.store.txn([lead2.fence], [put(`${p}-data`, "from two")])).succeeded).toBe(true);
      expect((await h.store.get(`${p}-data`))!.value).toBe("from two");
      await h.store.revoke(l2);
      expect((await h.store.txn([lead2.fence], [put(`${p}-data`, "expired")])).succeeded).toBe(false); // its lease is gone
      await h.store.revoke(l1);
    });
  });
}

let etcd: EtcdServer | undefined;
let etcdStore: EtcdStore | undefined;
beforeAll(async () => {
  etcd = await startEtcd();
  etcdStore = new EtcdStore([etcd.url]);
});
afterAll(async () => {
  await etcdStore?.close();
  await etcd?.stop();
});

contract("etcd", () => ({ store: etcdStore!, settle: sleep }));
contract("memory", () => {
  const hal = new VirtualHal(7);
  const store = new MemoryStore(hal);
  return { store, settle: async (ms) => { hal.advance(ms); store.expire(); await sleep(0); } };
});
