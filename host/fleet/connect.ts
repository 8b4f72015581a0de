// Connecting a command to the fleet's etcd: the URLs from --etcd, or from the state file a
// running `myco fleet up` leaves; one read proves etcd answers, else a clear error naming the URLs.
import { readFileSync, writeFileSync, rmSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { EtcdStore, etcd3 } from "./etcd-store.ts";
import { Keys } from "./keys.ts";
import { readTls, IdentityError, type TlsPaths } from "./pki.ts";
import { runtimeDir } from "../supervisor/runtime-dir.ts";

export class EtcdUnreachableError extends Error {}

export interface FleetState { etcd: string[]; cluster: string; pid: number; /** The operator's certificate of a TLS local fleet. */ tls?: TlsPaths }

export interface TlsFlags { cacert?: string; cert?: string; key?: string }

/**
 * The TLS files of a connection: --cacert/--cert/--key (all three, as etcdctl names them), else
 * (an operator command without --etcd) the running `myco fleet up`'s operator certificate, else none.
 */
export function tlsPaths(flags: TlsFlags & { etcd?: string }, fromState = true): TlsPaths | undefined {
  const given = (["cacert", "cert", "key"] as const).filter((k) => flags[k] !== undefined);
  if (given.length === 3) return { cacert: flags.cacert!, cert: flags.cert!, key: flags.key! };
  if (given.length > 0) throw new IdentityError(`--cacert, --cert and --key go together: ${given.map((k) => `--${k}`).join(", ")} given without ${(["cacert", "cert", "key"] as const).filter((k) => !given.includes(k)).map((k) => `--${k}`).join(", ")}`);
  return fromState && flags.etcd === undefined ? readState()?.tls : undefined;
}

export const stateFile = (): string => join(runtimeDir(), "fleet.json");

export function writeState(state: FleetState): void {
  mkdirSync(runtimeDir(), { recursive: true });
  writeFileSync(stateFile(), JSON.stringify(state));
}

export function readState(): FleetState | undefined {
  try {
    return JSON.parse(readFileSync(stateFile(), "utf8")) as FleetState;
  } catch {
    return undefined;
  }
}

export function clearState(pid: number): void {
  if (readState()?.pid === pid) rmSync(stateFile(), { force: true });
}

/** The etcd URLs to use: --etcd, else the running `myco fleet up`'s, else an error. */
export function etcdUrls(flag: string | undefined): string[] {
  const text = flag ?? readState()?.etcd.join(",");
  if (!text) throw new EtcdUnreachableError("no etcd to talk to: pass --etcd URL[,URL...] or start a local fleet with `myco fleet up services.yaml`");
  const urls = text.split(",").map((u) => u.trim()).filter(Boolean);
  for (const url of urls) if (!/^https?:\/\/[^/]+$/.test(url)) throw new EtcdUnreachableError(`--etcd '${url}' is not http(s)://host:port`);
  return urls;
}

/** A store on those URLs that has answered one read (within `timeoutMs`). */
export async function connect(urls: string[], cluster: string, timeoutMs = 3000, tls?: TlsPaths): Promise<{ store: EtcdStore; keys: Keys }> {
  const keys = new Keys(cluster);
  const https = urls.some((u) => u.startsWith("https:"));
  if (tls && !https) throw new EtcdUnreachableError(`--cacert/--cert/--key given but --etcd ${urls.join(",")} is not https://`);
  const store = new EtcdStore(urls, { callTimeoutMs: timeoutMs, tls: tls && readTls(tls) });
  try {
    await store.get(keys.root);
  } catch (error) {
    // With per-node permissions (etcd-auth.ts) an agent may not read the root: etcd answered and took its certificate.
    if (error instanceof etcd3().EtcdPermissionDeniedError) return { store, keys };
    await store.close();
    const hint = https ? (tls ? ` (etcd refused the certificate ${tls.cert}, or it is not signed by the CA it trusts, or ${tls.cacert} is not etcd's CA)` : " (etcd requires a client certificate: pass --cacert, --cert and --key)") : "";
    throw new EtcdUnreachableError(`cannot reach etcd at ${urls.join(", ")}: ${(error as Error).message.split("\n")[0].replace(/\.? ?Resolution note:.*$/, "")}${hint}`);
  }
  return { store, keys };
}
