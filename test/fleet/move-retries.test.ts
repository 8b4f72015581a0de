// Bounded move retries against a real etcd and real agents (issue 14): a service whose every
// start fails on one node (the worker's FAIL_ON_NODE: it exits at once there). An operator moves
// it there: the coordinator carries out the kernel's move, the gate fails, the kernel plans it
// again on the same target up to its retry limit (3), then excludes that target for the instance
// and settles it elsewhere. It is never retried there again, and `myco fleet status` (the leader's
// fenced moves key) shows the failed moves with their failure counts. A drain whose only other
// node is that one: the kernel gives the move up, with the alert naming service, ordinal, target
// and failure count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { Coordinator } from "../../host/fleet/coordinator.ts";
import { put } from "../../host/fleet/store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { planEventOf } from "../../host/kernel/plans.ts";
import { readSnapshot } from "../../host/fleet/snapshot.ts";
import { writeManifest, waitFor } from "./support.ts";

const LIMIT = 3;
const BAD = "sclerotia-2";
const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, cluster: "retries", log: (name, line) => lines.push(`${name} | ${line}`) });
let store: EtcdStore;
let keys: Keys;
let coordinator: Coordinator;

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster));
  const file = writeManifest({
    picky: { instances: 1, placement: { class: "client", requests: { cpu: 100 }, migration: { strategy: "blue-green", "health-gate": "2s" } }, env: { FAIL_ON_NODE: BAD } },
  });
  await publishServices(store, keys, loadFleetManifest(file));
  await fleet.startAgent({ node: "sclerotia-1", tier: "sclerotia", capacity: "cpu=1000,memory=1024" });
  await fleet.startAgent({ node: BAD, tier: "sclerotia", capacity: "cpu=1000,memory=1024" });
  coordinator = new Coordinator({ store: new EtcdStore(fleet.urls), cluster: fleet.cluster, id: "coordinator-retries", ttlSeconds: 3, readyTimeoutMs: 10_000, log: (l) => lines.push(l) });
  await coordinator.start();
  await waitFor("picky running", async () => coordinator.assignments().length === 1 && (await runningOn()).length === 1, 60_000);
}, 120_000);

afterAll(async () => {
  if (process.env.RETRIES_LOG) (await import("node:fs")).writeFileSync(process.env.RETRIES_LOG, lines.join("\n"));
  await coordinator?.stop();
  await store?.close();
  await fleet.stop();
});

async function runningOn(): Promise<string[]> {
  const { kvs } = await store.range(keys.prefix("status"));
  return kvs.filter((kv) => JSON.parse(kv.value).state === "running").map((kv) => keys.parse(kv.key)!.parts[0]);
}
const placement = () => coordinator.kernelPlacement!;
const settled = () => { const s = placement().plans.size(); return s.needed + s.planned + s.started === 0 && coordinator.moves.every((m) => m.outcome !== undefined); };

describe("bounded move retries, real etcd and agents", () => {
  it("a target that fails every start: tried 3 times, then excluded; the instance settles elsewhere and is never retried there", async () => {
    const source = (await runningOn())[0];
    expect(source).toBe("sclerotia-1"); // binpack: the lowest id; FAIL_ON_NODE makes the other one refuse
    await store.txn([], [put(keys.request(`move-picky-${Date.now()}`), JSON.stringify({ service: "picky", to: BAD, reason: "test: a bad target", requester: "vitest" }))]);
    await waitFor("the kernel excluded the bad target", async () => coordinator.moves.filter((m) => m.to === BAD && m.outcome === "failed").length >= LIMIT && settled(), 90_000, 200);
    const tries = coordinator.moves.filter((m) => m.to === BAD);
    expect(tries).toHaveLength(LIMIT);
    expect(tries.map((m) => m.failures)).toEqual([1, 2, LIMIT]);
    expect(tries.every((m) => m.trigger === "manual" && m.strategy === "blue-green" && m.outcome === "failed")).toBe(true);
    const slot = tries[0].slot;
    expect(placement().plans.move(slot)).toMatchObject({ state: "none", excluded: 1, excludedNodes: [placement().fleet.node(BAD)] });
    const events = placement().kernel.readEvents().map(planEventOf).filter((e) => e !== undefined).map((e) => e!);
    expect(events.find((e) => e.what === "retargeted")).toMatchObject({ slot, value: placement().fleet.node(BAD) });
    // settled where it runs (the only other node), running, and not tried again
    await new Promise((r) => setTimeout(r, 3000));
    expect(coordinator.moves.filter((m) => m.to === BAD)).toHaveLength(LIMIT);
    expect(await runningOn()).toEqual([source]);
    const published = (await readSnapshot(store, keys)).moves.filter((m) => m.to === BAD);
    expect(published.map((m) => [m.state, m.failures])).toEqual([["failed", LIMIT], ["failed", 2], ["failed", 1]]); // newest first
  }, 120_000);

  it("a drain whose only other node refuses every start: the kernel gives the move up with the alert, never retried", async () => {
    const first = coordinator.moves.length;
    // the agent on BAD restarts (registers anew): its exclusion ends
    await fleet.stopChild(BAD);
    await waitFor(`${BAD} gone from the kernel`, async () => !placement().hasNode(BAD), 30_000);
    await fleet.startAgent({ node: BAD, tier: "sclerotia", capacity: "cpu=1000,memory=1024" });
    await waitFor(`${BAD} back`, async () => placement().hasNode(BAD), 30_000);
    await store.txn([], [put(keys.drain("sclerotia-1"), JSON.stringify({ reason: "test", by: "vitest", atMs: Date.now() }))]);
    const alert = await waitFor("the alert", async () => lines.find((l) => l.includes("alert: move of picky-")), 90_000, 200);
    expect(alert).toMatch(new RegExp(`alert: move of picky-\\d+ \\(picky#\\d+\\) sclerotia-1 -> ${BAD} given up: plan: service 'picky' assignment slot \\d+: gave up moving it to node '${BAD}' after ${LIMIT} failed starts there`));
    const tries = coordinator.moves.slice(first).filter((m) => m.to === BAD);
    expect(tries).toHaveLength(LIMIT);
    expect(tries.every((m) => m.trigger === "drain")).toBe(true);
    expect(tries[LIMIT - 1].gaveUp).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    expect(coordinator.moves.slice(first).filter((m) => m.to === BAD)).toHaveLength(LIMIT); // never retried
    await waitFor("the status shows it given up", async () => (await readSnapshot(store, keys)).moves.some((m) => m.state === "gave-up" && m.trigger === "drain" && m.to === BAD && m.failures === LIMIT), 10_000);
  }, 180_000);
});
