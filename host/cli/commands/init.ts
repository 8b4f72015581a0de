// `myco init [DIR]`: writes a commented starter services.yaml (host/cli/starter.ts) that
// `myco check` accepts; never overwrites a file unless --force.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { EXIT } from "../exit-codes.ts";
import { STARTER } from "../starter.ts";
import type { Output } from "../output.ts";

export function initCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("init").argument("[dir]", "where to write services.yaml", ".").description("write a commented starter services.yaml (web server, database, cache, monitoring)")
    .option("--force", "overwrite an existing services.yaml")
    .option("--json", "print { file } as JSON")
    .action((dir: string, flags: { force?: boolean; json?: boolean }) => {
      const file = join(dir, "services.yaml");
      if (existsSync(file) && !flags.force) {
        io.err(`myco init: ${file} exists; pass --force to overwrite it`);
        return exit(EXIT.invalid);
      }
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, STARTER);
      io.out(flags.json ? JSON.stringify({ file }) : `wrote ${file}: 4 services from the templates (db, cache, web, monitoring); next: myco check ${file}`);
      exit(EXIT.ok);
    });
}
