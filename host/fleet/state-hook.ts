// A service's own snapshot hook, for live migrations: in a fleet manifest, `state: { dump: [CMD,
// ARGS...], load: [CMD, ARGS...] }`. `dump` runs on the node of the copy that moves and prints its
// state on stdout; `load` runs on the target node before the new copy starts and reads that state
// on stdin. Both run in the service's directory with its environment and MYCO_FLEET_SERVICE,
// MYCO_FLEET_INSTANCE, MYCO_FLEET_NODE. Agents run them behind their authenticated endpoint
// (POST /state/dump and /state/load); the coordinator's executor carries the bytes between them.
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import { decodeNode, type Keys, type ServiceRecord } from "./keys.ts";
import type { Store } from "./store.ts";
import type { StateHandover } from "./migration.ts";

export interface StateHook { dump: string[]; load: string[] }

/** The `state:` section of a fleet service, checked; undefined when absent. */
export function parseStateHook(service: string, raw: unknown): StateHook | undefined {
  if (raw === undefined) return undefined;
  const section = raw as Record<string, unknown>;
  if (typeof raw !== "object" || raw === null) throw new Error(`service '${service}', field 'state': expected { dump: [command, args...], load: [command, args...] }, got ${JSON.stringify(raw)}`);
  for (const key of Object.keys(section)) if (key !== "dump" && key !== "load") throw new Error(`service '${service}', field 'state.${key}': unknown key; expected dump, load`);
  const command = (key: "dump" | "load") => {
    const value = section[key];
    if (!Array.isArray(value) || value.length === 0 || !value.every((a) => typeof a === "string")) throw new Error(`service '${service}', field 'state.${key}': expected a command and its arguments as a list of strings, got ${JSON.stringify(value)}`);
    return value as string[];
  };
  return { dump: command("dump"), load: command("load") };
}

/** Runs the service's `which` hook for `instance` on `node`; resolves to its stdout, rejects naming the exit and stderr. */
export function runHook(record: ServiceRecord, which: "dump" | "load", node: string, instance: string, input?: Buffer, timeoutMs = 10_000): Promise<Buffer> {
  const hook = record.state?.[which];
  if (!hook) return Promise.reject(new Error(`service '${record.name}' has no state.${which} hook (a live migration needs one)`));
  const run = (record.spec.run ?? {}) as { env?: Record<string, string>; cwd?: string };
  const [command, ...args] = hook;
  const child = spawn(command.includes("/") ? resolve(record.base, command) : command, args, {
    cwd: resolve(record.base, run.cwd ?? "."), stdio: ["pipe", "pipe", "pipe"], timeout: timeoutMs,
    env: { ...process.env, ...run.env, MYCO_FLEET_SERVICE: record.name, MYCO_FLEET_INSTANCE: instance, MYCO_FLEET_NODE: node },
  });
  const out: Buffer[] = [];
  let err = "";
  child.stdout.on("data", (c: Buffer) => out.push(c));
  child.stderr.on("data", (c: Buffer) => { err = (err + c.toString()).slice(-2000); });
  child.stdin.on("error", () => undefined);
  child.stdin.end(input ?? Buffer.alloc(0));
  return new Promise((done, fail) => {
    child.once("error", (error) => fail(new Error(`service '${record.name}': state.${which} '${command}': ${error.message}`)));
    child.once("close", (code, signal) => code === 0 ? done(Buffer.concat(out))
      : fail(new Error(`service '${record.name}': state.${which} on ${node} exited ${signal ?? code}${err.trim() ? `: ${err.trim()}` : ""}`)));
  });
}

/** The agent's side: POST /state/(dump|load)?service=S&instance=I (load: the state as the body). */
export function stateRoutes(node: string, service: (name: string) => ServiceRecord | undefined) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const m = /^\/state\/(dump|load)$/.exec(url.pathname);
    if (!m || req.method !== "POST") return false;
    const record = service(url.searchParams.get("service") ?? "");
    const instance = url.searchParams.get("instance") ?? "";
    if (!record || !instance) { res.writeHead(404, { "content-type": "text/plain" }).end(`no such service on ${node}\n`); return true; }
    const body: Buffer[] = [];
    for await (const chunk of req) body.push(chunk as Buffer);
    try {
      const out = await runHook(record, m[1] as "dump" | "load", node, instance, Buffer.concat(body));
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(out);
    } catch (error) {
      res.writeHead(500, { "content-type": "text/plain" }).end(`${(error as Error).message}\n`);
    }
    return true;
  };
}

/** The coordinator's side: the two agents' endpoints, found in their node records. */
export function agentHandover(store: Store, keys: Keys, service: string): StateHandover {
  const call = async (node: string, which: "dump" | "load", instance: string, body?: Buffer): Promise<Buffer> => {
    const kv = await store.get(keys.node(node));
    if (!kv) throw new Error(`node '${node}' is not in the fleet`);
    const endpoint = decodeNode(kv.key, kv.value).logs;
    if (!endpoint) throw new Error(`node '${node}' publishes no endpoint`);
    const response = await fetch(`${endpoint.url}/state/${which}?service=${encodeURIComponent(service)}&instance=${encodeURIComponent(instance)}`, {
      method: "POST", headers: { authorization: `Bearer ${endpoint.token}` }, body: new Uint8Array(body ?? Buffer.alloc(0)), signal: AbortSignal.timeout(15_000),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!response.ok) throw new Error(`${node}: ${response.status} ${bytes.toString().trim()}`);
    return bytes;
  };
  return {
    dump: (node, instance) => call(node, "dump", instance),
    load: async (node, instance, state) => { await call(node, "load", instance, state); },
  };
}
