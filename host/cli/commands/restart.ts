// `myco restart SERVICE`: restart a service of a running `myco run` (what requires it restarts
// with it, dependencies first), or start it again if it had stopped or failed.
import type { Command } from "commander";
import { ask } from "./status.ts";
import type { Output } from "../myco.ts";

export function restartCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("restart").argument("<service>", "the service's name").description("restart a service of a running `myco run`")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (service: string, flags: { socket?: string }) => {
      exit(await ask(io, flags.socket, { command: "restart", service }, () => io.out(`${service}: restart requested`)));
    });
}
