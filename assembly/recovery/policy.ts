// Recovery configuration per service: what counts as success, when to restart, how fast, how
// often, and what to do for each fault pattern. Everything is validated here, when it is set,
// so a bad combination is refused with the service, field and value named (OTP checks child
// specs at registration, not when a child dies).
//
// Defaults keep the kernel's plain semantics: restart policy `never` (a failure fails the
// service and stops what requires it). Setting `on-failure` or `always` turns the rest on, with
// systemd's limit (5 restarts in 10 s), exponential backoff 100 ms x2 up to 30 s without jitter,
// a 10 s stable run to forget past failures, and for every fault the list DEFAULT_STRATEGIES:
// restart the instance that went down while another one still serves (a pool keeps serving),
// otherwise restart the service with backoff (a single instance, or a pool that is all down).
import { SERVICES_MAX, TIMEOUT_MS_MAX, WINDOW_SLOTS, INSTANCES_PER_SERVICE_MAX } from "../limits";
import {
  OK, E_INVALID_POLICY, E_INVALID_INTENSITY, E_INVALID_BACKOFF, E_UNKNOWN_STRATEGY, E_INVALID_PERIOD,
  E_INVALID_THRESHOLD, E_UNKNOWN_SERVICE,
} from "../errors";
import { isService } from "../registry/services";
import { successExits } from "../lifecycle/inputs"; // the lifecycle reads it: which exits are not failures
import { reject, checkRange } from "../registry/reject";
import * as D from "../defaults";
import { FAULT_PATTERNS, FAULT_FLAPPING, FAULT_STOP_TIMEOUT } from "../lifecycle/faults";
import { STRATEGY_COUNT, restarts } from "./strategies/kinds";
import { WITH_FULL_RECOVERY } from "../features";
import { fillAll } from "../util/fill";

const SUCCESS_EXITS_DEFAULT: u64 = <u64><u32>D.SUCCESS_EXITS_LOW_DEFAULT | (<u64><u32>D.SUCCESS_EXITS_HIGH_DEFAULT << 32);

export const POLICY_NEVER: u8 = 0;
export const POLICY_ON_FAILURE: u8 = 1;
export const POLICY_ALWAYS: u8 = 2;

export const BACKOFF_FIXED: u8 = 0;
export const BACKOFF_LINEAR: u8 = 1;
export const BACKOFF_EXPONENTIAL: u8 = 2;
export const BACKOFF_ADAPTIVE: u8 = 3;

export const JITTER_NONE: u8 = 0;
export const JITTER_FULL: u8 = 1;
export const JITTER_EQUAL: u8 = 2;
export const JITTER_DECORRELATED: u8 = 3;
/** JITTER_PERCENT + p (p 1..100): the delay scaled by a uniform factor in [1 - p %, 1 + p %], capped
 *  (gRPC's connection-backoff jitter; what a manifest's `jitter: 0.2` means). */
export const JITTER_PERCENT: u8 = 128;

export const GROUP_ONE_FOR_ONE: u8 = 0;
export const GROUP_ONE_FOR_ALL: u8 = 1;
export const GROUP_REST_FOR_ONE: u8 = 2;

/** Escalation: restart the service's `requires` group once before giving up. */
export const ESCALATE_GROUP: u8 = 1;
/** Escalation: when giving up, ask the host for a reboot (systemd FailureAction=reboot). */
export const ESCALATE_REBOOT: u8 = 2;

export const restartPolicy = new StaticArray<u8>(SERVICES_MAX);
/** At most `restartsMax` restarts within `restartWindowMs` of supervised time (see intensity.ts). */
export const restartsMax = new StaticArray<u8>(SERVICES_MAX);
export const restartWindowMs = new StaticArray<i32>(SERVICES_MAX);
/** systemd's StartLimit counts every start, operator starts included; OTP counts restarts only. */
export const countEveryStart = new StaticArray<bool>(SERVICES_MAX);
export const backoffKind = new StaticArray<u8>(SERVICES_MAX);
export const backoffJitter = new StaticArray<u8>(SERVICES_MAX);
export const backoffBaseMs = new StaticArray<i32>(SERVICES_MAX);
export const backoffCapMs = new StaticArray<i32>(SERVICES_MAX);
/** Growth per attempt in percent (200: doubles). Exponential and adaptive use it. */
export const backoffFactorPercent = new StaticArray<u16>(SERVICES_MAX);
/** A run this long forgets past failures: backoff attempts and escalation start over. */
export const stableRunMs = new StaticArray<i32>(SERVICES_MAX);
/** Per fault pattern, an ordered list of up to 4 strategies, 4 bits each, the lowest first (0 ends it). */
export const strategyLists = new StaticArray<u16>(SERVICES_MAX * FAULT_PATTERNS);
export const groupStrategy = new StaticArray<u8>(SERVICES_MAX);
export const escalationFlags = new StaticArray<u8>(SERVICES_MAX);
/** Scale-up ceiling (0: the strategy never applies). */
export const scaleMax = new StaticArray<u8>(SERVICES_MAX);
/** Failover target, or -1. */
export const backupService = new StaticArray<i16>(SERVICES_MAX);

/** The default restart limit, within what the window counter can hold. */
export const RESTARTS_DEFAULT: i32 = WINDOW_SLOTS < D.RESTARTS_MAX_DEFAULT ? WINDOW_SLOTS : D.RESTARTS_MAX_DEFAULT;

/** The default strategy list of a fault pattern (defaults.ts): flapping and stop timeouts only alert. */
export function strategiesDefault(pattern: i32): u16 {
  const idle = pattern == <i32>FAULT_FLAPPING || pattern == <i32>FAULT_STOP_TIMEOUT;
  return <u16>(idle ? D.STRATEGIES_IDLE_DEFAULT : D.STRATEGIES_DEFAULT);
}

/** Every row at its defaults (record.ts recoveryDefaults), by column fills: reset and init stay cheap at 8192
 *  services (tiny clears its rows one at a time: supervisor.ts recoveryClearAll). */
export function policyClearAll(): void {
  fillAll(restartPolicy, <u8>D.POLICY_DEFAULT);
  fillAll(successExits, SUCCESS_EXITS_DEFAULT);
  fillAll(restartsMax, <u8>RESTARTS_DEFAULT);
  fillAll(restartWindowMs, D.RESTART_WINDOW_MS_DEFAULT);
  fillAll(countEveryStart, D.COUNT_EVERY_START_DEFAULT != 0);
  fillAll(backoffKind, <u8>D.BACKOFF_KIND_DEFAULT);
  fillAll(backoffJitter, <u8>D.JITTER_DEFAULT);
  fillAll(backoffBaseMs, D.BACKOFF_BASE_MS_DEFAULT);
  fillAll(backoffCapMs, max(D.BACKOFF_CAP_MS_DEFAULT, D.BACKOFF_BASE_MS_DEFAULT));
  fillAll(backoffFactorPercent, <u16>D.BACKOFF_FACTOR_PERCENT_DEFAULT);
  fillAll(stableRunMs, D.STABLE_MS_DEFAULT);
  for (let service = 0; service < SERVICES_MAX; service++) {
    for (let pattern = 0; pattern < FAULT_PATTERNS; pattern++) {
      unchecked(strategyLists[service * FAULT_PATTERNS + pattern] = strategiesDefault(pattern));
    }
  }
  fillAll(groupStrategy, <u8>D.GROUP_DEFAULT);
  fillAll(escalationFlags, <u8>D.ESCALATION_DEFAULT);
  fillAll(scaleMax, <u8>D.SCALE_MAX_DEFAULT);
  fillAll(backupService, <i16>D.BACKUP_DEFAULT);
}

// ---- checks (no state read but the arguments: the manifest validates a blob's values with
// them, for a service that may not be registered yet) and setters (checked; nothing changes
// on error) ------------------------------------------------------------------------------------

/** The policy, and the combination it must not make with the restart limit. */
export function policyValid(service: i32, policy: i64, restarts: i64): i32 {
  if (policy < 0 || policy > <i64>POLICY_ALWAYS) return reject(E_INVALID_POLICY, service, "restart policy", policy, "is not 0..2");
  if (policy == <i64>POLICY_ALWAYS && restarts == 0) {
    return reject(E_INVALID_INTENSITY, service, "restart policy", policy, "(always) contradicts restartsMax 0");
  }
  return OK;
}

export function limitsValid(service: i32, restarts: i64, windowMs: i64): i32 {
  const bad = checkRange(E_INVALID_INTENSITY, service, "restartsMax", restarts, 0, WINDOW_SLOTS);
  return bad == OK ? checkRange(E_INVALID_PERIOD, service, "restartWindowMs", windowMs, 1, TIMEOUT_MS_MAX) : bad;
}

/** jitter: JITTER_* or JITTER_PERCENT + 1..100. */
export function backoffValid(service: i32, kind: i64, baseMs: i64, capMs: i64, factorPercent: i64, jitter: i64): i32 {
  if (kind < 0 || kind > <i64>BACKOFF_ADAPTIVE) return reject(E_INVALID_BACKOFF, service, "backoff kind", kind, "is not 0..3");
  if (jitter < 0 || (jitter > <i64>JITTER_DECORRELATED && (jitter <= <i64>JITTER_PERCENT || jitter > <i64>JITTER_PERCENT + 100))) {
    return reject(E_INVALID_BACKOFF, service, "jitter", jitter, "is not 0..3 or 129..228");
  }
  let bad = checkRange(E_INVALID_BACKOFF, service, "baseMs", baseMs, 0, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(E_INVALID_BACKOFF, service, "capMs", capMs, baseMs, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(E_INVALID_BACKOFF, service, "factorPercent", factorPercent, 100, 1000);
  return bad;
}

export function groupValid(service: i32, strategy: i64, flags: i64): i32 {
  if (strategy < 0 || strategy > <i64>(WITH_FULL_RECOVERY ? GROUP_REST_FOR_ONE : GROUP_ONE_FOR_ONE)) {
    return reject(E_UNKNOWN_STRATEGY, service, "group strategy", strategy, "is not 0..2");
  }
  return checkRange(E_UNKNOWN_STRATEGY, service, "escalation flags", flags, 0, WITH_FULL_RECOVERY ? 3 : 0);
}

/** `list`: up to 4 strategies, one per 4 bits, lowest first, 0 ends the list. */
export function strategiesValid(service: i32, pattern: i32, list: i64): i32 {
  if (list < 0 || list > 0xffff) return reject(E_UNKNOWN_STRATEGY, service, "strategy list", list, "has more than 4 strategies");
  let ended = false;
  for (let rest = <i32>list; rest != 0; rest >>= 4) {
    const strategy = rest & 15;
    if (strategy == 0) { ended = true; continue; }
    if (!WITH_FULL_RECOVERY && !restarts(strategy)) return reject(E_UNKNOWN_STRATEGY, service, "strategy", strategy, "is not in this profile");
    if (ended || strategy >= STRATEGY_COUNT) {
      return reject(E_UNKNOWN_STRATEGY, service, "strategy", ended ? 0 : strategy, "is not 1..8 or follows the end");
    }
  }
  return OK;
}

/** Scale-up ceiling 0..INSTANCES_PER_SERVICE_MAX; the backup (-1: none) is the caller's to check. */
export function scaleValid(service: i32, instancesMax: i64): i32 {
  return checkRange(E_INVALID_THRESHOLD, service, "scaleMax", instancesMax, 0, INSTANCES_PER_SERVICE_MAX);
}

/** The backup service `backup` (-1: none) of a registered `service`. */
export function backupValid(service: i32, backup: i32): i32 {
  if (backup == -1 || (isService(backup) && backup != service)) return OK;
  return reject(E_UNKNOWN_SERVICE, service, "backup service id", backup, "is not another service or -1");
}
