// `myco dashboard`: the live web dashboard of an already running `myco run`, attached through
// its control socket (the page is the same as `myco run --dashboard` serves). Runs until
// Ctrl-C. Also the waiting loop `myco sim --dashboard` shares.
import type { Command } from "commander";
import { controlRequest, ControlUnavailable } from "../../supervisor/control-protocol.ts";
import { defaultSocketPath } from "../../supervisor/runtime-dir.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import { serveDashboard, parseListen, DashboardError, type DashboardServer } from "../../dashboard/server.ts";
import { RemoteSource } from "../../dashboard/source.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export function dashboardCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("dashboard").description("serve the web dashboard of a running `myco run` (attached over its control socket)")
    .option("--listen <[host:]port>", "where the page is served (loopback by default)", "7070")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (flags: { listen: string; socket?: string }) => {
      const socket = flags.socket ?? defaultSocketPath();
      let server: DashboardServer;
      try {
        server = await attachDashboard(socket, flags.listen, (error) => io.err(`myco dashboard: ${describeError(error)}`));
      } catch (error) {
        io.err(`myco dashboard: ${(error as Error).message}`);
        return exit(error instanceof ControlUnavailable ? EXIT.unavailable : error instanceof DashboardError && error.code === "EUSAGE" ? EXIT.usage : EXIT.failed);
      }
      io.out(`dashboard of ${socket}: ${server.url}  (Ctrl-C to stop)`);
      await untilInterrupted();
      await server.close();
      exit(EXIT.ok);
    });
}

/** Checks that a `myco run` answers, then serves its dashboard. */
export async function attachDashboard(socket: string, listen: string, onError: (error: Error) => void): Promise<DashboardServer> {
  const { host, port } = parseListen(listen, "--listen");
  const answer = await controlRequest(socket, { command: "status" });
  if (!answer.ok) throw new Error(answer.error);
  let reported = false;
  return serveDashboard({
    host, port, source: new RemoteSource(socket),
    // The run went away: say so once, not on every poll.
    onError: (error) => { if (!reported) onError(error); reported = true; },
  });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilInterrupted(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    process.on("SIGINT", done);
    process.on("SIGTERM", done);
  });
}
