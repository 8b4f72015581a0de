// The TIMEOUTS record (util/record.ts: i32 fields, -1 the kernel's default): how long a
// service's instances may take to start and to stop. The manifest's TIMEOUTS record carries it.
//
//   0 startTimeoutMs | 4 stopTimeoutMs        (defaults.ts: 10 s, 5 s)
import { OK, E_INVALID_TIMEOUT } from "../errors";
import { TIMEOUT_MS_MAX } from "../limits";
import { START_TIMEOUT_MS_DEFAULT, STOP_TIMEOUT_MS_DEFAULT } from "../defaults";
import { field, resolveField } from "../util/record";
import { checkRange } from "./reject";
import { serviceStartTimeoutMs, serviceStopTimeoutMs } from "./services";

export const TIMEOUTS_START_MS: i32 = 0;
export const TIMEOUTS_STOP_MS: i32 = 1;
export const TIMEOUTS_RECORD_BYTES: i32 = 8;

export function timeoutsResolve(from: usize, to: usize): void {
  resolveField(from, to, TIMEOUTS_START_MS, START_TIMEOUT_MS_DEFAULT);
  resolveField(from, to, TIMEOUTS_STOP_MS, STOP_TIMEOUT_MS_DEFAULT);
}

export function timeoutsValid(service: i32, r: usize): i32 {
  const bad = checkRange(E_INVALID_TIMEOUT, service, "startTimeoutMs", field(r, TIMEOUTS_START_MS), 1, TIMEOUT_MS_MAX);
  return bad == OK ? checkRange(E_INVALID_TIMEOUT, service, "stopTimeoutMs", field(r, TIMEOUTS_STOP_MS), 1, TIMEOUT_MS_MAX) : bad;
}

/** Applies a resolved, valid record: the next start or stop deadline uses it. */
export function timeoutsApplyRecord(service: i32, r: usize): void {
  serviceStartTimeoutMs[service] = field(r, TIMEOUTS_START_MS);
  serviceStopTimeoutMs[service] = field(r, TIMEOUTS_STOP_MS);
}

export function timeoutsReadRecord(service: i32, out: usize): i32 {
  store<i32>(out, serviceStartTimeoutMs[service], TIMEOUTS_START_MS << 2);
  store<i32>(out, serviceStopTimeoutMs[service], TIMEOUTS_STOP_MS << 2);
  return TIMEOUTS_RECORD_BYTES;
}
