// Migrations executed against a real etcd with real agent processes (no coordinator: the test
// holds the leadership the executor's writes are fenced on): a rolling drain in batches and a
// blue-green drain never leave fewer copies running than the service has, end with every copy on
// its target and the route switched; a live move hands the state over through the service's own
// snapshot hook (the new copy goes on from the old one's count); a blue-green whose targets fail the health gate is rolled
// back (the old copies never stopped); a deposed leader's migration writes are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { campaign, type Leadership } from "../../host/fleet/election.ts";
import { executeMoves, instanceName, DeposedError, type Move, type MigrationContext } from "../../host/fleet/migration.ts";
import { put } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { agentHandover } from "../../host/fleet/state-hook.ts";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { writeManifest, waitFor } from "./support.ts";

const COUNTER = fileURLToPath(new URL("../../examples/fleet/services/counter.js", import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), "myco-counter-"));

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, cluster: "migrate", log: (name, line) => lines.push(`${name} | ${line}`) });
let store: EtcdStore;
let keys: Keys;
let leadership: Leadership;
const NODES = ["sclerotia-1", "sclerotia-2", "sclerotia-3", "sclerotia-4", "sclerotia-5"];

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster));
  const file = writeManifest({
    roll: { instances: 3, placement: { class: "user" } },
    blue: { instances: 2, placement: { class: "user" } },
    bad: { instances: 2, placement: { class: "user" }, env: { FAIL_ON_NODE: "sclerotia-4" } },
    keep: { instances: 5, placement: { class: "user" } },
  });
  // A stateful service with its snapshot hook, for the live migration.
  const liveFile = join(stateDir, "live.yaml");
  writeFileSync(liveFile, stringify({ version: 1, services: { live: {
    instances: 1, placement: { class: "user", migration: { strategy: "live" } }, timeouts: { start: "5s", stop: "1s" },
    run: { "allow-root": true, command: process.execPath, args: [COUNTER], env: { STATE_DIR: stateDir } },
    state: { dump: [process.execPath, COUNTER, "dump"], load: [process.execPath, COUNTER, "load"] },
  } } }));
  await publishServices(store, keys, [...loadFleetManifest(file), ...loadFleetManifest(liveFile)]);
  await Promise.all(NODES.map((node) => fleet.startAgent({ node, tier: "sclerotia" })));
  leadership = await campaign(store, keys.election(), "migration-test", await store.grant(120)).elected;
  // One copy of `keep` on every node throughout (test/manifest/reload-names.test.ts holds the
  // reload that removes one instance and adds another under its freed id).
  await store.txn([leadership.fence], NODES.map((node, i) => put(keys.assign(node, `keep-${i}`), JSON.stringify({ service: "keep", epoch: leadership.createRevision }))));
  await waitFor("keep on every node", async () => (await running("keep")).size === 5, 30_000);
}, 90_000);

afterAll(async () => {
  if (process.env.MIGRATION_LOG) (await import("node:fs")).writeFileSync(process.env.MIGRATION_LOG, lines.join("\n"));
  await store?.close();
  await fleet.stop();
  (await import("node:fs")).rmSync(stateDir, { recursive: true, force: true });
});

const context = (): MigrationContext => ({ store, keys, fence: leadership.fence, epoch: leadership.createRevision, readyTimeoutMs: 15_000, log: (l) => lines.push(`executor | ${l}`) });

/** Running copies of a service per node, from the agents' status. */
async function running(service: string): Promise<Map<string, number>> {
  const { kvs } = await store.range(keys.prefix("status"));
  const out = new Map<string, number>();
  for (const kv of kvs) {
    const s = JSON.parse(kv.value) as { service: string; state: string };
    if (s.service === service && s.state === "running") { const node = keys.parse(kv.key)!.parts[0]; out.set(node, (out.get(node) ?? 0) + 1); }
  }
  return out;
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Places `count` copies of `service` on `node` and waits until they run. */
async function place(service: string, count: number, node: string): Promise<void> {
  await store.txn([leadership.fence], Array.from({ length: count }, (_, i) => put(keys.assign(node, `${service}-${i}`), JSON.stringify({ service, epoch: leadership.createRevision }))));
  await waitFor(`${count} ${service} running on ${node}`, async () => (await running(service)).get(node) === count, 30_000);
}

/** Runs the moves while sampling the running copies; the fewest seen and the outcomes. */
async function observed(service: string, moves: Move[]) {
  let fewest = Infinity;
  let done = false;
  const sampler = (async () => { while (!done) { fewest = Math.min(fewest, total(await running(service))); await new Promise((r) => setTimeout(r, 50)); } })();
  const outcomes = await executeMoves(moves, context()).finally(() => { done = true; });
  await sampler;
  return { fewest, outcomes };
}

const movesOf = (service: string, count: number, from: string, to: string, strategy: Move["strategy"], batch: number, ms: number): Move[] =>
  Array.from({ length: count }, (_, ordinal) => ({ service, ordinal, from, to, strategy, batch, ms }));

describe("migrations executed by the coordinator, real agents", () => {
  it("rolling: batches of 2 with an interval, make-before-break: never fewer than 3 running, all on the target", async () => {
    await place("roll", 3, "sclerotia-1");
    const { fewest, outcomes } = await observed("roll", movesOf("roll", 3, "sclerotia-1", "sclerotia-2", "rolling", 2, 300));
    expect(outcomes.map((o) => o.done)).toEqual([true, true, true]);
    expect(fewest).toBeGreaterThanOrEqual(3);
    await waitFor("roll only on sclerotia-2", async () => { const r = await running("roll"); return r.get("sclerotia-2") === 3 && !r.has("sclerotia-1"); }, 20_000);
    expect(lines.filter((l) => /rolling roll: started/.test(l))).toHaveLength(2); // two batches: 2 then 1
    console.log(`rolling drain of 3 copies: ${Math.max(...outcomes.map((o) => o.ms)).toFixed(0)} ms`);
  }, 90_000);

  it("blue-green: the whole new set beside the old, gated, the route switched at once, the old stopped", async () => {
    await place("blue", 2, "sclerotia-2");
    const { fewest, outcomes } = await observed("blue", movesOf("blue", 2, "sclerotia-2", "sclerotia-3", "blue-green", 1, 1000));
    expect(outcomes.every((o) => o.done)).toBe(true);
    expect(fewest).toBeGreaterThanOrEqual(2);
    const route = JSON.parse((await store.get(keys.route("blue")))!.value) as { serving: Record<string, string> };
    expect(route.serving).toEqual({ "blue-0": "sclerotia-3", "blue-1": "sclerotia-3" });
    expect(lines.filter((l) => /blue-green blue: started/.test(l))).toHaveLength(1); // one step: the full set
    await waitFor("blue only on sclerotia-3", async () => { const r = await running("blue"); return r.get("sclerotia-3") === 2 && !r.has("sclerotia-2"); }, 20_000);
  }, 90_000);

  it("a failed health gate rolls the step back: the targets are stopped, the old copies never stopped", async () => {
    await place("bad", 2, "sclerotia-3");
    const { fewest, outcomes } = await observed("bad", movesOf("bad", 2, "sclerotia-3", "sclerotia-4", "blue-green", 1, 1500));
    expect(outcomes.every((o) => !o.done)).toBe(true);
    expect(outcomes[0].reason).toMatch(/bad-\d (failed on|not ready on) sclerotia-4/);
    expect(fewest).toBeGreaterThanOrEqual(2);
    const { kvs } = await store.range(keys.assign("sclerotia-4"));
    expect(kvs.filter((kv) => kv.key.includes("/bad-"))).toHaveLength(0);
    expect((await running("bad")).get("sclerotia-3")).toBe(2);
    expect(await store.get(keys.route("bad"))).toBeUndefined();
  }, 90_000);

  it("live: the state handed over through the service's own hook (dump on the old node, load on the target), then switched", async () => {
    await place("live", 1, "sclerotia-3");
    const saved = () => JSON.parse(readFileSync(join(stateDir, "sclerotia-3", "live-0.json"), "utf8")) as { count: number };
    await waitFor("the counter past 10", async () => saved().count >= 10, 20_000);
    const outcomes = await executeMoves(movesOf("live", 1, "sclerotia-3", "sclerotia-5", "live", 1, 0), { ...context(), handover: agentHandover(store, keys, "live") });
    expect(outcomes[0]).toMatchObject({ done: true });
    const moved = await waitFor("the new copy counting on sclerotia-5", async () => {
      const state = JSON.parse(readFileSync(join(stateDir, "sclerotia-5", "live-0.json"), "utf8")) as { count: number; resumedAt: number; node: string };
      return state.node === "sclerotia-5" && state;
    }, 10_000);
    expect(moved.resumedAt).toBeGreaterThanOrEqual(10); // it went on from the old copy's count, not from 0
    expect(JSON.parse((await store.get(keys.route("live")))!.value).serving).toEqual({ "live-0": "sclerotia-5" });
    await waitFor("live only on sclerotia-5", async () => { const r = await running("live"); return r.get("sclerotia-5") === 1 && !r.has("sclerotia-3"); }, 20_000);
    expect(lines.some((l) => /live live: handed \d+ bytes of state from sclerotia-3 to sclerotia-5/.test(l))).toBe(true);
  }, 90_000);

  it("live without a hook, or with a failing one, moves nothing", async () => {
    const none = await executeMoves(movesOf("roll", 1, "sclerotia-2", "sclerotia-1", "live", 1, 0), context());
    expect(none[0]).toMatchObject({ done: false });
    expect(none[0].reason).toMatch(/needs a state handover/);
    const failing = await executeMoves(movesOf("roll", 1, "sclerotia-2", "sclerotia-1", "live", 1, 0), { ...context(), handover: agentHandover(store, keys, "roll") });
    expect(failing[0].reason).toMatch(/service 'roll' has no state.dump hook/);
    expect(await store.get(keys.assign("sclerotia-1", "roll-0"))).toBeUndefined();
  }, 30_000);

  it("a deposed leader's migration writes are refused", async () => {
    const stale = { ...leadership.fence, value: leadership.createRevision - 1 };
    const error = await executeMoves(movesOf("roll", 1, "sclerotia-2", "sclerotia-1", "rolling", 1, 0), { ...context(), fence: stale }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeposedError);
    expect(await store.get(keys.assign("sclerotia-1", instanceName({ service: "roll", ordinal: 0 })))).toBeUndefined();
  }, 30_000);
});
