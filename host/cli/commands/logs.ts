// `myco logs [SERVICE]`: the newest output of a running `myco run`'s instances, from their
// bounded log rings; without a service, every service's lines in time order, each prefixed
// with its service (coloured per service on a terminal). --since keeps the newer lines only;
// --follow keeps printing what comes (Ctrl-C ends it); --json prints one JSON object a line.
import type { Command } from "commander";
import { controlRequest } from "../../supervisor/control-protocol.ts";
import { defaultSocketPath } from "../../supervisor/runtime-dir.ts";
import type { InstanceLogLine } from "../../supervisor/control-protocol.ts";
import { parseDuration } from "../../manifest/values.ts";
import { ask } from "../ask.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

const FOLLOW_EVERY_MS = 500;
/** Lines asked for per instance when --since filters them (the rings hold at most this). */
const SINCE_LINES = 10_000;
/** ANSI colours given to services in turn. */
const COLOURS = [36, 33, 35, 32, 34, 91, 96, 93, 95, 92];

interface LogsFlags { lines: string; follow?: boolean; since?: string; json?: boolean; color?: boolean; socket?: string }

export function logsCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("logs").argument("[service]", "one service (default: every service)").description("print the output of the services' instances")
    .option("-n, --lines <n>", "how many of the newest lines (per instance)", "100")
    .option("-f, --follow", "keep printing new lines until Ctrl-C")
    .option("--since <time>", "only lines newer than this: a duration ago (10m, 30s) or a time (2026-01-02T03:04:05Z)")
    .option("--json", "one JSON object per line: {service, ordinal, timeMs, stream, text}")
    .option("--no-color", "no colours, even on a terminal")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .action(async (service: string | undefined, flags: LogsFlags) => {
      const lines = Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 1) { io.err(`myco logs: --lines '${flags.lines}' is not a positive number`); return exit(EXIT.usage); }
      const sinceMs = flags.since === undefined ? 0 : parseSince(flags.since);
      if (sinceMs === undefined) { io.err(`myco logs: --since '${flags.since}' is not a duration (10m) or a time (2026-01-02T03:04:05Z)`); return exit(EXIT.usage); }
      const print = printer(io, service === undefined, flags);
      let next: Record<string, number> = {};
      const code = await ask(io, flags.socket, { command: "logs", service, lines: sinceMs ? SINCE_LINES : lines }, (answer) => {
        const shown = (answer.logs ?? []).filter((line) => line.timeMs >= sinceMs);
        for (const line of sinceMs ? shown.slice(-lines * Math.max(1, new Set(shown.map((l) => `${l.service}#${l.ordinal}`)).size)) : shown) print(line);
        next = answer.next ?? {};
      }, flags.json);
      if (code !== EXIT.ok || !flags.follow) return exit(code);
      exit(await follow(io, flags.socket ?? defaultSocketPath(), service, next, print));
    });
}

/** A duration ago, or an absolute time; undefined when it is neither. */
export function parseSince(text: string): number | undefined {
  const ago = parseDuration(text);
  if (ago !== undefined) return Date.now() - ago;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}

async function follow(io: Output, socket: string, service: string | undefined, since: Record<string, number>, print: (line: InstanceLogLine) => void): Promise<number> {
  let stop = false;
  const onSignal = () => { stop = true; };
  process.once("SIGINT", onSignal);
  try {
    while (!stop) {
      await new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS));
      const answer = await controlRequest(socket, { command: "logs", service, since }).catch(() => null);
      if (!answer || !answer.ok) { io.err(`myco logs: ${answer && !answer.ok ? answer.error : "the supervisor went away"}`); return EXIT.ok; }
      for (const line of answer.logs ?? []) print(line);
      since = answer.next ?? since;
    }
    return EXIT.ok;
  } finally {
    process.off("SIGINT", onSignal);
  }
}

function printer(io: Output, every: boolean, flags: LogsFlags): (line: InstanceLogLine) => void {
  if (flags.json) return (line) => io.out(JSON.stringify(line));
  const colour = every && flags.color !== false && process.stdout.isTTY === true;
  const colours = new Map<string, number>();
  return (line) => {
    const stream = line.stream === "stdout" ? "out" : line.stream === "stderr" ? "err" : "myco";
    let name = `${line.service}#${line.ordinal}`;
    if (colour) {
      if (!colours.has(line.service)) colours.set(line.service, COLOURS[colours.size % COLOURS.length]);
      name = `\x1b[${colours.get(line.service)}m${name}\x1b[0m`;
    }
    io.out(`${new Date(line.timeMs).toISOString().slice(11, 23)} ${name} ${stream.padEnd(4)}| ${line.text}`);
  };
}
