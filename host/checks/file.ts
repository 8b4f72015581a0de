// File check: the file exists, and, when maxAgeMs is given, was modified at most that long ago
// (a heartbeat file a service touches). The stat runs off the event loop and has a timeout, so
// a hung network mount fails the check instead of hanging it.
import { stat } from "node:fs/promises";
import { passed, failed, timedOut, CHECK_TIMEOUT_MS_DEFAULT, type CheckResult } from "./result.ts";

export interface FileCheck {
  kind: "file";
  path: string;
  /** The file must be at most this old (mtime), in ms. */
  maxAgeMs?: number;
  timeoutMs?: number;
}

export function runFileCheck(check: FileCheck, nowMs: () => number = Date.now): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS_DEFAULT;
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve(timedOut(startedAt, timeoutMs, `stat ${check.path}`)), timeoutMs);
  });
  const look = stat(check.path).then(
    (info) => {
      if (!info.isFile()) return failed(startedAt, `${check.path} is not a regular file`);
      if (check.maxAgeMs === undefined) return passed(startedAt, `${check.path} exists`);
      const ageMs = Math.max(0, nowMs() - info.mtimeMs);
      return ageMs <= check.maxAgeMs
        ? passed(startedAt, `${check.path} is ${Math.round(ageMs)} ms old`)
        : failed(startedAt, `${check.path} is stale: ${Math.round(ageMs)} ms old, the limit is ${check.maxAgeMs} ms`);
    },
    (error: NodeJS.ErrnoException) => failed(startedAt, error.code === "ENOENT" ? `${check.path} does not exist` : `${check.path}: ${error.code ?? error.message}`),
  );
  return Promise.race([look, deadline]).finally(() => clearTimeout(timer));
}
