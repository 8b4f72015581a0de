// The coordinator executes the kernel's plans of moves, against a real etcd with real agent
// processes (the coordinator runs in this process so the test can read its kernel): a drain and
// an operator's move come out of the kernel's planning rounds (the ACTION_MOVE's trigger and
// strategy, the kernel's `plan` events), are carried out with the service's migration strategy and
// reported back; a blue-green move holds the source's capacity until it is reported done; a move
// whose target dies mid-move is reported failed, the kernel plans again, nothing runs twice; a
// singleton moves break-before-make.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { Coordinator } from "../../host/fleet/coordinator.ts";
import type { MoveRecord } from "../../host/fleet/plan-executor.ts";
import { put, del } from "../../host/fleet/store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { planEventOf } from "../../host/kernel/plans.ts";
import { readSnapshot, formatSnapshot } from "../../host/fleet/snapshot.ts";
import type { MoveRow } from "../../host/fleet/keys.ts";
import { writeManifest, waitFor } from "./support.ts";

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, cluster: "plans", log: (name, line) => lines.push(`${name} | ${line}`) });
const NODES = ["sclerotia-1", "sclerotia-2", "sclerotia-3", "sclerotia-4"];
const CPU = 2000;
let store: EtcdStore;
let keys: Keys;
let coordinator: Coordinator;

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster));
  const file = writeManifest({
    roll: { instances: 3, placement: { class: "client", requests: { cpu: 100 }, migration: { strategy: "rolling", batch: 1, interval: "300ms" } } },
    blue: { instances: 1, placement: { class: "client", requests: { cpu: 400 }, migration: { strategy: "blue-green", "health-gate": "1s" } } },
    slow: { instances: 1, placement: { class: "client", requests: { cpu: 400 }, migration: { strategy: "blue-green", "health-gate": "6s" } } },
    one: { instances: 1, placement: { class: "critical", requests: { cpu: 100 } } }, // a singleton
  });
  await publishServices(store, keys, loadFleetManifest(file));
  await Promise.all(NODES.map((node) => fleet.startAgent({ node, tier: "sclerotia", capacity: `cpu=${CPU},memory=2048` })));
  coordinator = new Coordinator({ store: new EtcdStore(fleet.urls), cluster: fleet.cluster, id: "coordinator-test", ttlSeconds: 3, readyTimeoutMs: 15_000, log: (l) => lines.push(l) });
  await coordinator.start();
  await waitFor("every instance running", async () => (await running("roll")).size === 3 && (await running("blue")).size === 1 && (await running("slow")).size === 1 && (await running("one")).size === 1, 60_000);
}, 120_000);

afterAll(async () => {
  if (process.env.PLANS_LOG) (await import("node:fs")).writeFileSync(process.env.PLANS_LOG, lines.join("\n"));
  await coordinator?.stop();
  await store?.close();
  await fleet.stop();
});

/** instance -> the live nodes reporting it running. */
async function running(service: string): Promise<Map<string, string[]>> {
  const { kvs } = await store.range(keys.prefix("status"));
  const alive = new Set((await store.range(keys.prefix("nodes"))).kvs.map((kv) => keys.parse(kv.key)!.parts[0]));
  const out = new Map<string, string[]>();
  for (const kv of kvs) {
    const s = JSON.parse(kv.value) as { service: string; state: string };
    const [node, instance] = keys.parse(kv.key)!.parts;
    if (s.service === service && s.state === "running" && alive.has(node)) out.set(instance, [...(out.get(instance) ?? []), node]);
  }
  return out;
}

const kernel = () => coordinator.kernelPlacement!;
const movesOf = (service: string, from = 0): MoveRecord[] => coordinator.moves.slice(from).filter((m) => m.service === service);
/** The kernel's view is settled: no move needed, planned or started, and no capacity held anywhere. */
function settled(): boolean {
  const { plans, fleet: f } = kernel();
  const size = plans.size();
  return size.needed === 0 && size.planned === 0 && size.started === 0 && kernel().nodeNames().every((n) => f.held(n).cpu === 0);
}
async function moveRequest(service: string, to: string): Promise<void> {
  await store.txn([], [put(keys.request(`move-${service}-${Date.now()}`), JSON.stringify({ service, to, reason: "test: maintenance", requester: "vitest" }))]);
}
const nodeOf = async (service: string) => [...(await running(service)).values()][0][0];

describe("the coordinator executes the kernel's plans, real etcd and agents", () => {
  it("a drain: every move comes from the kernel's plan (trigger drain, each service's strategy), rolling one at a time, make-before-break", async () => {
    const counts = new Map<string, number>();
    for (const nodes of (await running("roll")).values()) counts.set(nodes[0], (counts.get(nodes[0]) ?? 0) + 1);
    const busy = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    const leaving = counts.get(busy)!;
    const first = coordinator.moves.length;
    let fewest = Infinity;
    let sampling = true;
    const published: MoveRow[] = []; // `myco fleet status`'s moves (the leader's fenced moves key), as seen during the drain
    let table = "";
    const sampler = (async () => {
      while (sampling) {
        fewest = Math.min(fewest, (await running("roll")).size);
        const snapshot = await readSnapshot(store, keys);
        const live = snapshot.moves.filter((m) => m.state === "moving" && m.from === busy);
        if (live.length && !table) table = formatSnapshot(snapshot, "status");
        published.push(...live);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await store.txn([], [put(keys.drain(busy), JSON.stringify({ reason: "test", by: "vitest", atMs: Date.now() }))]);
    await waitFor(`${busy} drained`, async () => {
      for (const service of ["roll", "blue", "slow", "one"]) for (const nodes of (await running(service)).values()) if (nodes.includes(busy)) return false;
      return settled() && coordinator.moves.slice(first).every((m) => m.outcome === "done");
    }, 60_000);
    sampling = false;
    await sampler;
    // On a loaded machine the drained node's agent may miss its lease meanwhile: the moves planned after its death are failovers.
    const died = lines.some((l) => l.includes(`node ${busy} is gone`));
    const rolls = movesOf("roll", first);
    expect(rolls).toHaveLength(leaving);
    expect(coordinator.moves[first].trigger).toBe("drain");
    for (const m of coordinator.moves.slice(first)) {
      expect(m).toMatchObject({ from: busy, outcome: "done" });
      expect(died ? ["drain", "death"] : ["drain"]).toContain(m.trigger);
      expect(m.strategy).toBe(kernel().fleet.specOf(m.service).migration.strategy); // the service's strategy, as the kernel holds it
    }
    expect(rolls.every((m) => m.strategy === "rolling" && m.batch === 1 && m.ms === 300)).toBe(true);
    // One batch at a time: the kernel planned the next roll move off the draining node only after the previous one was reported done.
    const drained = rolls.filter((m) => m.trigger === "drain");
    for (let i = 1; i < drained.length; i++) expect(drained[i].startedAtMs).toBeGreaterThanOrEqual(drained[i - 1].endedAtMs!);
    if (!died) expect(fewest).toBeGreaterThanOrEqual(3); // make-before-break: never fewer than the service's copies
    else console.log(`${busy}'s agent lost its lease during the drain (a loaded machine): its remaining moves were failovers`);
    // `myco fleet status` during the drain: the moves in flight, service#ordinal, from -> to, strategy and trigger, from the kernel's plan
    expect(published.length).toBeGreaterThan(0);
    for (const row of published) {
      expect(died ? ["drain", "death"] : ["drain"]).toContain(row.trigger);
      expect(row.strategy).toBe(kernel().fleet.specOf(row.service).migration.strategy);
      expect(row.instance).toBe(`${row.service}-${row.ordinal}`);
    }
    expect(table).toMatch(new RegExp(`#\\d+ +${busy} -> \\S+ +(rolling|blue-green|live) +(drain|death) +moving +0`));
    const after = (await readSnapshot(store, keys)).moves;
    for (const m of coordinator.moves.slice(first)) expect(after).toContainEqual(expect.objectContaining({ instance: m.instance, from: busy, to: m.to, trigger: m.trigger, state: "done" }));
    const events = kernel().kernel.readEvents().map(planEventOf).filter((e) => e !== undefined).map((e) => e!.what);
    expect(events.filter((e) => e === "done").length).toBeGreaterThanOrEqual(coordinator.moves.length - first);
    expect(events).toContain("planned");
    expect(kernel().fleet.nodeView(busy).state).toBe("draining");
    await store.txn([], [del(keys.drain(busy))]);
    await waitFor("the drain ended in the kernel", async () => kernel().fleet.nodeView(busy).state === "alive", 10_000);
  }, 120_000);

  it("an operator's move goes through the kernel's manual-move plan; blue-green holds the source's capacity until done, then frees it", async () => {
    const source = await nodeOf("blue");
    const target = NODES.find((n) => n !== source)!;
    const first = coordinator.moves.length;
    const freeBefore = kernel().fleet.free(target).cpu;
    let heldSeen = 0;
    let statusSaw: string[] = []; // `myco fleet status`'s moves in progress
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        heldSeen = Math.max(heldSeen, kernel().fleet.held(source).cpu);
        const moving = (await readSnapshot(store, keys)).moving.find((m) => m.service === "blue");
        if (moving) statusSaw = moving.nodes;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await moveRequest("blue", target);
    await waitFor("blue moved", async () => movesOf("blue", first)[0]?.outcome === "done" && (await running("blue")).size === 1 && (await nodeOf("blue")) === target && settled(), 30_000);
    sampling = false;
    await sampler;
    expect(movesOf("blue", first)).toEqual([expect.objectContaining({ from: source, to: target, trigger: "manual", strategy: "blue-green", ms: 1000 })]);
    expect(heldSeen).toBe(400); // the old copy's room, held while both ran
    expect(statusSaw.sort()).toEqual([source, target].sort());
    expect(kernel().fleet.held(source).cpu).toBe(0); // released once reported done
    expect(kernel().fleet.free(source).cpu).toBe(CPU - kernel().fleet.used(source).cpu);
    expect(kernel().fleet.free(target).cpu).toBe(freeBefore - 400);
    const events = kernel().kernel.readEvents().map(planEventOf).filter((e) => e !== undefined).map((e) => e!.what);
    expect(events).toEqual(expect.arrayContaining(["requested", "planned", "started", "done"]));
    const audit = (await store.range(keys.prefix("audit"))).kvs.map((kv) => JSON.parse(kv.value) as { service: string; done: boolean; slot?: number });
    expect(audit).toContainEqual(expect.objectContaining({ service: "blue", done: true, slot: movesOf("blue", first)[0].slot }));
    await moveRequest("blue", "no-such-node");
    await waitFor("the refused move audited", async () => (await store.range(keys.prefix("audit"))).kvs.some((kv) => /no-such-node/.test(kv.value) && /"done":false/.test(kv.value)), 10_000);
  }, 60_000);

  it("a move whose target dies mid-move is reported failed; the kernel plans again and ends consistent; nothing runs twice", async () => {
    const source = await nodeOf("slow");
    const target = NODES.find((n) => n !== source && kernel().hasNode(n))!;
    const first = coordinator.moves.length;
    await moveRequest("slow", target);
    // The target copy runs and the 6 s health gate holds: the target's agent dies then.
    await waitFor("slow-0 running on the target", async () => movesOf("slow", first)[0] && (await running("slow")).get(movesOf("slow", first)[0].instance)?.includes(target), 20_000);
    fleet.kill(target);
    await waitFor("the move reported failed", async () => movesOf("slow", first)[0].outcome === "failed", 20_000);
    expect(movesOf("slow", first)[0].reason).toMatch(new RegExp(`${target} left the fleet`));
    await waitFor("the kernel settled", async () => settled() && movesOf("slow", first).every((m) => m.outcome !== undefined), 30_000);
    const copies = await waitFor("one copy of slow", async () => { const r = await running("slow"); return r.size === 1 && [...r.values()][0].length === 1 && r; }, 20_000);
    const [[instance, [node]]] = [...copies];
    expect(node).not.toBe(target);
    // The kernel's record agrees with what runs: its slot runs on that node, and no slot waits.
    const slot = kernel().fleet.assignments().find((a) => a.service === "slow")!;
    expect(kernel().fleet.nodeName(kernel().plans.move(slot.slot).from!)).toBe(node);
    expect(slot.node).toBe(node);
    expect(coordinator.assignments().filter((a) => a.service === "slow")).toEqual([{ node, service: "slow", instance }]);
    expect(kernel().fleet.held(source).cpu).toBe(0);
    // The other services lost nothing (the dead node's instances came back elsewhere).
    await waitFor("every service whole", async () => (await running("roll")).size === 3 && (await running("blue")).size === 1, 30_000);
  }, 90_000);

  it("a singleton's move is break-before-make: its new copy starts only once the old one stopped (never two at once)", async () => {
    const source = await nodeOf("one");
    const target = NODES.find((n) => n !== source && kernel().hasNode(n))!;
    const first = coordinator.moves.length;
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) { const copies = [...(await running("one")).values()].reduce((n, nodes) => n + nodes.length, 0); most = Math.max(most, copies); await new Promise((r) => setTimeout(r, 20)); }
    })();
    await moveRequest("one", target);
    await waitFor("one moved", async () => movesOf("one", first)[0]?.outcome === "done" && (await running("one")).size === 1 && (await nodeOf("one")) === target && settled(), 30_000);
    sampling = false;
    await sampler;
    expect(movesOf("one", first)).toEqual([expect.objectContaining({ from: source, to: target, trigger: "manual" })]);
    expect(most).toBe(1);
  }, 60_000);
});
