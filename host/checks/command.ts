// Command check: run a program; exit code 0 passes. It runs in its own process group, and at the
// timeout the whole group is killed, so a hanging check script leaves nothing behind.
import { spawn } from "node:child_process";
import { passed, failed, timedOut, CHECK_TIMEOUT_MS_DEFAULT, type CheckResult } from "./result.ts";

export interface CommandCheck {
  kind: "command";
  command: string;
  args?: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Output kept for the failure message. */
const OUTPUT_CHARS_MAX = 200;

export function runCommandCheck(check: CommandCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS_DEFAULT;
  const startedAt = performance.now();
  const label = [check.command, ...(check.args ?? [])].join(" ");
  return new Promise((resolve) => {
    let done = false;
    let output = "";
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(check.command, check.args ?? [], {
      cwd: check.cwd, env: { ...process.env, ...check.env }, detached: true, stdio: ["ignore", "pipe", "pipe"],
    });
    const keep = (chunk: Buffer) => { if (output.length < OUTPUT_CHARS_MAX) output += chunk.toString("utf8"); };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const killGroup = () => { try { if (child.pid) process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } };
    const timer = setTimeout(() => { killGroup(); finish(timedOut(startedAt, timeoutMs, label)); }, timeoutMs);
    child.on("error", (error) => finish(failed(startedAt, `${label}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "command not found" : error.message}`)));
    child.on("exit", (code, signal) => {
      killGroup(); // anything it left running in its group
      const tail = output.trim().split("\n").pop()?.slice(0, OUTPUT_CHARS_MAX) ?? "";
      if (code === 0) finish(passed(startedAt, `${label}: exit 0`));
      else finish(failed(startedAt, `${label}: ${signal ? `killed by ${signal}` : `exit ${code}`}${tail ? `: ${tail}` : ""}`));
    });
  });
}
