// Secrets encrypted at rest: a JSON file of AES-256-GCM ciphertexts (node:crypto), one per name,
// each with its own random 96-bit IV and its name as additional authenticated data (a ciphertext
// moved to another name does not open). The 256-bit key comes from MYCO_SECRET_KEY (64 hex
// digits) or a key file that only its owner may read (mode 0600; `myco secret keygen` makes
// one). A missing key, a key file others may read, a wrong key or a changed file is a clear
// error naming the file and the secret, never a value. A service gets a secret in its environment
// with `run: { env: { DB_PASSWORD: { secret: db-password } } }`, decrypted at each spawn.
//
//   {"version":1,"cipher":"aes-256-gcm","secrets":{"db-password":{"iv":"<hex>","tag":"<hex>","data":"<hex>"}}}
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, renameSync, statSync } from "node:fs";

export const KEY_VARIABLE = "MYCO_SECRET_KEY";
export const KEY_FILE_VARIABLE = "MYCO_SECRET_KEY_FILE";
export const STORE_VARIABLE = "MYCO_SECRET_STORE";
const CIPHER = "aes-256-gcm";
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

interface Sealed { iv: string; tag: string; data: string }
interface StoreFile { version: 1; cipher: typeof CIPHER; secrets: Record<string, Sealed> }

export class SecretError extends Error {
  constructor(message: string) { super(message); this.name = "SecretError"; }
}

/** The store file given, or MYCO_SECRET_STORE, or secrets.json in the current directory. */
export function defaultStorePath(): string { return process.env[STORE_VARIABLE] || "secrets.json"; }

/** The key file of a store when MYCO_SECRET_KEY_FILE does not name one: `<store>.key`. */
export function defaultKeyFile(store: string): string { return process.env[KEY_FILE_VARIABLE] || `${store}.key`; }

/** The 32-byte key: MYCO_SECRET_KEY, else the key file (refused when others may read it). */
export function loadKey(keyFile: string, env: NodeJS.ProcessEnv = process.env): Buffer {
  const fromEnv = env[KEY_VARIABLE];
  if (fromEnv !== undefined && fromEnv !== "") return parseKey(fromEnv.trim(), KEY_VARIABLE);
  if (!existsSync(keyFile)) {
    throw new SecretError(`no secret key: set ${KEY_VARIABLE} (64 hex digits) or create the key file ${keyFile} with \`myco secret keygen\``);
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new SecretError(`secret key file ${keyFile} may be read by others (mode ${mode.toString(8)}); run \`chmod 600 ${keyFile}\``);
  return parseKey(readFileSync(keyFile, "utf8").trim(), keyFile);
}

function parseKey(text: string, origin: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(text)) throw new SecretError(`the secret key from ${origin} is not 64 hex digits (256 bits)`);
  return Buffer.from(text, "hex");
}

/** Writes a new random key file (mode 0600); refuses to replace one (its secrets would be lost). */
export function generateKeyFile(keyFile: string): void {
  if (existsSync(keyFile)) throw new SecretError(`${keyFile} exists already; replacing it would lose every secret it encrypts`);
  writeFileSync(keyFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
}

export class SecretStore {
  constructor(readonly path: string, private readonly key: Buffer) {}

  /** Opens the store at `path` with the key from the environment or `keyFile`. */
  static open(path: string, keyFile = defaultKeyFile(path), env: NodeJS.ProcessEnv = process.env): SecretStore {
    return new SecretStore(path, loadKey(keyFile, env));
  }

  names(): string[] { return Object.keys(this.read().secrets).sort(); }

  has(name: string): boolean { return Object.hasOwn(this.read().secrets, name); }

  set(name: string, value: string): void {
    if (!NAME.test(name)) throw new SecretError(`secret name '${name}' must be 1..64 of [A-Za-z0-9._-], starting with a letter or digit`);
    const store = this.read();
    const iv = randomBytes(12);
    const cipher = createCipheriv(CIPHER, this.key, iv);
    cipher.setAAD(Buffer.from(name, "utf8"));
    const data = Buffer.concat([cipher.update(value, "utf8"), cipher.final()]);
    store.secrets[name] = { iv: iv.toString("hex"), tag: cipher.getAuthTag().toString("hex"), data: data.toString("hex") };
    this.write(store);
  }

  remove(name: string): boolean {
    const store = this.read();
    if (!Object.hasOwn(store.secrets, name)) return false;
    delete store.secrets[name];
    this.write(store);
    return true;
  }

  /** The secret in clear: for a spawn's environment only. */
  reveal(name: string): string {
    const sealed = this.read().secrets[name];
    if (!sealed) throw new SecretError(`secret store ${this.path} has no secret '${name}' (add it with \`myco secret set ${name}\`)`);
    try {
      const decipher = createDecipheriv(CIPHER, this.key, Buffer.from(sealed.iv, "hex"));
      decipher.setAAD(Buffer.from(name, "utf8"));
      decipher.setAuthTag(Buffer.from(sealed.tag, "hex"));
      return Buffer.concat([decipher.update(Buffer.from(sealed.data, "hex")), decipher.final()]).toString("utf8");
    } catch {
      throw new SecretError(`secret store ${this.path}: the key does not open secret '${name}' (a wrong key, or the file was changed)`);
    }
  }

  private read(): StoreFile {
    if (!existsSync(this.path)) return { version: 1, cipher: CIPHER, secrets: {} };
    let parsed: StoreFile;
    try {
      parsed = JSON.parse(readFileSync(this.path, "utf8")) as StoreFile;
    } catch {
      throw new SecretError(`secret store ${this.path} is not JSON`);
    }
    if (parsed?.version !== 1 || parsed.cipher !== CIPHER || typeof parsed.secrets !== "object") {
      throw new SecretError(`secret store ${this.path} is not a version 1 ${CIPHER} store`);
    }
    return parsed;
  }

  private write(store: StoreFile): void {
    writeFileSync(`${this.path}.next`, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
    renameSync(`${this.path}.next`, this.path);
  }
}
