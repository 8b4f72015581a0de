// `myco status [SERVICE]`: the status table of a running `myco run`, over its control socket;
// with a service, its detail (status-service.ts).
import type { Command } from "commander";
import { formatStatus } from "../../supervisor/status.ts";
import { ask } from "../ask.ts";
import type { Output } from "../output.ts";
import { serviceStatus } from "./status-service.ts";

export function statusCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("status").argument("[service]", "one service: its detail, like `systemctl status`").description("show the services of a running `myco run`")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .option("--json", "print the rows (or the service's detail) as JSON")
    .action(async (service: string | undefined, flags: { socket?: string; json?: boolean }) => {
      if (service !== undefined) return exit(await serviceStatus(io, flags.socket, service, flags.json === true));
      exit(await ask(io, flags.socket, { command: "status" }, (answer) => {
        if (flags.json) return io.out(JSON.stringify(answer.status, null, 2));
        io.out(`${answer.manifest}: pid ${answer.pid}, up ${((answer.uptimeMs ?? 0) / 1000).toFixed(1)} s`);
        io.out(formatStatus(answer.status ?? []));
        if ((answer.status ?? []).some((row) => row.limits)) io.out(`limits held by: ${answer.resources}`);
      }, flags.json));
    });
}
