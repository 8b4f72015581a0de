// The fleet over a real etcd (started here on free ports):
//  - failover: SIGKILL the node (agent and its processes) that runs a service, until the
//    service runs on another node (its agent reports it running); median of 5, against the
//    defaults a user would otherwise get: Kubernetes evicts a dead node's pods after ~300 s
//    (the not-ready toleration), Nomad marks a client down after its heartbeat grace (~10 s);
//  - etcd round trips the leader spends on 1,000 placements (batched, fenced transactions)
//    against one transaction per placement, and placements per second into etcd end to end.
import { LocalFleet } from "../host/fleet/local-fleet.ts";
import { connect } from "../host/fleet/connect.ts";
import { EtcdStore } from "../host/fleet/etcd-store.ts";
import { Coordinator } from "../host/fleet/coordinator.ts";
import { KeptLease } from "../host/fleet/lease.ts";
import { publishServices } from "../host/fleet/specs.ts";
import { put } from "../host/fleet/store.ts";
import { Keys, type ServiceRecord } from "../host/fleet/keys.ts";
import type { BenchRow } from "./harness.ts";

const TTL = 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(probe: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > deadline) throw new Error("fleet bench: timed out");
    await sleep(25);
  }
}

const record = (name: string, instances: number, cls: ServiceRecord["placement"]["class"], cpu: number): ServiceRecord => ({
  name, instances, placement: { class: cls, request: { cpu } }, base: process.cwd(),
  spec: { timeouts: { start: "5s", stop: "1s" }, run: { "allow-root": true, command: process.execPath, args: [new URL("../examples/fleet/services/worker.js", import.meta.url).pathname] } },
});

/** Seconds from SIGKILL of the node running `svc` to `svc` running elsewhere, `rounds` times. */
async function failover(rounds: number): Promise<number[]> {
  const fleet = new LocalFleet({ ttlSeconds: TTL, cluster: "bench" });
  await fleet.start();
  const { store, keys } = await connect(fleet.urls, "bench");
  const times: number[] = [];
  try {
    await publishServices(store, keys, [record("svc", 1, "critical", 100)]);
    await fleet.startCoordinator("coordinator-1");
    let spare = 0;
    await Promise.all([0, 1].map(() => fleet.startAgent({ node: `node-${spare++}`, tier: "sclerotia" })));
    const runningOn = async () => {
      const { kvs } = await store.range(keys.prefix("status"));
      return kvs.filter((kv) => JSON.parse(kv.value).state === "running").map((kv) => keys.parse(kv.key)!.parts[0]);
    };
    for (let round = 0; round < rounds; round++) {
      await until(async () => (await runningOn()).length === 1);
      const [victim] = await runningOn();
      const t0 = performance.now();
      fleet.kill(victim);
      await until(async () => { const on = await runningOn(); return on.length === 1 && on[0] !== victim; });
      times.push((performance.now() - t0) / 1000);
      await fleet.startAgent({ node: `node-${spare++}`, tier: "sclerotia" }); // the next round has a spare again
    }
  } finally {
    await store.close();
    await fleet.stop();
  }
  return times;
}

/** The leader placing `count` instances: its etcd calls, its write transactions, the time until the last landed. */
async function placements(count: number): Promise<{ roundTrips: number; transactions: number; perSecond: number }> {
  const fleet = new LocalFleet();
  await fleet.start();
  const keys = new Keys("bulk");
  const operator = new EtcdStore(fleet.urls);
  const leaderStore = new EtcdStore(fleet.urls);
  const lease = new KeptLease(operator, 30, { unsafe: () => undefined, safe: () => undefined, lost: () => undefined });
  const coordinator = new Coordinator({ store: leaderStore, cluster: "bulk", id: "bench", ttlSeconds: 10 });
  try {
    await lease.grant();
    await operator.txn([], [...Array(16)].map((_, i) => put(keys.node(`n${i}`), JSON.stringify({ tier: "sclerotia", capacity: { cpu: 1_000_000 }, labels: [], pid: 1, startedAtMs: 0 }), lease.id)));
    let leading = false;
    coordinator.onRole((role) => { leading = role === "leader"; });
    await coordinator.start();
    await until(async () => leading);
    // a new leader writes its (empty) moves view once: counted from after it landed
    await until(async () => coordinator.assignments().length === 0 && coordinator.stats.transactions === 1);
    const before = leaderStore.roundTrips;
    const transactionsBefore = coordinator.stats.transactions;
    const t0 = performance.now();
    await publishServices(operator, keys, [record("bulk", count, "user", 1)]);
    await until(async () => coordinator.stats.placements >= count, 120_000);
    const seconds = (performance.now() - t0) / 1000;
    return { roundTrips: leaderStore.roundTrips - before, transactions: coordinator.stats.transactions - transactionsBefore, perSecond: count / seconds };
  } finally {
    await coordinator.stop();
    lease.stop();
    await operator.close();
    await leaderStore.close();
    await fleet.stop();
  }
}

export async function run(): Promise<BenchRow[]> {
  const times = await failover(5);
  const median = [...times].sort((a, b) => a - b)[times.length >> 1];
  console.error(`fleet failover (TTL ${TTL} s): ${times.map((t) => t.toFixed(2)).join(", ")} s`);
  const name = `fleet: agent SIGKILL to its service running elsewhere, TTL ${TTL} s, median of 5`;
  const bulk = await placements(1000);
  return [
    { name, unit: "s", value: median, peer: "Kubernetes default eviction (300 s)", peerValue: 300, ratio: 300 / median },
    { name, unit: "s", value: median, peer: "Nomad heartbeat grace (10 s)", peerValue: 10, ratio: 10 / median },
    { name: "fleet: etcd round trips of the leader per 1,000 placements", unit: "round trips", value: bulk.roundTrips, peer: "one transaction per placement", peerValue: 1000, ratio: 1000 / bulk.roundTrips },
    { name: "fleet: write transactions per 1,000 placements", unit: "transactions", value: bulk.transactions, peer: null, peerValue: null, ratio: null },
    { name: "fleet: placements into etcd, end to end", unit: "placements/s", value: bulk.perSecond, peer: null, peerValue: null, ratio: null },
  ];
}
