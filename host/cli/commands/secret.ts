// `myco secret keygen|set|list|rm`: the encrypted secret store a run's `run.env { secret: NAME }`
// variables come from (secret-store.ts). `set` reads the value from stdin (never from the
// command line, where `ps` and the shell history would show it).
import type { Command } from "commander";
import { SecretStore, generateKeyFile, defaultStorePath, defaultKeyFile } from "../../supervisor/secret-store.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

type Flags = { store?: string; keyFile?: string };

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export function secretCommand(program: Command, io: Output, exit: (code: number) => void): void {
  const secret = program.command("secret").description("the encrypted secret store (AES-256-GCM) for run.env { secret: NAME }")
    .option("--store <file>", "the store (default: MYCO_SECRET_STORE or ./secrets.json)")
    .option("--key-file <file>", "the 0600 key file (default: MYCO_SECRET_KEY_FILE or <store>.key; MYCO_SECRET_KEY wins)");
  const paths = () => {
    const flags = secret.opts<Flags>();
    const store = flags.store ?? defaultStorePath();
    return { store, keyFile: flags.keyFile ?? defaultKeyFile(store) };
  };
  const guard = async (work: () => Promise<void> | void) => {
    try {
      await work();
      exit(EXIT.ok);
    } catch (error) {
      io.err(`myco secret: ${(error as Error).message}`);
      exit(EXIT.invalid);
    }
  };
  secret.command("keygen").description("write a new random 256-bit key file (mode 0600)").action(() => guard(() => {
    const { keyFile } = paths();
    generateKeyFile(keyFile);
    io.out(`wrote ${keyFile} (mode 0600): keep it, the store cannot be opened without it`);
  }));
  secret.command("set").argument("<name>").description("encrypt the value read from stdin under NAME").action((name: string) => guard(async () => {
    const { store, keyFile } = paths();
    const value = await readStdin();
    SecretStore.open(store, keyFile).set(name, value);
    io.out(`${name}: stored encrypted in ${store}`);
  }));
  secret.command("list").description("the names in the store (never the values)").action(() => guard(() => {
    const { store, keyFile } = paths();
    for (const name of SecretStore.open(store, keyFile).names()) io.out(name);
  }));
  secret.command("rm").argument("<name>").description("remove a secret").action((name: string) => guard(() => {
    const { store, keyFile } = paths();
    if (!SecretStore.open(store, keyFile).remove(name)) throw new Error(`${store} has no secret '${name}'`);
    io.out(`${name}: removed`);
  }));
}
