// A staged fleet rollout against a real etcd with real agents of the three tiers: a canary node
// first, then waves by tier, a health gate between stages (every copy running the new revision,
// in a new process, for the gate's time); a new revision that fails on the sclerotia wave is
// rolled back on every stage done and the fleet's spec stays the old one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { campaign, type Candidate, type Leadership } from "../../host/fleet/election.ts";
import { rolloutService, stagesOf, type RolloutOptions } from "../../host/fleet/rollout.ts";
import { decodeService, specRevision, type Keys, type ServiceRecord } from "../../host/fleet/keys.ts";
import { put } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { writeManifest, waitFor } from "./support.ts";

const MYCO = fileURLToPath(new URL("../../host/cli/myco.js", import.meta.url));

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, cluster: "rollout", log: (name, line) => lines.push(`${name} | ${line}`) });
let store: EtcdStore;
let keys: Keys;
let leadership: Leadership;
let candidate: Candidate;
const NODES = [["hyphae-1", "hyphae"], ["rhizomorph-1", "rhizomorph"], ["sclerotia-1", "sclerotia"]] as const;
const version = (env: Record<string, string>): ServiceRecord => loadFleetManifest(writeManifest({ web: { instances: 3, placement: { class: "client" }, env } }))[0];
const v1 = version({ VERSION: "1" });

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster));
  await publishServices(store, keys, [v1]);
  await Promise.all(NODES.map(([node, tier]) => fleet.startAgent({ node, tier })));
  candidate = campaign(store, keys.election(), "rollout-test", await store.grant(120));
  leadership = await candidate.elected;
  await store.txn([leadership.fence], NODES.map(([node], i) => put(keys.assign(node, `web-${i}`), JSON.stringify({ service: "web", epoch: leadership.createRevision }))));
  await waitFor("web on every node", async () => (await revisions()).size === 3 && [...(await revisions()).values()].every((r) => r === `running ${specRevision(v1)}`), 30_000);
}, 90_000);

afterAll(async () => {
  if (process.env.ROLLOUT_LOG) (await import("node:fs")).writeFileSync(process.env.ROLLOUT_LOG, `${lines.join("\n")}\n${JSON.stringify([...(await revisions())])}`);
  await store?.close();
  await fleet.stop();
});

/** node -> "state revision" of its web copy. */
async function revisions(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kv of (await store.range(keys.prefix("status"))).kvs) {
    const s = JSON.parse(kv.value) as { service: string; state: string; revision?: string };
    if (s.service === "web") out.set(keys.parse(kv.key)!.parts[0], `${s.state} ${s.revision}`);
  }
  return out;
}

const options = (): RolloutOptions => ({ store, keys, fence: leadership.fence, epoch: leadership.createRevision, gateMs: 1000, stageTimeoutMs: 8000, log: (l) => lines.push(`rollout | ${l}`) });

describe("staged fleet rollout, real agents", () => {
  it("stages: the canary first, then waves by tier, least critical first", () => {
    const nodes = new Map([["s1", "sclerotia"], ["h1", "hyphae"], ["r2", "rhizomorph"], ["r1", "rhizomorph"], ["h2", "hyphae"]] as const);
    expect(stagesOf(nodes)).toEqual([{ name: "canary h1", nodes: ["h1"] }, { name: "wave hyphae", nodes: ["h2"] }, { name: "wave rhizomorph", nodes: ["r1", "r2"] }, { name: "wave sclerotia", nodes: ["s1"] }]);
    expect(stagesOf(nodes, "r2")[0]).toEqual({ name: "canary r2", nodes: ["r2"] });
    expect(() => stagesOf(nodes, "x9")).toThrow(/canary node 'x9' runs no copy of the service/);
  });

  it("rolls v2 out stage by stage; the fleet's spec becomes v2 and every copy runs it", async () => {
    const v2 = version({ VERSION: "2" });
    const result = await rolloutService(v2, options());
    expect(result.done).toBe(true);
    expect(result.stages.map((s) => [s.stage.name, s.passed])).toEqual([["canary hyphae-1", true], ["wave rhizomorph", true], ["wave sclerotia", true]]);
    expect(specRevision(decodeService(keys.service("web"), (await store.get(keys.service("web")))!.value))).toBe(specRevision(v2));
    await waitFor("every copy on v2", async () => [...(await revisions()).values()].every((r) => r === `running ${specRevision(v2)}`), 20_000);
    const pins = (await store.range(keys.prefix("assign"))).kvs.filter((kv) => JSON.parse(kv.value).spec !== undefined);
    expect(pins).toHaveLength(0);
    console.log(`staged rollout of 3 nodes: ${result.stages.map((s) => `${s.stage.name} ${(s.ms / 1000).toFixed(1)} s`).join(", ")}`);
  }, 90_000);

  it("a v3 that fails on the sclerotia wave is rolled back on every stage done; the spec stays v2", async () => {
    const v2 = decodeService(keys.service("web"), (await store.get(keys.service("web")))!.value);
    const v3 = version({ VERSION: "3", FAIL_ON_NODE: "sclerotia-1" });
    const result = await rolloutService(v3, options());
    expect(result.done).toBe(false);
    expect(result.stages.map((s) => [s.stage.name, s.passed])).toEqual([["canary hyphae-1", true], ["wave rhizomorph", true], ["wave sclerotia", false]]);
    expect(result.failed).toMatch(/^wave sclerotia: (web-2 failed on sclerotia-1|not healthy within)/);
    expect(specRevision(decodeService(keys.service("web"), (await store.get(keys.service("web")))!.value))).toBe(specRevision(v2));
    await waitFor("every copy back on v2", async () => [...(await revisions()).values()].every((r) => r === `running ${specRevision(v2)}`), 30_000);
    expect(lines.some((l) => /rolled back 3 stage\(s\) on hyphae-1, rhizomorph-1, sclerotia-1/.test(l))).toBe(true);
  }, 90_000);

  it("`myco fleet rollout` has the leading coordinator do it, and prints the stages", async () => {
    await candidate.resign(); // the test leads no more: the coordinator does
    await fleet.startCoordinator("coordinator-1");
    await waitFor("coordinator-1 leads", async () => lines.some((l) => /coordinator-1 \|.*leading/.test(l)), 30_000);
    const file = writeManifest({ web: { instances: 3, placement: { class: "client" }, env: { VERSION: "4" } } });
    const { stdout } = await promisify(execFile)(process.execPath, [MYCO, "fleet", "rollout", "web", file, "--json", "--gate", "1s", "--stage-timeout", "10s",
      "--etcd", fleet.urls[0], "--cluster", fleet.cluster], { timeout: 90_000 });
    const outcome = JSON.parse(stdout) as { ok: boolean; stages: { name: string; passed: boolean }[]; revision: string };
    expect(outcome.ok).toBe(true);
    expect(outcome.stages.map((s) => s.name)).toEqual(["canary hyphae-1", "wave rhizomorph", "wave sclerotia"]);
    await waitFor("every copy on v4", async () => [...(await revisions()).values()].every((r) => r === `running ${outcome.revision}`), 20_000);
  }, 120_000);
});
