// `myco fleet ...`: a local fleet (`up`, `down`) and the operator's view and verbs on any fleet
// (`status`, `nodes`, `drain`, `move`, `apply`, `scale`), against the etcd of --etcd or of the
// running `myco fleet up`. Output for people by default, --json for scripts.
import type { Command } from "commander";
import { userInfo } from "node:os";
import { connect, etcdUrls, tlsPaths, EtcdUnreachableError, writeState, readState, clearState, type TlsFlags } from "../../fleet/connect.ts";
import { readSnapshot, formatSnapshot } from "../../fleet/snapshot.ts";
import { loadFleetManifest, FleetManifestError, MAX_INSTANCES } from "../../fleet/fleet-manifest.ts";
import { publishServices, updateService } from "../../fleet/specs.ts";
import { LocalFleet, type AgentPlan } from "../../fleet/local-fleet.ts";
import { put, del } from "../../fleet/store.ts";
import { TIERS, type Tier } from "../../kernel/placement.ts";
import { parseDuration } from "../../manifest/values.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import type { EtcdStore } from "../../fleet/etcd-store.ts";
import type { Keys } from "../../fleet/keys.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

interface Conn extends TlsFlags { etcd?: string; cluster: string; json?: boolean }

function conn(command: Command): Command {
  return command
    .option("--etcd <urls>", "etcd client URLs, comma-separated (default: the running `myco fleet up`'s)")
    .option("--cluster <name>", "the fleet's name", "default")
    .option("--cacert <file>", "the CA etcd's certificate is checked against (default: the running `myco fleet up`'s)")
    .option("--cert <file>", "the client certificate etcd requires (default: the running `myco fleet up`'s operator certificate)")
    .option("--key <file>", "the client certificate's private key")
    .option("--json", "print JSON for scripts");
}

/** Connects, runs `work`, maps errors to exit codes (3: etcd unreachable, 1: invalid input). */
async function withFleet(io: Output, verb: string, flags: Conn, work: (store: EtcdStore, keys: Keys) => Promise<number | void>): Promise<number> {
  let connection;
  try {
    connection = await connect(etcdUrls(flags.etcd), flags.cluster, 3000, tlsPaths(flags));
  } catch (error) {
    io.err(flags.json ? JSON.stringify({ ok: false, error: describeError(error) }) : `myco fleet ${verb}: ${describeError(error)}`);
    return error instanceof EtcdUnreachableError ? EXIT.unavailable : EXIT.failed;
  }
  try {
    return (await work(connection.store, connection.keys)) ?? EXIT.ok;
  } catch (error) {
    io.err(flags.json ? JSON.stringify({ ok: false, error: describeError(error) }) : `myco fleet ${verb}: ${describeError(error)}`);
    return error instanceof FleetManifestError || error instanceof InvalidInput ? EXIT.invalid : EXIT.failed;
  } finally {
    await connection.store.close();
  }
}

class InvalidInput extends Error {}

async function requireNode(store: EtcdStore, keys: Keys, node: string): Promise<void> {
  if (!(await store.get(keys.node(node)))) throw new InvalidInput(`node '${node}' is not in the fleet (no live agent registered it)`);
}

export function fleetCommand(program: Command, io: Output, exit: (code: number) => void): void {
  const fleet = program.command("fleet").description("a fleet of nodes over etcd: a local one to try (up/down), and status, nodes, drain, move, apply, scale");

  fleet.command("up").argument("<manifest>", "services.yaml (each service may have a placement: section)")
    .description("run a local fleet: etcd, coordinators and agents of the three tiers as child processes, the manifest's services placed")
    .option("--etcd <urls>", "use this etcd instead of starting one")
    .option("--cluster <name>", "the fleet's name", "default")
    .option("--coordinators <n>", "coordinators (one leads, the others stand by)", "2")
    .option("--agents <n:tier,...>", "agents per tier", "2:sclerotia,2:rhizomorph,1:hyphae")
    .option("--capacity <r=n,...>", "each agent's capacity", "cpu=2000,memory=2048")
    .option("--ttl <seconds>", "lease TTL of agents and coordinators", "3")
    .option("--duration <time>", "stop by itself after this long")
    .option("--insecure", "no TLS: etcd without certificates (by default a CA is made with openssl and every party gets a certificate)")
    .action(async (file: string, flags: { insecure?: boolean; etcd?: string; cluster: string; coordinators: string; agents: string; capacity: string; ttl: string; duration?: string }) => {
      exit(await up(io, file, flags));
    });

  fleet.command("down").description("stop the running `myco fleet up` (agents, coordinators, its etcd)").action(async () => {
    const state = readState();
    if (!state) { io.err("myco fleet down: no `myco fleet up` is running"); return exit(EXIT.unavailable); }
    try { process.kill(state.pid, "SIGTERM"); } catch { clearState(state.pid); io.err(`myco fleet down: the fleet (pid ${state.pid}) is gone already`); return exit(EXIT.unavailable); }
    for (let i = 0; i < 300 && alive(state.pid); i++) await new Promise((r) => setTimeout(r, 100));
    io.out(`myco fleet down: fleet (pid ${state.pid}) stopped`);
    exit(EXIT.ok);
  });

  for (const what of ["status", "nodes"] as const) {
    conn(fleet.command(what).description(what === "status" ? "nodes by tier with capacity and load, services with desired/assigned/running, the leader" : "the nodes by tier, with capacity, load and instances"))
      .action(async (flags: Conn) => exit(await withFleet(io, what, flags, async (store, keys) => {
        const snapshot = await readSnapshot(store, keys);
        io.out(flags.json ? JSON.stringify(what === "nodes" ? snapshot.nodes : snapshot, null, 2) : formatSnapshot(snapshot, what));
      })));
  }

  conn(fleet.command("drain").argument("<node>").description("move every instance off a node and place nothing new on it (--undo ends it)"))
    .option("--undo", "end the drain").option("--reason <text>", "why (kept with the drain)", "operator drain")
    .action(async (node: string, flags: Conn & { undo?: boolean; reason: string }) => exit(await withFleet(io, "drain", flags, async (store, keys) => {
      if (flags.undo) await store.txn([], [del(keys.drain(node))]);
      else {
        await requireNode(store, keys, node);
        await store.txn([], [put(keys.drain(node), JSON.stringify({ reason: flags.reason, by: requester(), atMs: Date.now() }))]);
      }
      io.out(flags.json ? JSON.stringify({ ok: true, node, draining: !flags.undo }) : `${node}: ${flags.undo ? "drain ended" : "draining (its instances move; nothing new lands on it)"}`);
    })));

  conn(fleet.command("move").argument("<service>").description("move one instance of a service to a node (the kernel plans it, the leader carries it out and audits it)"))
    .requiredOption("--to <node>", "the node to move it to").requiredOption("--reason <text>", "why (kept in the audit)")
    .action(async (service: string, flags: Conn & { to: string; reason: string }) => exit(await withFleet(io, "move", flags, async (store, keys) => {
      if (!(await store.get(keys.service(service)))) throw new InvalidInput(`service '${service}' is not in the fleet`);
      await requireNode(store, keys, flags.to);
      const id = `move-${Date.now()}-${process.pid}`;
      await store.txn([], [put(keys.request(id), JSON.stringify({ service, to: flags.to, reason: flags.reason, requester: requester() }))]);
      io.out(flags.json ? JSON.stringify({ ok: true, request: id }) : `move of ${service} to ${flags.to} requested (${id}); the leader's kernel plans it (or refuses it), the leader carries it out and records it in the audit`);
    })));

  conn(fleet.command("logs").argument("<service>").description("a service's lines from every node that runs it, prefixed by node and instance (read from the agents, never through etcd)"))
    .option("-f, --follow", "keep following new lines").option("-n, --lines <n>", "lines per instance first", "20")
    .action(async (service: string, flags: Conn & { follow?: boolean; lines: string }) => exit(await withFleet(io, "logs", flags, async (store, keys) => {
      const snapshot = await readSnapshot(store, keys);
      const nodes = snapshot.nodes.filter((n) => n.logs && n.instances.some((i) => i.slice(0, i.lastIndexOf("-")) === service));
      if (!snapshot.services.some((s) => s.name === service)) throw new InvalidInput(`service '${service}' is not in the fleet`);
      await Promise.all(nodes.map((n) => followLogs(io, n.logs!, service, Number(flags.lines) || 0, flags.follow === true, flags.json === true)));
    })));

  conn(fleet.command("apply").argument("<manifest>").description("publish a manifest's services as the fleet's desired specs"))
    .action(async (file: string, flags: Conn) => exit(await withFleet(io, "apply", flags, async (store, keys) => {
      const records = loadFleetManifest(file);
      const revision = await publishServices(store, keys, records);
      io.out(flags.json ? JSON.stringify({ ok: true, revision, services: records.map((r) => r.name) }) : `${records.length} services published at revision ${revision}`);
    })));

  conn(fleet.command("scale").argument("<service>").argument("<instances>", "a count, or +N / -N relative to the current one").description("set a service's instance count (compare-and-swap: no concurrent change is lost)"))
    .action(async (service: string, count: string, flags: Conn) => exit(await withFleet(io, "scale", flags, async (store, keys) => {
      const { instances, revision, tries } = await scale(store, keys, service, count);
      io.out(flags.json ? JSON.stringify({ ok: true, instances, revision, tries }) : `${service}: ${instances} instances (revision ${revision})`);
    })));

  conn(fleet.command("rollout").argument("<service>").argument("<manifest>", "services.yaml holding the service's new spec")
    .description("update a service across the fleet by stages (a canary node, then waves by tier), a health gate between stages, rollback of the stages done when one fails; done by the leader"))
    .option("--canary <node>", "the canary node (default: the first node of the least critical tier)")
    .option("--gate <time>", "how long every copy of a stage must run the new revision", "2s")
    .option("--stage-timeout <time>", "how long a stage may take to pass its gate", "30s")
    .option("--wait <time>", "how long to wait for the leader's outcome", "5m")
    .action(async (service: string, file: string, flags: Conn & { canary?: string; gate: string; stageTimeout: string; wait: string }) => exit(await withFleet(io, "rollout", flags, async (store, keys) => {
      const spec = loadFleetManifest(file).find((r) => r.name === service);
      if (!spec) throw new InvalidInput(`${file} has no service '${service}'`);
      if (!(await store.get(keys.service(service)))) throw new InvalidInput(`service '${service}' is not in the fleet`);
      const times = Object.fromEntries((["gate", "stageTimeout", "wait"] as const).map((f) => {
        const ms = parseDuration(flags[f]);
        if (!ms && flags[f] !== "0s") throw new InvalidInput(`--${f === "stageTimeout" ? "stage-timeout" : f} '${flags[f]}' is not a duration such as 2s`);
        return [f, ms ?? 0];
      })) as Record<"gate" | "stageTimeout" | "wait", number>;
      const id = `rollout-${Date.now()}-${process.pid}`;
      await store.txn([], [put(keys.request(id), JSON.stringify({ type: "rollout", spec, gateMs: times.gate, stageTimeoutMs: times.stageTimeout, ...(flags.canary ? { canary: flags.canary } : {}), requester: requester() }))]);
      if (!flags.json) io.out(`rollout of ${service} requested (${id}); the leader runs it stage by stage`);
      const deadline = Date.now() + times.wait;
      while (Date.now() < deadline) {
        const audit = (await store.range(keys.prefix("audit"))).kvs.find((kv) => kv.key.endsWith(`-${id}`));
        if (audit) {
          const outcome = JSON.parse(audit.value) as { done: boolean; failed?: string; revision: string; stages: { name: string; nodes: string[]; passed: boolean; ms: number }[] };
          io.out(flags.json ? JSON.stringify({ ok: outcome.done, ...outcome }) : [
            ...outcome.stages.map((s) => `  ${s.passed ? "ok  " : "FAIL"} ${s.name.padEnd(18)} ${s.nodes.join(", ")} (${(s.ms / 1000).toFixed(1)} s)`),
            outcome.done ? `${service}: revision ${outcome.revision} rolled out` : `${service}: rolled back (${outcome.failed})`,
          ].join("\n"));
          return outcome.done ? EXIT.ok : EXIT.failed;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`no outcome from the leader within ${flags.wait} (is a coordinator running?)`);
    })));

  conn(fleet.command("batch").description("apply changes read from stdin, one per line (`scale SERVICE N|+N|-N`), each its own compare-and-swap; prints one result per line"))
    .option("--parallel <n>", "changes in flight at once", "8")
    .action(async (flags: Conn & { parallel: string }) => exit(await withFleet(io, "batch", flags, async (store, keys) => {
      const parallel = Number(flags.parallel);
      if (!Number.isInteger(parallel) || parallel < 1 || parallel > 256) throw new InvalidInput(`--parallel '${flags.parallel}' is not 1..256`);
      const lines = (await readStdin()).split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
      const changes = lines.map((line, i) => {
        const [verb, service, count, ...rest] = line.split(/\s+/);
        if (verb !== "scale" || !service || count === undefined || rest.length) throw new InvalidInput(`stdin line ${i + 1}: '${line}' is not \`scale SERVICE N|+N|-N\``);
        return { line: i + 1, service, count };
      });
      let next = 0;
      const worker = async () => {
        while (next < changes.length) {
          const change = changes[next++];
          const { instances, revision, tries } = await scale(store, keys, change.service, change.count);
          io.out(flags.json ? JSON.stringify({ line: change.line, service: change.service, instances, revision, tries }) : `line ${change.line}: ${change.service} ${instances} instances (revision ${revision}, ${tries} tries)`);
        }
      };
      await Promise.all([...Array(Math.min(parallel, changes.length))].map(worker));
    })));
}

/** `N`, `+N` or `-N` instances, applied by compare-and-swap on the spec's revision (retried on a concurrent change). */
async function scale(store: EtcdStore, keys: Keys, service: string, count: string): Promise<{ instances: number; revision: number; tries: number }> {
  const m = /^([+-]?)(\d+)$/.exec(count);
  if (!m) throw new InvalidInput(`service '${service}': instances '${count}' is not a whole number or +N / -N`);
  const n = Number(m[2]);
  let instances = 0;
  const { revision, tries } = await updateService(store, keys, service, (r) => {
    instances = m[1] === "+" ? r.instances + n : m[1] === "-" ? r.instances - n : n;
    if (instances < 0 || instances > MAX_INSTANCES) throw new InvalidInput(`service '${service}': instances ${instances} (from ${r.instances} and '${count}') is outside 0..${MAX_INSTANCES}`);
    return { ...r, instances };
  });
  return { instances, revision, tries };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

/** One agent's lines of a service, printed as they come (NDJSON from its log endpoint). */
async function followLogs(io: Output, endpoint: { url: string; token: string }, service: string, lines: number, follow: boolean, json: boolean): Promise<void> {
  const response = await fetch(`${endpoint.url}/logs?service=${encodeURIComponent(service)}&lines=${lines}${follow ? "&follow=1" : ""}`, { headers: { authorization: `Bearer ${endpoint.token}` } });
  if (!response.ok || !response.body) throw new Error(`${endpoint.url}: ${response.status} ${await response.text()}`);
  let rest = "";
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    const parts = (rest + Buffer.from(chunk).toString()).split("\n");
    rest = parts.pop()!;
    for (const part of parts.filter(Boolean)) {
      const line = JSON.parse(part) as { node: string; instance: string; text: string };
      io.out(json ? part : `${line.node}/${line.instance} | ${line.text}`);
    }
  }
}

const requester = () => `${userInfo().username}@pid${process.pid}`;
const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

/** `myco fleet up`: the local fleet in the foreground, every child's lines prefixed with its name. */
async function up(io: Output, file: string, flags: { insecure?: boolean; etcd?: string; cluster: string; coordinators: string; agents: string; capacity: string; ttl: string; duration?: string }): Promise<number> {
  const plans: AgentPlan[] = [];
  const problems: string[] = [];
  for (const part of flags.agents.split(",").filter(Boolean)) {
    const m = /^(\d+):(\w+)$/.exec(part);
    if (!m || !(TIERS as readonly string[]).includes(m[2])) { problems.push(`--agents '${part}' is not N:TIER (TIER one of ${TIERS.join(", ")})`); continue; }
    for (let i = 1; i <= Number(m[1]); i++) plans.push({ node: `${m[2]}-${i}`, tier: m[2] as Tier, capacity: flags.capacity });
  }
  const coordinators = Number(flags.coordinators);
  if (!Number.isInteger(coordinators) || coordinators < 1) problems.push(`--coordinators '${flags.coordinators}' is not at least 1`);
  const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration);
  if (flags.duration !== undefined && !durationMs) problems.push(`--duration '${flags.duration}' is not a duration such as 40s`);
  if (problems.length) { problems.forEach((p) => io.err(`myco fleet up: ${p}`)); return EXIT.usage; }
  let records;
  try {
    records = loadFleetManifest(file);
  } catch (error) {
    io.err((error as Error).message);
    return EXIT.invalid;
  }
  const started = Date.now();
  const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const existing = flags.etcd ? etcdUrls(flags.etcd) : undefined;
  if (existing?.some((u) => u.startsWith("https:"))) {
    io.err(`myco fleet up: --etcd ${flags.etcd} uses TLS: each agent and coordinator needs its own certificate from that cluster's CA; start them with \`myco agent --cert ...\` and \`myco coordinator --cert ...\` instead`);
    return EXIT.usage;
  }
  const local = new LocalFleet({ cluster: flags.cluster, ttlSeconds: Number(flags.ttl), etcd: existing, tls: !existing && !flags.insecure, log: (name, line) => io.out(`${clock()} ${name.padEnd(14)} ${line}`) });
  try {
    await local.start();
    const { store, keys } = await connect(local.urls, flags.cluster, 3000, local.operatorTls);
    await publishServices(store, keys, records);
    await store.close();
    io.out(`${clock()} etcd at ${local.urls.join(",")}; ${records.length} services published`);
    for (let i = 1; i <= coordinators; i++) await local.startCoordinator(`coordinator-${i}`);
    await Promise.all(plans.map((p) => local.startAgent(p)));
  } catch (error) {
    io.err(`myco fleet up: ${describeError(error)}`);
    await local.stop();
    return error instanceof EtcdUnreachableError ? EXIT.unavailable : EXIT.failed;
  }
  writeState({ etcd: local.urls, cluster: flags.cluster, pid: process.pid, tls: local.operatorTls });
  if (local.pki) io.out(`${clock()} TLS: CA and certificates in ${local.pki.dir} (etcd requires client certificates; each node's name is its certificate's CN)`);
  if (local.auth) io.out(`${clock()} etcd auth on: each agent may write only its own node's keys and read its assignments; coordinators write assignments; the operator is root`);
  io.out(`${clock()} fleet up: ${coordinators} coordinators, ${plans.length} agents; \`myco fleet status\` in another terminal, Ctrl-C or \`myco fleet down\` to stop`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
    if (durationMs) setTimeout(resolve, durationMs).unref();
  });
  io.out(`${clock()} stopping the fleet`);
  await local.stop();
  clearState(process.pid);
  io.out(`${clock()} fleet down`);
  return EXIT.ok;
}
