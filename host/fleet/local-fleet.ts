// A whole fleet on one machine, as child processes: etcd (unless one is given), coordinators
// and agents (`myco coordinator`, `myco agent`), the manifest's services published. For trying
// it out (`myco fleet up`), the demo and the proof tests. A node "dies" as a machine would:
// its agent and every process under it get SIGKILL at once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEtcd, type EtcdServer } from "./etcd-server.ts";
import { Pki, readTls, type Role, type TlsPaths } from "./pki.ts";
import { EtcdStore } from "./etcd-store.ts";
import { Keys } from "./keys.ts";
import { addParty, enableAuth } from "./etcd-auth.ts";
import type { Tier } from "../kernel/placement.ts";
import { fromRoot } from "../package-root.ts";

const MYCO = fromRoot("host", "cli", "myco.js");

export interface AgentPlan { node: string; tier: Tier; capacity?: string; labels?: string; extra?: string[] }

export interface LocalFleetOptions {
  cluster?: string;
  ttlSeconds?: number;
  /** An existing etcd; default: one started here (and stopped with the fleet). */
  etcd?: string[];
  /**
   * Transport security and node identity: a CA made here (openssl) gives the started etcd a server
   * certificate (client certificates required) and every agent and coordinator its own; the
   * operator's is `operatorTls`. With `etcd` given, `tls` is that cluster's files for every child.
   */
  tls?: boolean | TlsPaths;
  /**
   * Per-node permissions (etcd auth, users by certificate CN; etcd-auth.ts): each agent writes only
   * its own keys, the coordinators write assignments, the operator is root. Default: on for a fleet
   * whose CA is made here (`tls: true`); needs it.
   */
  auth?: boolean;
  /** Every line a child prints, prefixed with its name. */
  log?: (name: string, line: string) => void;
}

export class LocalFleet {
  etcd: EtcdServer | undefined;
  urls: string[] = [];
  readonly cluster: string;
  readonly ttlSeconds: number;
  readonly children = new Map<string, ChildProcess>();
  /** The CA of a TLS fleet started here. */
  pki: Pki | undefined;
  /** The operator's certificate (status, drain, the tests' observer); undefined without TLS. */
  operatorTls: TlsPaths | undefined;
  private readonly exits = new Map<string, Promise<number | null>>();
  /** The operator's connection that adds each party's etcd user (auth on). */
  private admin: EtcdStore | undefined;

  constructor(private readonly options: LocalFleetOptions = {}) {
    this.cluster = options.cluster ?? "default";
    this.ttlSeconds = options.ttlSeconds ?? 3;
  }

  async start(): Promise<void> {
    const tls = this.options.tls;
    if (typeof tls === "object") this.operatorTls = tls;
    else if (tls) {
      this.pki = Pki.create(mkdtempSync(join(tmpdir(), "myco-pki-")));
      this.operatorTls = this.pki.issue("operator", "operator");
    }
    if (this.options.etcd) this.urls = this.options.etcd;
    else {
      const server = this.pki?.issue("etcd", "etcd");
      this.etcd = await startEtcd(server ? { tls: { ca: server.cacert, cert: server.cert, key: server.key } } : {});
      this.urls = [this.etcd.url];
    }
    if (this.options.auth ?? this.options.tls === true) {
      if (!this.pki) throw new Error("per-node etcd permissions (auth) need the fleet's own CA (tls: true): etcd names each user by its certificate's CN");
      this.admin = new EtcdStore(this.urls, { tls: readTls(this.operatorTls!) });
      await enableAuth(this.admin, "operator");
    }
  }

  /** Per-node permissions are on: each agent and coordinator is an etcd user with its own role. */
  get auth(): boolean { return this.admin !== undefined; }

  /**
   * The certificate of `role` `name`: issued by this fleet's CA (and, with auth on, its etcd user
   * and role made), or the given cluster's files, or none.
   */
  async credentials(role: Role, name: string): Promise<TlsPaths | undefined> {
    if (!this.pki) return this.operatorTls;
    const tls = this.pki.issue(role, name);
    if (this.admin && (role === "agent" || role === "coordinator")) await addParty(this.admin, new Keys(this.cluster), role, name);
    return tls;
  }

  /** The connection flags a child gets (with its own certificate when TLS is on). */
  common(tls?: TlsPaths): string[] {
    return ["--etcd", this.urls.join(","), "--cluster", this.cluster, "--ttl", String(this.ttlSeconds),
      ...(tls ? ["--cacert", tls.cacert, "--cert", tls.cert, "--key", tls.key] : [])];
  }

  /** Starts a child `myco ...` named `name`; resolves when it printed a line matching `ready` (or exited: rejects). */
  spawnMyco(name: string, args: string[], ready?: RegExp, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
    const child = spawn(process.execPath, [MYCO, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    this.children.set(name, child);
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    this.exits.set(name, exit);
    return new Promise((resolve, reject) => {
      let done = !ready;
      const onLine = (line: string) => {
        this.options.log?.(name, line);
        if (!done && ready!.test(line)) { done = true; resolve(child); }
      };
      for (const stream of [child.stdout!, child.stderr!]) {
        let rest = "";
        stream.on("data", (chunk: Buffer) => {
          const lines = (rest + chunk.toString()).split("\n");
          rest = lines.pop()!;
          lines.forEach(onLine);
        });
      }
      void exit.then((code) => { if (!done) { done = true; reject(new Error(`${name} exited with code ${code} before it was ready`)); } });
      if (!ready) resolve(child);
    });
  }

  async startAgent(plan: AgentPlan, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
    return this.spawnMyco(plan.node, ["agent", ...this.common(await this.credentials("agent", plan.node)), "--node", plan.node, "--tier", plan.tier,
      ...(plan.capacity ? ["--capacity", plan.capacity] : []), ...(plan.labels ? ["--labels", plan.labels] : []), ...(plan.extra ?? [])], /registered \(lease/, env);
  }

  async startCoordinator(id: string, extra: string[] = []): Promise<ChildProcess> {
    return this.spawnMyco(id, ["coordinator", ...this.common(await this.credentials("coordinator", id)), "--id", id, ...extra], /standing for election/);
  }

  /** A machine dies: SIGKILL to the child and every process under it, at once. */
  kill(name: string): number[] {
    const child = this.children.get(name);
    if (!child?.pid) return [];
    const pids = [child.pid, ...descendants(child.pid)];
    for (const pid of pids) { try { process.kill(pid, "SIGKILL"); } catch { /* gone */ } }
    return pids;
  }

  exited(name: string): Promise<number | null> { return this.exits.get(name) ?? Promise.resolve(null); }

  /** SIGTERM to one child (a clean leave), and its exit code. */
  async stopChild(name: string, graceMs = 8000): Promise<number | null> {
    const child = this.children.get(name);
    if (!child) return null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => this.kill(name), graceMs);
    const code = await this.exited(name);
    clearTimeout(timer);
    return code;
  }

  /** Coordinators first (nothing is re-placed while nodes leave), then agents (their instances stop), then etcd; nothing left running. */
  async stop(): Promise<void> {
    const names = [...this.children.keys()];
    await Promise.all(names.filter((n) => n.startsWith("coordinator")).map((n) => this.stopChild(n)));
    await Promise.all(names.filter((n) => !n.startsWith("coordinator")).map((n) => this.stopChild(n)));
    await this.admin?.close();
    await this.etcd?.stop();
    if (this.pki) rmSync(this.pki.dir, { recursive: true, force: true });
  }
}

/** Every process below `pid` (by /proc's parent links), deepest last. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch { /* gone meanwhile */ }
  }
  const out: number[] = [];
  const walk = (p: number) => { for (const [child, pp] of parent) if (pp === p) { out.push(child); walk(child); } };
  walk(pid);
  return out;
}
