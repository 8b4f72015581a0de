// Custom check: a JavaScript function. It passes when it returns (or resolves to) true or
// { ok: true }, fails on false, { ok: false }, a throw or a rejection, and times out like any
// other check (the function cannot be stopped, but its answer no longer counts).
import { passed, failed, timedOut, CHECK_TIMEOUT_MS_DEFAULT, type CheckResult } from "./result.ts";

export type CustomAnswer = boolean | { ok: boolean; message?: string };

export interface CustomCheck {
  kind: "custom";
  name?: string;
  run: (signal: AbortSignal) => CustomAnswer | Promise<CustomAnswer>;
  timeoutMs?: number;
}

export function runCustomCheck(check: CustomCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS_DEFAULT;
  const label = check.name ?? "custom check";
  const startedAt = performance.now();
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => { abort.abort(); resolve(timedOut(startedAt, timeoutMs, label)); }, timeoutMs);
  });
  const answer = (async () => check.run(abort.signal))().then(
    (value) => {
      const ok = typeof value === "boolean" ? value : value?.ok === true;
      const message = typeof value === "object" && value?.message ? value.message : `${label}: ${ok ? "ok" : "failed"}`;
      return ok ? passed(startedAt, message) : failed(startedAt, message);
    },
    (error: unknown) => failed(startedAt, `${label} threw: ${error instanceof Error ? error.message : String(error)}`),
  );
  return Promise.race([answer, deadline]).finally(() => clearTimeout(timer));
}
