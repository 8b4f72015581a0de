// What every check runner returns, and the helpers they share: a deadline and the latency.

export interface CheckResult {
  ok: boolean;
  /** True when the check gave up at its timeout (a hanging target). */
  timedOut: boolean;
  latencyMs: number;
  /** Why it failed, or what it saw ("HTTP 200", "connected"). */
  message: string;
}

export const CHECK_TIMEOUT_MS_DEFAULT = 2000;

export function passed(startedAt: number, message: string): CheckResult {
  return { ok: true, timedOut: false, latencyMs: elapsed(startedAt), message };
}

export function failed(startedAt: number, message: string): CheckResult {
  return { ok: false, timedOut: false, latencyMs: elapsed(startedAt), message };
}

export function timedOut(startedAt: number, timeoutMs: number, what: string): CheckResult {
  return { ok: false, timedOut: true, latencyMs: elapsed(startedAt), message: `${what}: no answer within ${timeoutMs} ms` };
}

export function elapsed(startedAt: number): number {
  return Math.max(0, performance.now() - startedAt);
}
