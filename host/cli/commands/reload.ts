// `myco reload`: a running `myco run` reads its manifest file again and loads it into the
// kernel: hot config keys change in place (the service's config file is rewritten and its
// instances get SIGHUP), services with cold changes restart, added ones start, removed ones
// stop. A file with problems, or one the kernel refuses, changes nothing. (SIGHUP to the
// `myco run` process does the same.)
import type { Command } from "commander";
import { ask } from "../ask.ts";
import type { Output } from "../output.ts";

export function reloadCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("reload").description("make a running `myco run` apply its manifest file again (hot keys in place)")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (flags: { socket?: string }) => {
      exit(await ask(io, flags.socket, { command: "reload" }, (answer) => io.out(`manifest reloaded: revision ${answer.revision}`)));
    });
}
