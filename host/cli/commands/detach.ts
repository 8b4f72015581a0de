// `myco up -d services.yaml` (= `myco run --detach`) and `myco down`, the way `docker compose
// up -d` / `down` and `pm2 start` / `pm2 kill` work: `up -d` starts `myco run` in the
// background (its own session, its output in a log file) and returns once every service runs,
// or fails with the reason and a non-zero exit (the supervisor stays up so that `myco status`
// and `myco logs` can tell more); `down` asks it for the graceful stop and waits until its
// process is gone, and with it every process it started.
import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { controlRequest, ControlUnavailable } from "../../supervisor/control-protocol.ts";
import { defaultSocketPath } from "../../supervisor/runtime-dir.ts";
import type { ServiceStatus } from "../../supervisor/status.ts";
import { parseDuration } from "../../manifest/values.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";
import { fromRoot } from "../../package-root.ts";

const MYCO_JS = fromRoot("host", "cli", "myco.js");
const POLL_MS = 200;
/** Log lines shown when the background run ended before its services started. */
const LOG_TAIL = 20;
/** How long `down` waits for the ordered stop before it says so (the run's own limit is 60 s). */
const DOWN_WAIT_MS = 75_000;

export interface DetachOptions {
  socket: string;
  /** Arguments for `myco run` after the manifest (without --socket). */
  runArgs: string[];
  logFile?: string;
  waitMs: number;
  json: boolean;
}

/** Starts `myco run FILE` in the background; resolves to the exit code. */
export async function detach(file: string, options: DetachOptions, io: Output): Promise<number> {
  const { socket } = options;
  const say = (fields: Record<string, unknown>, text: string) => io.out(options.json ? JSON.stringify(fields) : text);
  const fail = (code: number, error: string, fields: Record<string, unknown> = {}) => {
    io.err(options.json ? JSON.stringify({ ok: false, error, ...fields }) : `myco up: ${error}`);
    return code;
  };
  const running = await controlRequest(socket, { command: "status" }).catch(() => null);
  if (running?.ok) return fail(EXIT.failed, `a myco run is already running on ${socket} (pid ${running.pid}, ${running.manifest}); \`myco down\` stops it`, { pid: running.pid });
  const logFile = options.logFile ?? join(dirname(socket), "myco-run.log");
  const log = openSync(logFile, "a");
  const child = spawn(process.execPath, [MYCO_JS, "run", file, "--socket", socket, "--no-live", "--status-every", "1m", ...options.runArgs], {
    detached: true, stdio: ["ignore", log, log], env: process.env,
  });
  closeSync(log);
  let exitCode: number | null = null;
  child.once("exit", (code, signal) => { exitCode = code ?? (signal ? 128 : 1); });
  child.unref();
  const end = Date.now() + options.waitMs;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (exitCode !== null) return fail(exitCode === EXIT.invalid ? EXIT.invalid : EXIT.failed, `myco run ended at once (exit ${exitCode}):\n${tail(logFile)}`, { exit: exitCode, log: logFile });
    const answer = await controlRequest(socket, { command: "status" }).catch(() => null);
    if (!answer?.ok || !answer.status) continue;
    const failed = answer.status.filter((s) => s.state === "failed");
    if (failed.length) {
      return fail(EXIT.failed, `${failed.map((s) => `service '${s.service}' failed`).join(", ")}; the supervisor (pid ${answer.pid}) stays up: \`myco status ${failed[0].service}\` and \`myco logs ${failed[0].service}\` say why, \`myco down\` stops it`, { pid: answer.pid, failed: failed.map((s) => s.service), log: logFile });
    }
    if (answer.status.every(started)) {
      const dashboard = /dashboard: (http:\S+)/.exec(readFileSync(logFile, "utf8"))?.[1];
      say({ ok: true, pid: answer.pid, socket, log: logFile, services: answer.status.map((s) => s.service), dashboard },
        `myco up: ${answer.status.length} services running under pid ${answer.pid}; logs in ${logFile}${dashboard ? `; dashboard ${dashboard}` : ""}; \`myco down\` stops everything`);
      return EXIT.ok;
    }
  }
  return fail(EXIT.failed, `not every service runs after ${options.waitMs / 1000} s; the supervisor stays up: \`myco status\` shows where it is, \`myco down\` stops it`, { log: logFile });
}

function started(s: ServiceStatus): boolean {
  return s.state === "running" || s.state === "disabled" || (s.state === "stopped" && s.instances.endsWith("/0"));
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-LOG_TAIL).join("\n");
  } catch {
    return "(no log)";
  }
}

export function upCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("up").argument("<manifest>", "services.yaml").description("start `myco run` in the background and return once every service runs (`docker compose up -d`)")
    .option("-d, --detach", "run in the background (the only way `up` runs; `myco run` is the foreground)")
    .option("--socket <path>", "control socket (default: the one `myco run` uses)")
    .option("--log-file <file>", "where the background run writes its output (default: myco-run.log beside the socket)")
    .option("--wait <time>", "how long to wait for every service to run", "60s")
    .option("--dashboard <[host:]port>", "serve the web dashboard too")
    .option("--metrics <[host:]port>", "serve Prometheus metrics too")
    .option("--json", "print the outcome as JSON")
    .action(async (file: string, flags: { detach?: boolean; socket?: string; logFile?: string; wait: string; dashboard?: string; metrics?: string; json?: boolean }) => {
      const waitMs = parseDuration(flags.wait);
      if (!waitMs) { io.err(`myco up: --wait '${flags.wait}' is not a duration such as 60s`); return exit(EXIT.usage); }
      if (!flags.detach) { io.err("myco up: pass -d to run in the background (or use `myco run` for the foreground)"); return exit(EXIT.usage); }
      const runArgs = [...(flags.dashboard ? ["--dashboard", flags.dashboard] : []), ...(flags.metrics ? ["--metrics", flags.metrics] : [])];
      exit(await detach(file, { socket: flags.socket ?? defaultSocketPath(), runArgs, logFile: flags.logFile, waitMs, json: flags.json === true }, io));
    });
}

export function downCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("down").description("stop a background `myco run` and everything it started (`docker compose down`)")
    .option("--socket <path>", "control socket (default: the one `myco run` uses)")
    .option("--json", "print the outcome as JSON")
    .action(async (flags: { socket?: string; json?: boolean }) => exit(await down(flags.socket ?? defaultSocketPath(), flags.json === true, io)));
}

export async function down(socket: string, json: boolean, io: Output): Promise<number> {
  let pid: number;
  try {
    const answer = await controlRequest(socket, { command: "status" });
    if (!answer.ok || !answer.pid) throw new Error(answer.ok ? "no pid in the answer" : answer.error);
    pid = answer.pid;
  } catch (error) {
    io.err(json ? JSON.stringify({ ok: false, error: (error as Error).message }) : `myco down: ${(error as Error).message}`);
    return error instanceof ControlUnavailable ? EXIT.unavailable : EXIT.failed;
  }
  // SIGTERM is `myco run`'s graceful shutdown: reverse dependency order, then the rest killed.
  process.kill(pid, "SIGTERM");
  const end = Date.now() + DOWN_WAIT_MS;
  while (alive(pid)) {
    if (Date.now() > end) {
      io.err(`myco down: pid ${pid} still runs after ${DOWN_WAIT_MS / 1000} s; it was asked to stop (SIGTERM); a second \`myco down\` kills at once`);
      return EXIT.failed;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  io.out(json ? JSON.stringify({ ok: true, pid }) : `myco down: pid ${pid} stopped, and every service with it`);
  return EXIT.ok;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
