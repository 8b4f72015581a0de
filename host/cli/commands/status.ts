// `myco status`: the status table of a running `myco run`, over its control socket.
import type { Command } from "commander";
import { controlRequest, defaultSocketPath, ControlUnavailable } from "../../supervisor/control.ts";
import { formatStatus } from "../../supervisor/status.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../myco.ts";

export function statusCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("status").description("show the services of a running `myco run`")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .option("--json", "print the rows as JSON")
    .action(async (flags: { socket?: string; json?: boolean }) => {
      exit(await ask(io, flags.socket, { command: "status" }, (answer) => {
        if (flags.json) return io.out(JSON.stringify(answer.status, null, 2));
        io.out(`${answer.manifest}: pid ${answer.pid}, up ${((answer.uptimeMs ?? 0) / 1000).toFixed(1)} s`);
        io.out(formatStatus(answer.status ?? []));
      }));
    });
}

/** Sends a request, prints errors, maps them to exit codes; `done` gets a successful answer. */
export async function ask<T extends Parameters<typeof controlRequest>[1]>(
  io: Output, socket: string | undefined, request: T, done: (answer: Extract<Awaited<ReturnType<typeof controlRequest>>, { ok: true }>) => void,
): Promise<number> {
  try {
    const answer = await controlRequest(socket ?? defaultSocketPath(), request);
    if (!answer.ok) {
      io.err(`myco ${request.command}: ${answer.error}`);
      return EXIT.invalid;
    }
    done(answer);
    return EXIT.ok;
  } catch (error) {
    io.err(`myco ${request.command}: ${(error as Error).message}`);
    return error instanceof ControlUnavailable ? EXIT.unavailable : EXIT.failed;
  }
}
