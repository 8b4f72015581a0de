// The restart delay: one backoff kind per file behind one signature, `(service, attempt) -> ms`,
// then the jitter. `attempt` counts restarts in a row; a stable run resets it (policy.ts).
import { SERVICES_MAX } from "../../limits";
import { backoffKind, backoffJitter, backoffBaseMs, BACKOFF_LINEAR, BACKOFF_EXPONENTIAL, BACKOFF_ADAPTIVE } from "../policy";
import { fixedDelay } from "./fixed";
import { linearDelay } from "./linear";
import { exponentialDelay } from "./exponential";
import { adaptiveDelay } from "./adaptive";
import { jitterApply } from "./jitter";
import { fillAll } from "../../util/fill";

/** Attempts are counted up to here; past it every kind has long reached its cap. */
const ATTEMPT_MAX: i32 = 1024;

export const backoffAttempt = new StaticArray<u16>(SERVICES_MAX);
/** The last delay drawn (decorrelated jitter grows from it). */
export const backoffLastMs = new StaticArray<i32>(SERVICES_MAX);

function formula(kind: u8, service: i32, attempt: i32): i64 {
  if (kind == BACKOFF_LINEAR) return linearDelay(service, attempt);
  if (kind == BACKOFF_EXPONENTIAL) return exponentialDelay(service, attempt);
  if (kind == BACKOFF_ADAPTIVE) return adaptiveDelay(service, attempt);
  return fixedDelay(service, attempt);
}

/** The delay before the next restart in a row; counts the attempt. */
export function backoffNext(service: i32): i32 {
  const attempt = min(<i32>backoffAttempt[service] + 1, ATTEMPT_MAX);
  backoffAttempt[service] = <u16>attempt;
  const previous = attempt == 1 ? <i64>backoffBaseMs[service] : <i64>backoffLastMs[service];
  const delay = <i32>jitterApply(backoffJitter[service], service, formula(backoffKind[service], service, attempt), previous);
  backoffLastMs[service] = delay;
  return delay;
}

/** A stable run or an operator start: the next failure starts the sequence over. */
export function backoffForget(service: i32): void {
  backoffAttempt[service] = 0;
}

export function backoffForgetAll(): void { fillAll(backoffAttempt, 0); }
