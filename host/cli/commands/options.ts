// Options shared by the commands that read a manifest.
import type { Command } from "commander";

export function manifestOptions(command: Command): Command {
  return command
    .option("--templates <dir>", "template directory (default: examples/templates)")
    .option("--set <service.key=value>", "override a config value (repeatable; beats the environment)", (v: string, all: string[]) => [...all, v], [] as string[])
    .option("--no-env", "ignore MYCO_<SERVICE>_<KEY> environment variables");
}

export interface ManifestFlags { templates?: string; set: string[]; env: boolean }

export function parseOptions(flags: ManifestFlags) {
  return { templatesDir: flags.templates, overrides: flags.set, env: flags.env ? process.env : {} };
}
