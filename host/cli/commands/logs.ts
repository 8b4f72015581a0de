// `myco logs SERVICE`: the newest output of a service's instances, from the bounded log rings
// of a running `myco run`; --follow keeps printing what comes (Ctrl-C ends it).
import type { Command } from "commander";
import { controlRequest, defaultSocketPath } from "../../supervisor/control.ts";
import type { InstanceLogLine } from "../../supervisor/control.ts";
import { ask } from "./status.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../myco.ts";

const FOLLOW_EVERY_MS = 500;

export function logsCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("logs").argument("<service>", "the service's name").description("print the output of a service's instances")
    .option("-n, --lines <n>", "how many of the newest lines", "100")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (service: string, flags: { lines: string; follow?: boolean; socket?: string }) => {
      const lines = Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 1) { io.err(`myco logs: --lines '${flags.lines}' is not a positive number`); return exit(EXIT.usage); }
      let next: Record<string, number> = {};
      const code = await ask(io, flags.socket, { command: "logs", service, lines }, (answer) => {
        for (const line of answer.logs ?? []) io.out(format(service, line));
        next = answer.next ?? {};
      });
      if (code !== EXIT.ok || !flags.follow) return exit(code);
      exit(await follow(io, flags.socket ?? defaultSocketPath(), service, next));
    });
}

async function follow(io: Output, socket: string, service: string, since: Record<string, number>): Promise<number> {
  let stop = false;
  const onSignal = () => { stop = true; };
  process.once("SIGINT", onSignal);
  try {
    while (!stop) {
      await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
      const answer = await controlRequest(socket, { command: "logs", service, since }).catch(() => null);
      if (!answer || !answer.ok) { io.err(`myco logs: ${answer && !answer.ok ? answer.error : "the supervisor went away"}`); return EXIT.ok; }
      for (const line of answer.logs ?? []) io.out(format(service, line));
      since = answer.next ?? since;
    }
    return EXIT.ok;
  } finally {
    process.off("SIGINT", onSignal);
  }
}

function format(service: string, line: InstanceLogLine): string {
  const stream = line.stream === "stdout" ? "out" : line.stream === "stderr" ? "err" : "myco";
  return `${new Date(line.timeMs).toISOString().slice(11, 23)} ${service}#${line.ordinal} ${stream.padEnd(4)}| ${line.text}`;
}
