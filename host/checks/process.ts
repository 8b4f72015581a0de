// Process check: the instance's process is alive (signal 0 reaches it). The pid comes from the
// executor at the moment of the check; no pid means the instance has no process now.
import { passed, failed, type CheckResult } from "./result.ts";

export interface ProcessCheck {
  kind: "process";
  /** The pid to look at, or a function that finds it when the check runs. */
  pid: number | (() => number | undefined);
}

export function runProcessCheck(check: ProcessCheck): Promise<CheckResult> {
  const startedAt = performance.now();
  const pid = typeof check.pid === "function" ? check.pid() : check.pid;
  if (pid === undefined || !Number.isInteger(pid) || pid <= 0) return Promise.resolve(failed(startedAt, "no process"));
  try {
    process.kill(pid, 0);
    return Promise.resolve(passed(startedAt, `pid ${pid} alive`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // EPERM: it exists but belongs to someone else; still alive.
    if (code === "EPERM") return Promise.resolve(passed(startedAt, `pid ${pid} alive (another user's)`));
    return Promise.resolve(failed(startedAt, `pid ${pid} is gone`));
  }
}
