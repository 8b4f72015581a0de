// `npm run fleet`: a small real fleet on this machine for about 40 s, then it ends by itself.
// etcd, two coordinators (one leads), five agents (2 sclerotia, 2 rhizomorph, 1 hyphae) running
// examples/fleet/fleet.yaml. At 10 s the sclerotia node running the critical store dies
// (SIGKILL to its agent and its processes): its services come back elsewhere. At 20 s the
// leading coordinator is SIGKILLed: the standby takes over. At 30 s a node is drained: the
// kernel's drain plan moves its instances (each service's strategy, rolling by default:
// make-before-break, one batch at a time) and the leader carries the moves out. Each step prints
// what happened and how long it took.
import { fileURLToPath } from "node:url";
import { LocalFleet, type AgentPlan } from "../../host/fleet/local-fleet.ts";
import { connect } from "../../host/fleet/connect.ts";
import { loadFleetManifest } from "../../host/fleet/fleet-manifest.ts";
import { publishServices } from "../../host/fleet/specs.ts";
import { readSnapshot, formatSnapshot, type FleetSnapshot } from "../../host/fleet/snapshot.ts";
import { put } from "../../host/fleet/store.ts";

const manifest = fileURLToPath(new URL("fleet.yaml", import.meta.url));
const agents: AgentPlan[] = [
  { node: "sclerotia-1", tier: "sclerotia" }, { node: "sclerotia-2", tier: "sclerotia" },
  { node: "rhizomorph-1", tier: "rhizomorph" }, { node: "rhizomorph-2", tier: "rhizomorph" }, { node: "hyphae-1", tier: "hyphae" },
].map((a) => ({ ...a, tier: a.tier as AgentPlan["tier"], capacity: "cpu=2000,memory=2048" }));

let origin = Date.now();
const say = (text: string) => console.log(`${((Date.now() - origin) / 1000).toFixed(1).padStart(5)}s  ${text}`);
// The coordinators' decisions and the agents' starts and stops; not every heartbeat.
const shown = /leading|deposed|gone|joined|assigned|draining|starting |stopping |standing|lease|move |planned/;
const fleet = new LocalFleet({ ttlSeconds: 3, tls: true, log: (name, line) => { if (shown.test(line)) say(`${name.padEnd(13)} ${line.replace(/^\S+ /, "")}`); } });
const sleepUntil = (s: number) => new Promise((r) => setTimeout(r, Math.max(0, origin + s * 1000 - Date.now())));

async function main(): Promise<void> {
  console.log("starting etcd (TLS, client certificates required), 2 coordinators and 5 agents (each a `myco` process with its own certificate)...");
  await fleet.start();
  const { store, keys } = await connect(fleet.urls, fleet.cluster, 3000, fleet.operatorTls);
  const snapshot = () => readSnapshot(store, keys);
  const until = async (what: string, test: (s: FleetSnapshot) => boolean, from: number): Promise<number> => {
    for (;;) {
      if (test(await snapshot())) { const ms = performance.now() - from; say(`${what} after ${(ms / 1000).toFixed(2)} s`); return ms; }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  try {
    await publishServices(store, keys, loadFleetManifest(manifest));
    await fleet.startCoordinator("coordinator-1");
    await fleet.startCoordinator("coordinator-2");
    await Promise.all(agents.map((a) => fleet.startAgent(a)));
    origin = Date.now();
    say(`fleet up: etcd at ${fleet.urls[0]}; every service placed by the leader, run by the agents`);
    await until("every instance running", (s) => s.services.every((v) => v.running === v.desired), performance.now());
    console.log(`\n${formatSnapshot(await snapshot(), "status")}\n`);

    await sleepUntil(10);
    const before = await snapshot();
    const victim = before.nodes.find((n) => n.instances.some((i) => i.startsWith("store-")))!;
    const moved = victim.instances.filter((i) => !i.startsWith("cache-")).map((i) => i.slice(0, i.lastIndexOf("-")));
    say(`SIGKILL ${victim.name} (agent and its processes), which runs ${victim.instances.join(", ")}`);
    const t1 = performance.now();
    fleet.kill(victim.name);
    await until(`${moved.join(", ")} running elsewhere (lease TTL 3 s)`, (s) => moved.every((m) => (s.services.find((v) => v.name === m)?.running ?? 0) === (s.services.find((v) => v.name === m)?.desired ?? 0)
      && !s.nodes.some((n) => n.name === victim.name)), t1);

    await sleepUntil(20);
    const leader = (await snapshot()).leader!;
    say(`SIGKILL the leading coordinator, ${leader}`);
    const t2 = performance.now();
    fleet.kill(leader);
    await until("the standby leads", (s) => s.leader !== undefined && s.leader !== leader, t2);

    await sleepUntil(30);
    const busy = (await snapshot()).nodes.filter((n) => n.tier === "rhizomorph").sort((a, b) => b.instances.length - a.instances.length)[0];
    const leaving = busy.instances.filter((i) => !i.startsWith("cache-"));
    say(`drain ${busy.name} (runs ${busy.instances.join(", ")}): the kernel plans the moves, the leader carries them out (rolling: each old copy stops once its replacement runs)`);
    const t3 = performance.now();
    await store.txn([], [put(keys.drain(busy.name), JSON.stringify({ reason: "demo: maintenance", by: "npm run fleet", atMs: Date.now() }))]);
    await until(`${busy.name} drained: ${leaving.join(", ") || "nothing"} running elsewhere`, (s) => {
      const node = s.nodes.find((n) => n.name === busy.name);
      return node !== undefined && node.instances.length === 0 && s.services.filter((v) => v.name !== "cache").every((v) => v.running === v.desired);
    }, t3);

    await sleepUntil(38);
    console.log(`\n${formatSnapshot(await snapshot(), "status")}\n`);
  } finally {
    await store.close();
    say("stopping the fleet");
    await fleet.stop();
    say("done: every agent, coordinator and etcd stopped");
  }
}

await main();
