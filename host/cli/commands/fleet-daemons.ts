// `myco agent` (one per node) and `myco coordinator` (one or more; one leads): the long-running
// fleet processes. Each connects to etcd (an unreachable etcd is exit 3, naming the URL), runs
// until SIGTERM or SIGINT, then leaves cleanly: the agent stops its instances and revokes its
// lease (its node leaves at once), the coordinator resigns (a standby takes over at once).
import type { Command } from "commander";
import { Agent, NodeTakenError } from "../../fleet/agent.ts";
import { Coordinator } from "../../fleet/coordinator.ts";
import { connect, etcdUrls, tlsPaths, EtcdUnreachableError, type TlsFlags } from "../../fleet/connect.ts";
import { identity, IdentityError, type Role } from "../../fleet/pki.ts";
import { vector } from "../../fleet/fleet-manifest.ts";
import { NAME } from "../../fleet/keys.ts";
import { TIERS, type Tier, type ResourceVector } from "../../kernel/placement.ts";
import type { Profile } from "../../kernel/module.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

interface Common extends TlsFlags { etcd?: string; cluster: string; ttl: string }

const stamp = (line: string) => `${new Date().toISOString().slice(11, 23)} ${line}`;

function common(command: Command): Command {
  return command
    .option("--etcd <urls>", "etcd client URLs, comma-separated (default: the running `myco fleet up`'s)")
    .option("--cluster <name>", "the fleet's name (its key prefix /myco/<name>/)", "default")
    .option("--ttl <seconds>", "lease TTL: a node (or leader) silent this long is gone", "3")
    .option("--cacert <file>", "the CA etcd's certificate is checked against (TLS)")
    .option("--cert <file>", "this process's certificate: its CN is its name (TLS; etcd requires it)")
    .option("--key <file>", "the certificate's private key (TLS)");
}

/** The process's name: from its certificate's CN when TLS is on (a different claimed name is refused), else the flag. */
function whoAmI(flags: Common, role: Role, claimed: string | undefined, flag: string): string | undefined {
  const tls = tlsPaths(flags, false);
  return tls ? identity(tls, role, claimed, flag) : claimed;
}

/** Runs a fleet process until a signal; maps failures to exit codes. */
async function daemon(io: Output, name: string, flags: Common, run: (store: Awaited<ReturnType<typeof connect>>["store"]) => Promise<{ stop(): Promise<void>; kill?(): void }>): Promise<number> {
  const ttl = Number(flags.ttl);
  if (!Number.isInteger(ttl) || ttl < 1) { io.err(`myco ${name}: --ttl '${flags.ttl}' is not a whole number of seconds (at least 1)`); return EXIT.usage; }
  let connection;
  try {
    connection = await connect(etcdUrls(flags.etcd), flags.cluster, 3000, tlsPaths(flags, false));
  } catch (error) {
    io.err(`myco ${name}: ${describeError(error)}`);
    return error instanceof EtcdUnreachableError ? EXIT.unavailable : error instanceof IdentityError ? EXIT.usage : EXIT.failed;
  }
  let running;
  try {
    running = await run(connection.store);
  } catch (error) {
    io.err(`myco ${name}: ${describeError(error)}`);
    await connection.store.close();
    return EXIT.failed;
  }
  const onExit = () => running.kill?.();
  process.on("exit", onExit);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", resolve);
    process.once("SIGINT", resolve);
  });
  await running.stop();
  process.off("exit", onExit);
  await connection.store.close();
  io.out(stamp(`myco ${name}: stopped`));
  return EXIT.ok;
}

export function agentCommand(program: Command, io: Output, exit: (code: number) => void): void {
  common(program.command("agent").description("run a fleet node agent: register this node, run what the coordinator assigns to it"))
    .option("--node <name>", "this node's name (unique in the fleet; with --cert: its CN, and a different --node is refused)")
    .option("--tier <tier>", `${TIERS.join(" | ")}`, "sclerotia")
    .option("--capacity <r=n,...>", "what this node offers: cpu (millicores), memory (MiB), storage, ...", "cpu=2000,memory=2048")
    .option("--labels <k=v,...>", "labels placement rules match", "")
    .option("--zone <k=v>", "the zone label (also a label)")
    .action(async (flags: Common & { node?: string; tier: string; capacity: string; labels: string; zone?: string }) => {
      let node: string | undefined;
      try { node = whoAmI(flags, "agent", flags.node, "--node"); } catch (error) { io.err(`myco agent: ${describeError(error)}`); return exit(EXIT.usage); }
      if (node === undefined) { io.err("myco agent: --node <name> is required (or --cert, whose CN is the node's name)"); return exit(EXIT.usage); }
      flags.node = node;
      const problems = [
        !NAME.test(flags.node) ? `--node '${flags.node}' is not a name (1..26 of [A-Za-z0-9._-])` : "",
        !(TIERS as readonly string[]).includes(flags.tier) ? `--tier '${flags.tier}' is not one of ${TIERS.join(", ")}` : "",
        ...flags.labels.split(",").filter(Boolean).filter((l) => !l.includes("=")).map((l) => `--labels: '${l}' is not key=value`),
      ].filter(Boolean);
      let capacity: ResourceVector | undefined;
      try { capacity = vector(flags.capacity, "--capacity"); } catch (error) { problems.push((error as Error).message); }
      if (problems.length) { problems.forEach((p) => io.err(`myco agent: ${p}`)); return exit(EXIT.usage); }
      exit(await daemon(io, "agent", flags, async (store) => {
        const agent = new Agent({
          store, cluster: flags.cluster, node, ttlSeconds: Number(flags.ttl), log: (line) => io.out(stamp(line)),
          spec: { tier: flags.tier as Tier, capacity, labels: flags.labels.split(",").filter(Boolean), zone: flags.zone },
        });
        try {
          await agent.start();
        } catch (error) {
          await agent.stop().catch(() => undefined);
          throw error instanceof NodeTakenError ? error : new Error(`agent ${node}: ${describeError(error)}`);
        }
        return { stop: () => agent.stop(), kill: () => agent.killAll() };
      }));
    });
}

export function coordinatorCommand(program: Command, io: Output, exit: (code: number) => void): void {
  common(program.command("coordinator").description("run a fleet coordinator: one of them leads (etcd election) and places the fleet's services"))
    .option("--id <name>", "this coordinator's name (default: its certificate's CN, else coordinator-PID)")
    .option("--batch <n>", "assignments per etcd transaction", "120")
    .option("--profile <name>", "kernel build profile (its placement tables' size)", "bench")
    .action(async (flags: Common & { id?: string; batch: string; profile: string }) => {
      let id: string | undefined;
      try { id = whoAmI(flags, "coordinator", flags.id, "--id"); } catch (error) { io.err(`myco coordinator: ${describeError(error)}`); return exit(EXIT.usage); }
      flags.id = id ?? `coordinator-${process.pid}`;
      exit(await daemon(io, "coordinator", flags, async (store) => {
        const coordinator = new Coordinator({
          store, cluster: flags.cluster, id: flags.id!, ttlSeconds: Number(flags.ttl), batch: Number(flags.batch), profile: flags.profile as Profile, log: (line) => io.out(stamp(line)),
        });
        await coordinator.start();
        return { stop: () => coordinator.stop() };
      }));
    });
}
