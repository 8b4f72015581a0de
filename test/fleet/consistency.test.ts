// Consistency against a real etcd: (1) 1,000 concurrent spec changes from two clients, each a
// compare-and-swap on the spec's revision: none is lost, each appears once in the event log,
// the final state is the last write by revision; (2) etcd restarted (SIGKILL, same data
// directory and ports) under a running fleet: the agents and the coordinator resume from their
// revisions, nothing is placed twice or moved, and a change made afterwards still arrives.
import { afterAll, describe, expect, it } from "vitest";
import { startEtcd, type EtcdServer } from "../../host/fleet/etcd-server.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { Keys } from "../../host/fleet/keys.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices, updateService } from "../../host/fleet/specs.ts";
import { readSnapshot } from "../../host/fleet/snapshot.ts";
import type { WatchEvent } from "../../host/fleet/store.ts";
import { writeManifest, waitFor } from "./support.ts";

let etcd: EtcdServer | undefined;
const stores: EtcdStore[] = [];
const lines: string[] = [];
let fleet: LocalFleet | undefined;

afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await fleet?.stop();
  await etcd?.stop();
});

const client = () => { const s = new EtcdStore([etcd!.url]); stores.push(s); return s; };

describe("consistency over a real etcd", () => {
  it("loses no update among 1,000 concurrent compare-and-swap spec changes from two clients", async () => {
    etcd = await startEtcd();
    const keys = new Keys("cas");
    const [a, b] = [client(), client()];
    const revision = await publishServices(a, keys, loadFleetManifest(writeManifest({ counter: { instances: 0, placement: { class: "user" } } })));
    const log: WatchEvent[] = [];
    const watch = await a.watch(keys.service("counter"), revision + 1, (events) => log.push(...events));
    let retries = 0;
    const worker = async (store: EtcdStore, n: number) => {
      for (let i = 0; i < n; i++) retries += (await updateService(store, keys, "counter", (r) => ({ ...r, instances: r.instances + 1 }))).tries - 1;
    };
    await Promise.all([...Array(20)].map((_, i) => worker(i % 2 ? a : b, 50)));
    await waitFor("every change in the log", async () => log.length >= 1000, 30_000);
    await watch.cancel();
    const final = (await a.get(keys.service("counter")))!;
    console.log(`no lost update: 1000 changes, ${retries} compare-and-swap retries`);
    expect(JSON.parse(final.value).instances).toBe(1000);
    expect(log).toHaveLength(1000);
    expect(log.map((e) => JSON.parse(e.value).instances)).toEqual([...Array(1000)].map((_, i) => i + 1)); // each change once, in revision order
    expect(final.modRevision).toBe(log[log.length - 1].revision);
  });

  it("resumes after an etcd restart on the same data: nothing placed twice, nothing moved", async () => {
    fleet = new LocalFleet({ etcd: [etcd!.url], cluster: "restart", ttlSeconds: 3, log: (name, line) => lines.push(`${name} | ${line}`) });
    await fleet.start();
    const store = client();
    const keys = new Keys("restart");
    await publishServices(store, keys, loadFleetManifest(writeManifest({
      solo: { placement: { class: "critical", requests: { cpu: 100 } } },
      web: { instances: 2, placement: { class: "user", requests: { cpu: 100 }, "max-per-node": 1 } },
    })));
    await fleet.startCoordinator("coordinator-r");
    await Promise.all([fleet.startAgent({ node: "n1", tier: "sclerotia" }), fleet.startAgent({ node: "n2", tier: "sclerotia" })]);
    await waitFor("every instance running", async () => { const s = await readSnapshot(store, keys); return s.services.length === 2 && s.services.every((v) => v.running === v.desired); });
    const assigned = (await store.range(keys.prefix("assign"))).kvs;
    const before = assigned.map((kv) => kv.key).sort();
    const fromRevision = Math.max(...assigned.map((kv) => kv.modRevision)) + 1;

    await etcd!.kill();
    await new Promise((r) => setTimeout(r, 1000));
    etcd = await startEtcd({ dataDir: etcd!.dataDir, clientPort: etcd!.clientPort, peerPort: etcd!.peerPort });
    await waitFor("the fleet answering again", async () => (await readSnapshot(store, keys)).nodes.length === 2, 30_000);
    await new Promise((r) => setTimeout(r, 4000)); // more than a TTL: a lost lease would show now
    await publishServices(store, keys, loadFleetManifest(writeManifest({ after: { placement: { class: "user", requests: { cpu: 10 } } } })));
    await waitFor("a change made after the restart running", async () => (await readSnapshot(store, keys)).services.find((s) => s.name === "after")?.running === 1, 30_000);

    const history: WatchEvent[] = [];
    const watch = await store.watch(keys.prefix("assign"), fromRevision, (events) => history.push(...events));
    await new Promise((r) => setTimeout(r, 500));
    await watch.cancel();
    const after = (await store.range(keys.prefix("assign"))).kvs.map((kv) => kv.key).filter((k) => !k.includes("/after-")).sort();
    expect(after).toEqual(before); // nothing moved
    expect(history.filter((e) => !e.key.includes("/after-")).map((e) => `${e.type} ${e.key}`)).toEqual([]); // nothing placed again
    const instances = (await store.range(keys.prefix("assign"))).kvs.map((kv) => kv.key.slice(kv.key.lastIndexOf("/") + 1));
    expect(new Set(instances).size).toBe(instances.length); // each instance on one node
    console.log(`etcd restart: ${before.length} assignments kept; agents and coordinator resumed (${lines.filter((l) => /failed|watch/.test(l)).length} transient errors logged)`);
  });
});
