// Per-node permissions in a real etcd with auth on and client certificates required (etcd names
// each user by its certificate's CN): a local fleet's agents and coordinator run services as
// usual; with an agent's own certificate a client may write its node's keys only, read its
// assignments and the specs, and is refused ("permission denied") on another node's keys and on
// assignments; the coordinator's certificate writes assignments but not a node's record.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { put, del } from "../../host/fleet/store.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { readTls, type TlsPaths } from "../../host/fleet/pki.ts";
import { writeManifest, waitFor } from "./support.ts";

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, tls: true, cluster: "perm", log: (name, line) => lines.push(`${name} | ${line}`) });
const stores: EtcdStore[] = [];
let operator: EtcdStore;
let keys: Keys;

/** The files `LocalFleet` issued to `role` `name` (its CA's directory). */
const issued = (role: string, name: string): TlsPaths => ({ cacert: fleet.pki!.cacert, cert: join(fleet.pki!.dir, `${role}-${name}.crt`), key: join(fleet.pki!.dir, `${role}-${name}.key`) });

/** A client holding `tls` (not connect(): its probe reads the cluster root, which an agent may not). */
function as(tls: TlsPaths): EtcdStore {
  const store = new EtcdStore(fleet.urls, { tls: readTls(tls) });
  stores.push(store);
  return store;
}

const write = (store: EtcdStore, key: string) => store.txn([], [put(key, JSON.stringify({ load: 1, instances: 0 }))]);

beforeAll(async () => {
  await fleet.start();
  ({ store: operator, keys } = await connect(fleet.urls, fleet.cluster, 3000, fleet.operatorTls));
  stores.push(operator);
  await publishServices(operator, keys, loadFleetManifest(writeManifest({
    web: { instances: 2, placement: { class: "user", requests: { cpu: 100 }, "max-per-node": 1 } },
  })));
  await fleet.startCoordinator("coordinator-1");
  await Promise.all([fleet.startAgent({ node: "node-a", tier: "rhizomorph" }), fleet.startAgent({ node: "node-b", tier: "sclerotia" })]);
}, 60_000);

afterAll(async () => {
  for (const store of stores) await store.close();
  await fleet.stop();
});

describe("per-node etcd permissions (auth on, users by certificate CN)", () => {
  it("the fleet runs as usual: the coordinator assigns, each agent reports its instances", async () => {
    expect(fleet.auth).toBe(true);
    const running = await waitFor("both web instances running", async () => {
      const { kvs } = await operator.range(keys.prefix("status"));
      const nodes = kvs.filter((kv) => JSON.parse(kv.value).state === "running").map((kv) => keys.parse(kv.key)!.parts[0]);
      return nodes.length === 2 && nodes.sort();
    }, 30_000);
    expect(running).toEqual(["node-a", "node-b"]);
    expect(lines.filter((l) => /permission denied/i.test(l))).toEqual([]);
  }, 40_000);

  it("an agent's certificate writes its own keys and reads its assignments and the specs", async () => {
    const a = as(issued("agent", "node-a"));
    expect((await write(a, keys.load("node-a"))).succeeded).toBe(true);
    expect((await a.txn([], [put(keys.status("node-a", "probe-0"), JSON.stringify({ service: "web", state: "stopped", sinceMs: 0 }))])).succeeded).toBe(true);
    expect((await a.txn([], [del(keys.status("node-a", "probe-0"))])).succeeded).toBe(true);
    expect((await a.range(keys.assign("node-a"))).kvs.length).toBeGreaterThan(0);
    expect((await a.range(keys.prefix("services"))).kvs.map((kv) => keys.parse(kv.key)!.parts[0])).toEqual(["web"]);
  });

  it("etcd refuses an agent's write to another node's keys, to assignments, and its read of another node's assignments", async () => {
    const a = as(issued("agent", "node-a"));
    for (const key of [keys.node("node-b"), keys.load("node-b"), keys.status("node-b", "web-0"), keys.assign("node-a", "web-9"), keys.service("web")]) {
      await expect(write(a, key), key).rejects.toThrow(/permission denied/);
    }
    await expect(a.range(keys.assign("node-b"))).rejects.toThrow(/permission denied/);
    expect(JSON.parse((await operator.get(keys.load("node-b")))!.value).load).not.toBe(1);
  });

  it("a party cannot take a name that holds another party's rights (the operator's, a coordinator's)", async () => {
    await expect(fleet.credentials("agent", "operator")).rejects.toThrow(/agent 'operator': etcd user 'operator' already has role 'root'/);
    await expect(fleet.credentials("agent", "coordinator-1")).rejects.toThrow(/already has role 'myco-perm-coordinator-coordinator-1'/);
  });

  it("the coordinator's certificate writes assignments, not a node's record", async () => {
    const c = as(issued("coordinator", "coordinator-1"));
    const probe = keys.assign("node-b", "probe-0");
    expect((await c.txn([], [put(probe, JSON.stringify({ service: "nothing", epoch: 0 }))])).succeeded).toBe(true);
    expect((await c.txn([], [del(probe)])).succeeded).toBe(true);
    expect((await c.range(keys.root)).kvs.length).toBeGreaterThan(0);
    await expect(write(c, keys.node("node-a"))).rejects.toThrow(/permission denied/);
    await expect(write(c, keys.status("node-a", "web-0"))).rejects.toThrow(/permission denied/);
  });
});
