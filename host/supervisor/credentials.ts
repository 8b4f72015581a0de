// Who is calling the control socket. Node offers no SO_PEERCRED without a native addon, so the
// caller proves a role with a credential: at start, `myco run` writes one random 256-bit token
// per role into <runtime dir>/control.credentials/<role>.key (the directory 0700, each file 0600, owned
// by the user running it). Whoever can read a role's file acts in that role; handing a role to
// someone else is handing them that file (chown it to them; the socket itself stays the
// owner's, so they need the owner's help, e.g. sudo, to connect). The tokens change with every
// run. The control server maps a token to a kernel principal (compared in constant time); no or
// a wrong token is the unidentified caller, whom the kernel denies everything.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { mkdirSync, writeFileSync, readFileSync, statSync, chmodSync, renameSync, existsSync } from "node:fs";
import { join } from "node:path";

export const ROLE_NAMES = ["viewer", "operator", "admin"] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** The role a CLI command uses when not told (`--as`, MYCO_ROLE): the owner of a run administers it. */
export const DEFAULT_ROLE: RoleName = "admin";

/** <socket without .sock>.credentials/ beside the socket: two runs in one directory keep theirs apart. */
export function credentialsDir(socketPath: string): string { return `${socketPath.replace(/\.sock$/, "")}.credentials`; }

export function credentialPath(socketPath: string, role: RoleName): string { return join(credentialsDir(socketPath), `${role}.key`); }

/** Writes a fresh token per role beside the socket; the tokens by principal name. */
export function issueCredentials(socketPath: string): Map<RoleName, string> {
  const dir = credentialsDir(socketPath);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tokens = new Map<RoleName, string>();
  for (const role of ROLE_NAMES) {
    const token = randomBytes(32).toString("hex");
    const path = credentialPath(socketPath, role);
    writeFileSync(`${path}.next`, `${token}\n`, { mode: 0o600 });
    renameSync(`${path}.next`, path);
    tokens.set(role, token);
  }
  return tokens;
}

/** The token in a credential file; refused when others may read it (a leaked credential). */
export function readCredential(path: string): string {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (error) {
    throw new Error(`no credential at ${path} (${(error as NodeJS.ErrnoException).code}): is \`myco run\` running, and are you its user?`);
  }
  if ((mode & 0o077) !== 0) throw new Error(`credential ${path} may be read by others (mode ${(mode & 0o777).toString(8)}); run \`chmod 600 ${path}\``);
  return readFileSync(path, "utf8").trim();
}

/**
 * The credential a CLI call sends: MYCO_CREDENTIAL (a file), else the file of the role MYCO_ROLE
 * names (default admin) beside the socket; undefined when that file does not exist (no run, or
 * not yours: the server then denies, or the connection fails, and says which).
 */
export function clientCredential(socketPath: string, role = process.env.MYCO_ROLE): string | undefined {
  const file = process.env.MYCO_CREDENTIAL;
  if (file) return readCredential(file);
  const chosen = (role || DEFAULT_ROLE) as RoleName;
  if (!ROLE_NAMES.includes(chosen)) throw new Error(`role '${chosen}' is not one of ${ROLE_NAMES.join(", ")}`);
  const path = credentialPath(socketPath, chosen);
  return existsSync(path) ? readCredential(path) : undefined;
}

/** Maps a presented token to whose it is, in constant time per comparison. */
export class Authenticator<P> {
  private readonly entries: { token: Buffer; principal: P }[] = [];

  add(token: string, principal: P): void { this.entries.push({ token: Buffer.from(token, "utf8"), principal }); }

  /** The principal the token belongs to, or undefined. */
  identify(token: unknown): P | undefined {
    if (typeof token !== "string") return undefined;
    const presented = Buffer.from(token, "utf8");
    let found: P | undefined;
    for (const { token: known, principal } of this.entries) {
      if (known.length === presented.length && timingSafeEqual(known, presented)) found = principal;
    }
    return found;
  }
}
