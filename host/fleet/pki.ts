// Node identity: a small certificate authority made with the `openssl` command-line tool (Debian
// package `openssl`) for a local fleet, one certificate per etcd server, agent, coordinator and
// operator. etcd requires a client certificate signed by this CA (a missing or foreign one fails
// the TLS handshake); the role (OU) and the name (CN) in a certificate are who its holder is:
// an agent's node name, a coordinator's id. `identity()` reads them and refuses a mismatch.
import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { accessSync, constants, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const OPENSSL_PACKAGE = "openssl";

export type Role = "etcd" | "agent" | "coordinator" | "operator";
export const ROLES: readonly Role[] = ["etcd", "agent", "coordinator", "operator"];

/** The three files a TLS party holds, named as etcdctl names them. */
export interface TlsPaths { cacert: string; cert: string; key: string }

export class IdentityError extends Error {}

function openssl(): string {
  for (const dir of (process.env.PATH ?? "").split(":")) {
    const path = join(dir || ".", "openssl");
    try { accessSync(path, constants.X_OK); return path; } catch { /* not here */ }
  }
  throw new Error(`openssl is not installed: install the Debian package '${OPENSSL_PACKAGE}' (apt-get install -y ${OPENSSL_PACKAGE})`);
}

function run(args: string[], cwd: string): void {
  try {
    execFileSync(openssl(), args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`);
  }
}

const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

/** A certificate authority in `dir` (ca.crt, ca.key); `issue` signs certificates with it. */
export class Pki {
  readonly cacert: string;
  private readonly cakey: string;

  private constructor(readonly dir: string) {
    this.cacert = join(dir, "ca.crt");
    this.cakey = join(dir, "ca.key");
  }

  /** A new CA named `name` in `dir` (created). */
  static create(dir: string, name = "myco fleet CA"): Pki {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pki = new Pki(dir);
    run(["req", "-x509", ...EC, "-keyout", pki.cakey, "-out", pki.cacert, "-days", "3650", "-subj", `/O=myco/CN=${name}`], dir);
    return pki;
  }

  /** A certificate for `name` in `role`, usable by a server on 127.0.0.1/localhost and as a client. */
  issue(role: Role, name: string): TlsPaths {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) throw new IdentityError(`certificate name '${name}' is not a name (1..64 of [A-Za-z0-9._-])`);
    const base = join(this.dir, `${role}-${name}`);
    const ext = `${base}.ext`;
    writeFileSync(ext, "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(["req", ...EC, "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/O=myco/OU=${role}/CN=${name}`], this.dir);
    const serial = `0x${BigInt.asUintN(63, BigInt(Date.now()) * 1_000_003n + BigInt(Math.floor(Math.random() * 1e6))).toString(16)}`;
    run(["x509", "-req", "-in", `${base}.csr`, "-CA", this.cacert, "-CAkey", this.cakey, "-set_serial", serial, "-days", "825", "-extfile", ext, "-out", `${base}.crt`], this.dir);
    rmSync(`${base}.csr`);
    rmSync(ext);
    return { cacert: this.cacert, cert: `${base}.crt`, key: `${base}.key` };
  }
}

/** The role and name a certificate file states (its OU and CN). */
export function certificateIdentity(certFile: string): { role: string; name: string } {
  let subject: string;
  try {
    subject = new X509Certificate(readFileSync(certFile)).subject;
  } catch (error) {
    throw new IdentityError(`--cert '${certFile}' is not a readable certificate: ${(error as Error).message}`);
  }
  const field = (key: string) => subject.split("\n").find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1) ?? "";
  return { role: field("OU"), name: field("CN") };
}

/**
 * Who the holder of `tls` is in `role`: the certificate's CN. A certificate of another role, or a
 * claimed name (`--node`, `--id`) other than the CN, is refused.
 */
export function identity(tls: TlsPaths, role: Role, claimed: string | undefined, flag: string): string {
  const { role: actual, name } = certificateIdentity(tls.cert);
  if (actual !== role) throw new IdentityError(`certificate '${tls.cert}' is for ${actual ? `a ${actual}` : "no myco role"} (OU=${actual}), not for a ${role}`);
  if (!name) throw new IdentityError(`certificate '${tls.cert}' has no CN (the ${role}'s name)`);
  if (claimed !== undefined && claimed !== name) throw new IdentityError(`${flag} '${claimed}' does not match the certificate's name '${name}' (${tls.cert}): a ${role} is who its certificate says`);
  return name;
}

/** The files read for a client connection. */
export function readTls(tls: TlsPaths): { ca: Buffer; cert: Buffer; key: Buffer } {
  const read = (file: string, flag: string) => {
    try { return readFileSync(file); } catch (error) { throw new IdentityError(`${flag} '${file}' cannot be read: ${(error as Error).message}`); }
  };
  return { ca: read(tls.cacert, "--cacert"), cert: read(tls.cert, "--cert"), key: read(tls.key, "--key") };
}
