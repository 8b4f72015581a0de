// A staged rollout that survives node death, against a real etcd with a real coordinator and real
// agents: the rollout is an operator's request the leader runs; once the canary passed, a node of
// the current wave is SIGKILLed. The coordinator re-places its instance, the rollout follows it
// there, pins it to the new revision again and goes on: it ends (never stalls), and every copy,
// the re-placed one included, runs the new revision.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { specRevision, type Keys, type ServiceRecord } from "../../host/fleet/keys.ts";
import { put } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import { writeManifest, waitFor } from "./support.ts";

const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, cluster: "rollout-death", log: (name, line) => lines.push(`${name} | ${line}`) });
let store: EtcdStore;
let keys: Keys;
const version = (v: string): ServiceRecord => loadFleetManifest(writeManifest({ web: { instances: 3, placement: { class: "client", "max-per-node": 1 }, env: { VERSION: v } } }))[0];
const v1 = version("1");

/** node -> "state revision" of each running web copy. */
async function copies(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const kv of (await store.range(keys.prefix("status"))).kvs) {
    const s = JSON.parse(kv.value) as { service: string; state: string; revision?: string };
    const [node, instance] = keys.parse(kv.key)!.parts;
    if (s.service === "web") out.set(`${node}/${instance}`, `${s.state} ${s.revision}`);
  }
  return out;
}

beforeAll(async () => {
  await fleet.start();
  ({ store, keys } = await connect(fleet.urls, fleet.cluster));
  await publishServices(store, keys, [v1]);
  await fleet.startCoordinator("coordinator-1");
  // Four nodes for three copies (one per node): the dead node's copy has somewhere to go.
  await Promise.all([["hyphae-1", "hyphae"], ["rhizomorph-1", "rhizomorph"], ["rhizomorph-2", "rhizomorph"], ["sclerotia-1", "sclerotia"]]
    .map(([node, tier]) => fleet.startAgent({ node, tier: tier as "hyphae" })));
  await waitFor("3 copies of web running v1", async () => {
    const c = [...(await copies()).values()];
    return c.length === 3 && c.every((r) => r === `running ${specRevision(v1)}`);
  }, 60_000);
}, 120_000);

afterAll(async () => {
  await store?.close();
  await fleet.stop();
});

describe("a staged rollout survives the death of a node of its current wave", () => {
  it("goes on: the dead node's copy is re-placed, pinned to the new revision, and the rollout completes", async () => {
    const v2 = version("2");
    await store.txn([], [put(keys.request("rollout-1"), JSON.stringify({ type: "rollout", spec: v2, gateMs: 2500, stageTimeoutMs: 40_000, requester: "test" }))]);
    // The stages as the leader logged them; once the canary passed, SIGKILL a node of the next stage.
    const plan = await waitFor("the rollout's stages", async () => lines.map((l) => /rollout web: to revision \S+ in \d+ stages: (.*)$/.exec(l)?.[1]).find(Boolean), 30_000);
    const stages = plan.split(" -> ").map((s) => /\(([^)]*)\)$/.exec(s)![1].split(", "));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    await waitFor("the canary healthy", async () => lines.some((l) => /rollout web: canary \S+: healthy/.test(l)), 40_000);
    const victim = stages[1][0];
    const victimCopy = [...(await copies()).keys()].find((k) => k.startsWith(`${victim}/`))!.split("/")[1];
    fleet.kill(victim);
    const audit = await waitFor("the rollout's outcome", async () => {
      const { kvs } = await store.range(keys.prefix("audit"));
      return kvs.map((kv) => JSON.parse(kv.value) as { request?: string; done: boolean; failed?: string }).find((a) => a.request === "rollout-1");
    }, 90_000, 250);
    expect(audit.failed).toBeUndefined();
    expect(audit.done).toBe(true);
    expect(lines.some((l) => new RegExp(`pinned ${victimCopy} on \\S+ to \\S+ again`).test(l))).toBe(true);
    const after = await waitFor("3 copies of web running v2, none on the dead node", async () => {
      const c = await copies();
      return c.size === 3 && [...c.values()].every((r) => r === `running ${specRevision(v2)}`) && c;
    }, 30_000);
    const moved = [...after.keys()].find((k) => k.endsWith(`/${victimCopy}`))!;
    expect(moved.split("/")[0]).not.toBe(victim);
    console.log(`rollout with ${victim} SIGKILLed mid-wave: ${victimCopy} re-placed on ${moved.split("/")[0]}, running ${specRevision(v2)}; stages ${plan}`);
  }, 180_000);
});
