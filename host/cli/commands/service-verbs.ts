// `myco restart|start|stop SERVICE`: the operator's commands to a running `myco run`, over its
// control socket, with systemd's meaning: restart takes what requires the service down and up
// with it; start starts what it requires first; stop stops what requires it first.
import type { Command } from "commander";
import { ask } from "../ask.ts";
import type { Output } from "../output.ts";

const VERBS = {
  restart: "restart a service of a running `myco run` (a stopped or failed one starts)",
  start: "start a stopped or failed service of a running `myco run` (its requirements first)",
  stop: "stop a service of a running `myco run` (what requires it stops first)",
} as const;

export function serviceVerbCommands(program: Command, io: Output, exit: (code: number) => void): void {
  for (const [verb, description] of Object.entries(VERBS) as [keyof typeof VERBS, string][]) {
    program.command(verb).argument("<service>", "the service's name").description(description)
      .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
      .option("--json", "print the answer as JSON")
      .action(async (service: string, flags: { socket?: string; json?: boolean }) => {
        exit(await ask(io, flags.socket, { command: verb, service }, () => {
          io.out(flags.json ? JSON.stringify({ ok: true, service, requested: verb }) : `${service}: ${verb} requested`);
        }, flags.json));
      });
  }
}
