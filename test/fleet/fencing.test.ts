// Fencing, proved against a real etcd: (1) an agent cut off etcd by a relay the test closes
// stops its singleton before its lease can expire, so the singleton (which writes its start,
// heartbeat and stop times to a file) never runs twice at once; (2) a leader paused in the middle of a
// batch of placements (SIGSTOP) loses its leadership, and when it wakes none of its writes
// lands after the new leader's first write.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { KeptLease } from "../../host/fleet/lease.ts";
import { put, type WatchEvent } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { Relay, writeManifest, waitFor } from "./support.ts";

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, log: (name, line) => lines.push(`${name} | ${line}`) });
const stores: EtcdStore[] = [];
const relay = { current: undefined as Relay | undefined };
const leases: KeptLease[] = [];

beforeAll(() => fleet.start());
afterAll(async () => {
  for (const child of fleet.children.values()) try { child.kill("SIGCONT"); } catch { /* gone */ }
  leases.forEach((l) => l.stop());
  await relay.current?.cut();
  await Promise.all(stores.map((s) => s.close()));
  await fleet.stop();
});

async function open(cluster: string) {
  const c = await connect(fleet.urls, cluster);
  stores.push(c.store);
  return c;
}

describe("fencing over a real etcd", () => {
  it("an agent cut off etcd stops its singleton before another node can start it", async () => {
    const { store, keys } = await open("fence-a");
    const log = join(mkdtempSync(join(tmpdir(), "myco-fence-")), "singleton.log");
    await publishServices(store, keys, loadFleetManifest(writeManifest({ solo: { placement: { class: "critical", requests: { cpu: 100 } }, env: { FENCE_LOG: log } } })));
    const common = ["--cluster", "fence-a", "--ttl", "3"];
    await fleet.spawnMyco("coordinator-a", ["coordinator", "--etcd", fleet.urls[0], ...common, "--id", "coordinator-a"], /standing for election/);
    relay.current = new Relay(Number(new URL(fleet.urls[0]).port));
    const through = await relay.current.open();
    await fleet.spawnMyco("cut", ["agent", "--etcd", through, ...common, "--node", "cut", "--tier", "sclerotia"], /registered \(lease/);
    const running = (node: string) => async () => (await store.range(keys.status(node))).kvs.some((kv) => JSON.parse(kv.value).state === "running");
    await waitFor("the singleton running on the node behind the relay", running("cut"));
    await fleet.spawnMyco("other", ["agent", "--etcd", fleet.urls[0], ...common, "--node", "other", "--tier", "sclerotia"], /registered \(lease/);

    const cutAt = Date.now();
    await relay.current.cut();
    await waitFor("the singleton running on the other node", running("other"), 30_000);
    const read = () => readFileSync(log, "utf8").trim().split("\n").map((l) => { const [what, instance, node, ms] = l.split(" "); return { what, instance, node, ms: Number(ms) }; });
    await waitFor("the other node's copy in the singleton's log", async () => read().some((e) => e.node === "other"), 30_000);

    // The observer: every line a copy wrote (start, a heartbeat every 100 ms, stop) is evidence it
    // ran then. The cut node's last evidence comes before the other node's first: never two at once
    // (a copy SIGKILLed at its stop timeout writes no stop line, its heartbeats still bound it).
    const events = read();
    const lastCut = Math.max(...events.filter((e) => e.node === "cut").map((e) => e.ms));
    const firstOther = Math.min(...events.filter((e) => e.node === "other").map((e) => e.ms));
    expect(lastCut, `the singleton's log: ${JSON.stringify(events.filter((e) => e.what !== "alive"))}`).toBeLessThan(firstOther);
    console.log(`fencing: relay cut at 0 ms; the cut node's singleton last ran at ${lastCut - cutAt} ms (${events.some((e) => e.node === "cut" && e.what === "stop") ? "stopped" : "killed at its stop timeout"}); the other node started it at ${firstOther - cutAt} ms (gap ${firstOther - lastCut} ms)`);
    expect(lines.some((l) => l.startsWith("cut |") && l.includes("stopping singletons before it can expire"))).toBe(true);
  });

  it("a leader paused mid-batch cannot land a write after the new leader's first", async () => {
    const { store, keys } = await open("fence-b");
    // Nodes registered by the test itself (the coordinators only see keys); no agents needed.
    const lease = new KeptLease(store, 10, { unsafe: () => undefined, safe: () => undefined, lost: () => undefined });
    leases.push(lease);
    await lease.grant();
    lease.start();
    await store.txn([], ["n1", "n2"].map((n) => put(keys.node(n), JSON.stringify({ tier: "sclerotia", capacity: { cpu: 100_000 }, labels: [], pid: 1, startedAtMs: 0 }), lease.id)));
    const common = ["--etcd", fleet.urls[0], "--cluster", "fence-b", "--ttl", "3", "--batch", "1"];
    const first = await fleet.spawnMyco("coordinator-b1", ["coordinator", ...common, "--id", "b1"], /standing for election/);
    await waitFor("b1 leading", async () => lines.some((l) => l.startsWith("coordinator-b1 |") && l.includes("leading")));
    await fleet.spawnMyco("coordinator-b2", ["coordinator", ...common, "--id", "b2"], /standing for election/);

    const history: WatchEvent[] = [];
    const start = (await store.range(keys.root)).revision + 1;
    let paused = false;
    const watch = await store.watch(keys.prefix("assign"), start, (events) => {
      history.push(...events);
      if (!paused) { paused = true; first.kill("SIGSTOP"); } // in the middle of its batch
    });
    await publishServices(store, keys, loadFleetManifest(writeManifest({ many: { instances: 300, placement: { class: "user", requests: { cpu: 1 } } } })));
    await waitFor("b2 leading and writing", async () => history.some((e) => e.type === "put" && JSON.parse(e.value).epoch !== JSON.parse(history[0].value).epoch), 30_000);
    first.kill("SIGCONT");
    await waitFor("b1 deposed", async () => lines.some((l) => l.startsWith("coordinator-b1 |") && /deposed|not leading/.test(l)), 30_000);
    await waitFor("300 assignments", async () => (await store.range(keys.prefix("assign"))).kvs.length === 300, 30_000);
    await new Promise((r) => setTimeout(r, 1000));
    await watch.cancel();

    const oldEpoch = JSON.parse(history[0].value).epoch;
    const firstNew = history.find((e) => e.type === "put" && JSON.parse(e.value).epoch !== oldEpoch)!;
    const oldPuts = history.filter((e) => e.type === "put" && JSON.parse(e.value).epoch === oldEpoch);
    const late = oldPuts.filter((e) => e.revision > firstNew.revision);
    console.log(`fencing: b1 landed ${oldPuts.length} placements before its pause; b2 took over at revision ${firstNew.revision}; b1's late writes landed: ${late.length}; b1 said: ${lines.filter((l) => l.startsWith("coordinator-b1 |") && /deposed|not leading/.test(l))[0]?.split("coordinator b1: ")[1]}`);
    expect(oldPuts.length).toBeGreaterThan(0);
    expect(oldPuts.length).toBeLessThan(300);
    expect(late).toEqual([]);
    const { kvs } = await store.range(keys.prefix("assign"));
    expect(new Set(kvs.map((kv) => kv.key.slice(kv.key.lastIndexOf("/") + 1))).size).toBe(300); // each instance once
  });
});
