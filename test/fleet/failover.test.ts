// Proofs against a real etcd with real agent and coordinator processes: a SIGKILLed node's
// instances run elsewhere within the lease TTL plus the time to notice (measured and printed);
// a second agent with a live node's name is refused; malformed values are reported with their
// key and skipped while the coordinator goes on; `myco fleet logs` reads every node running a
// service, its endpoint refusing a request without the token; an unreachable etcd is exit 3 naming the URL.
import { afterAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { LocalFleet } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { readSnapshot, type FleetSnapshot } from "../../host/fleet/snapshot.ts";
import { freePort } from "../../host/fleet/etcd-server.ts";
import { put } from "../../host/fleet/store.ts";
import type { EtcdStore } from "../../host/fleet/etcd-store.ts";
import type { Keys } from "../../host/fleet/keys.ts";
import { writeManifest, waitFor } from "./support.ts";

const MYCO = fileURLToPath(new URL("../../host/cli/myco.js", import.meta.url));
const lines: string[] = [];
const fleet = new LocalFleet({ ttlSeconds: 3, log: (name, line) => lines.push(`${name} | ${line}`) });
let store: EtcdStore | undefined;
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

afterAll(async () => {
  await store?.close();
  await fleet.stop();
});

/** Running instances per service on nodes other than `except`, from the agents' status. */
async function runningElsewhere(keys: Keys, except: string): Promise<Map<string, number>> {
  const { kvs } = await store!.range(keys.prefix("status"));
  const out = new Map<string, number>();
  for (const kv of kvs) {
    const [node] = keys.parse(kv.key)!.parts;
    const status = JSON.parse(kv.value) as { service: string; state: string };
    if (node !== except && status.state === "running") out.set(status.service, (out.get(status.service) ?? 0) + 1);
  }
  return out;
}

const allRunning = (s: FleetSnapshot) => s.services.length > 0 && s.services.every((v) => v.running === v.desired && v.assigned === v.desired);

describe("fleet over a real etcd", () => {
  it("re-runs a SIGKILLed node's instances elsewhere, refuses a duplicate node name, survives malformed values", async () => {
    await fleet.start();
    const connection = await connect(fleet.urls, fleet.cluster);
    store = connection.store;
    const keys = connection.keys;
    await publishServices(store, keys, loadFleetManifest(writeManifest({
      store: { placement: { class: "critical", requests: { cpu: 500 } } },
      web: { instances: 2, placement: { class: "user", requests: { cpu: 200 }, "max-per-node": 1 } },
      cache: { instances: 2, placement: { class: "client", requests: { cpu: 50 }, "max-per-node": 1 } },
    })));
    await fleet.startCoordinator("coordinator-1");
    await Promise.all([
      fleet.startAgent({ node: "s1", tier: "sclerotia" }), fleet.startAgent({ node: "s2", tier: "sclerotia" }), fleet.startAgent({ node: "r1", tier: "rhizomorph" }),
    ]);
    const before = await waitFor("every instance running", async () => { const s = await readSnapshot(store!, keys); return allRunning(s) && s; });

    // The node running the singleton dies like a machine: its agent and its processes at once.
    const victim = before.nodes.find((n) => n.instances.some((i) => i.startsWith("store-")))!;
    const lost = victim.instances.map((i) => i.slice(0, i.lastIndexOf("-")));
    const killed = fleet.kill(victim.name);
    const t0 = performance.now();
    await waitFor(`${victim.name}'s instances running elsewhere`, async () => {
      const elsewhere = await runningElsewhere(keys, victim.name);
      return before.services.every((s) => (elsewhere.get(s.name) ?? 0) === s.desired);
    }, 30_000, 50);
    const failoverMs = performance.now() - t0;
    console.log(`failover: ${victim.name} SIGKILLed; its ${lost.join(", ")} ran elsewhere after ${(failoverMs / 1000).toFixed(2)} s (lease TTL 3 s; goal 4.5 s)`);
    expect(killed.every((pid) => !alive(pid))).toBe(true);
    const after = await readSnapshot(store, keys);
    expect(after.nodes.map((n) => n.name)).not.toContain(victim.name);
    expect(after.services.every((s) => s.where.every((w) => !w.endsWith(`@${victim.name}`)))).toBe(true);

    // A second agent with a live node's name is refused, with exit code 4.
    const survivor = after.nodes[0].name;
    const duplicate = fleet.spawnMyco("duplicate", ["agent", ...fleet.common(), "--node", survivor, "--tier", "sclerotia"], /registered \(lease/);
    await expect(duplicate).rejects.toThrow(/exited with code 4/);
    expect(lines.some((l) => l.startsWith("duplicate |") && l.includes(`node '${survivor}' is already registered by a live agent`))).toBe(true);

    // Malformed values: reported with their key, skipped; the leader still places a new service.
    await store.txn([], [put(keys.node("garbage"), "{not json"), put(keys.service("broken"), JSON.stringify({ name: "broken", instances: -1 }))]);
    await publishServices(store, keys, loadFleetManifest(writeManifest({ late: { placement: { class: "user", requests: { cpu: 10 } } } })));
    await waitFor("the late service running", async () => (await readSnapshot(store!, keys)).services.find((s) => s.name === "late")?.running === 1, 30_000);
    expect(lines.some((l) => l.includes(`malformed value at ${keys.node("garbage")}: not JSON`))).toBe(true);
    expect(lines.some((l) => l.includes(`malformed value at ${keys.service("broken")}: instances -1 is not a count`))).toBe(true);

    // Logs come from the agents themselves, prefixed by node and instance; their endpoint wants the token.
    const now = await readSnapshot(store, keys);
    const { stdout } = await promisify(execFile)(process.execPath, [MYCO, "fleet", "logs", "web", "--etcd", fleet.urls[0], "-n", "1000"]);
    for (const where of now.services.find((s) => s.name === "web")!.where) {
      const [instance, node] = where.split("@");
      expect(stdout).toContain(`${node}/${instance} | ${instance} running on ${node}`);
    }
    expect((await fetch(`${now.nodes[0].logs!.url}/logs?service=web`)).status).toBe(401);
  });

  it("an unreachable etcd is exit 3 with the URL named", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const run = (args: string[]) => promisify(execFile)(process.execPath, [MYCO, ...args]).then(() => ({ code: 0, stderr: "" }), (e) => ({ code: e.code as number, stderr: String(e.stderr) }));
    for (const args of [["agent", "--node", "n1", "--etcd", url], ["coordinator", "--etcd", url], ["fleet", "status", "--etcd", url]]) {
      const { code, stderr } = await run(args);
      expect(code, args.join(" ")).toBe(3);
      expect(stderr).toContain(`cannot reach etcd at ${url}`);
    }
  });
});
