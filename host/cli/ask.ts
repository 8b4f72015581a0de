// One request to a running `myco run` over its control socket, as every client command makes it:
// the answer to `done`, an error printed (as JSON with --json) and mapped to an exit code.
import { controlRequest, ControlUnavailable } from "../supervisor/control-protocol.ts";
import { defaultSocketPath } from "../supervisor/runtime-dir.ts";
import { EXIT } from "./exit-codes.ts";
import type { Output } from "./output.ts";

/** Sends a request, prints errors, maps them to exit codes; `done` gets a successful answer. */
export async function ask<T extends Parameters<typeof controlRequest>[1]>(
  io: Output, socket: string | undefined, request: T, done: (answer: Extract<Awaited<ReturnType<typeof controlRequest>>, { ok: true }>) => void, json = false,
): Promise<number> {
  const fail = (error: string, code: number) => {
    io.err(json ? JSON.stringify({ ok: false, error }) : `myco ${request.command}: ${error}`);
    return code;
  };
  try {
    const answer = await controlRequest(socket ?? defaultSocketPath(), request);
    if (!answer.ok) return fail(answer.error, EXIT.invalid);
    done(answer);
    return EXIT.ok;
  } catch (error) {
    return fail((error as Error).message, error instanceof ControlUnavailable ? EXIT.unavailable : EXIT.failed);
  }
}
