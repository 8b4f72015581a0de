// Balancing configuration as three records (util/record.ts: i32 fields, -1 the kernel's
// default): BALANCE (strategy and options), BREAKER, OUTLIER. Each is resolved (defaults filled,
// defaults.ts), validated whole (settings that depend on each other are checked together) and
// only then applied: a bad value is an error code whose detail names the service, the field and
// the value, and nothing changes. The ABI (records/abi.ts) and the manifest's BALANCE section
// (manifest/sections/balance.ts) apply the same records through these functions.
//
//   BALANCE   0 strategy | 4 choices | 8 activeBiasPercent | 12 panicPercent | 16 decayMs | 20 defaultCostMs
//   BREAKER   0 enabled | 4 windowSize | 8 minCalls | 12 failureRatePercent | 16 consecutiveFailures |
//             20 slowCallMs | 24 slowRatePercent | 28 openMs | 32 openMaxMs | 36 halfOpenPermits
//   OUTLIER   0 enabled | 4 consecutiveFailures | 8 baseEjectionMs | 12 maxEjectionMs | 16 maxEjectedPercent
import { WITH_ALL_STRATEGIES, WITH_BREAKER, WITH_SENTENCES } from "../features";
import {
  OK, E_INVALID_STRATEGY, E_INVALID_OPTION, E_INVALID_BREAKER, E_INVALID_OUTLIER, E_CAPACITY_HASH_TABLES, E_INVALID_WEIGHT,
} from "../errors";
import { TIMEOUT_MS_MAX, BREAKER_WINDOW_MAX, BREAKER_PERMITS_MAX, HASH_TABLES_MAX, BALANCE_WEIGHT_MAX } from "../limits";
import * as D from "../defaults";
import { fail, Detail } from "../util/detail";
import { checkRange, outsideRange } from "../registry/reject";
import { field, resolveField, resolveFields, recordDefaults, recordScratch, RECORD_DEFAULT } from "../util/record";
import { sayService } from "../registry/services";
import { instanceService, instanceHandle } from "../registry/instances";
import { breakerResetAll } from "./breaker";
import { hashTableAcquire } from "./strategies/consistent-hash";
import {
  STRATEGY_COUNT, STRATEGY_CONSISTENT_HASH, strategyInProfile, serviceAt, markStale, markMembershipChanged, SERVICE_STRATEGY,
  SERVICE_CHOICES, SERVICE_BIAS_PERCENT, SERVICE_PANIC_PERCENT, SERVICE_DECAY_MS, SERVICE_DEFAULT_COST_MS,
  SERVICE_HASH_TABLE, SERVICE_BREAKER_ON, SERVICE_WINDOW_SIZE, SERVICE_MIN_CALLS, SERVICE_FAILURE_RATE,
  SERVICE_BREAKER_CONSECUTIVE, SERVICE_SLOW_CALL_MS, SERVICE_SLOW_RATE, SERVICE_OPEN_MS, SERVICE_OPEN_MAX_MS,
  SERVICE_HALF_OPEN_PERMITS, SERVICE_EJECT_CONSECUTIVE, SERVICE_EJECT_CONFIGURED, SERVICE_EJECT_BASE_MS,
  SERVICE_EJECT_MAX_MS, SERVICE_EJECT_MAX_PERCENT,
} from "./tables";

export const BALANCE_STRATEGY: i32 = 0;
export const BALANCE_CHOICES: i32 = 1;
export const BALANCE_BIAS_PERCENT: i32 = 2;
export const BALANCE_PANIC_PERCENT: i32 = 3;
export const BALANCE_DECAY_MS: i32 = 4;
export const BALANCE_DEFAULT_COST_MS: i32 = 5;
export const BALANCE_RECORD_BYTES: i32 = 24;

export const BREAKER_ENABLED: i32 = 0;
export const BREAKER_WINDOW_SIZE: i32 = 1;
export const BREAKER_MIN_CALLS: i32 = 2;
export const BREAKER_FAILURE_RATE: i32 = 3;
export const BREAKER_CONSECUTIVE: i32 = 4;
export const BREAKER_SLOW_CALL_MS: i32 = 5;
export const BREAKER_SLOW_RATE: i32 = 6;
export const BREAKER_OPEN_MS: i32 = 7;
export const BREAKER_OPEN_MAX_MS: i32 = 8;
export const BREAKER_PERMITS: i32 = 9;
export const BREAKER_RECORD_BYTES: i32 = 40;

export const OUTLIER_ENABLED: i32 = 0;
export const OUTLIER_CONSECUTIVE: i32 = 1;
export const OUTLIER_BASE_MS: i32 = 2;
export const OUTLIER_MAX_MS: i32 = 3;
export const OUTLIER_MAX_PERCENT: i32 = 4;
export const OUTLIER_RECORD_BYTES: i32 = 20;

/** "instance <handle> of service 'api': " */
export function sayInstance(detail: Detail, slot: i32): Detail {
  if (!WITH_SENTENCES) return detail; // without sentences (tiny) the name is not read: its loads would stay in every error path
  return sayService(detail.text("instance ").int(instanceHandle(slot)).text(" of service "), <i32>instanceService[slot])
    .text(": ");
}

@inline function within(value: i64, low: i64, high: i64): bool { return value >= low && value <= high; }

/** E_CAPACITY_HASH_TABLES: the service cannot hash, every table is held. */
export function hashTablesTaken(service: i32): i32 {
  return sayService(fail(E_CAPACITY_HASH_TABLES).text("service "), service).text(": all ").int(HASH_TABLES_MAX)
    .text(" consistent-hash tables are held by other services").code();
}

/** An instance weight: 1..BALANCE_WEIGHT_MAX. */
export function weightValid(service: i32, weight: i64): i32 {
  return checkRange(E_INVALID_WEIGHT, service, "weight", weight, 1, BALANCE_WEIGHT_MAX);
}

// ---- BALANCE ----------------------------------------------------------------------------------

/** Each field's default (defaults.ts) in field order. */
const BALANCE_DEFAULTS = memory.data<i32>([
  D.STRATEGY_DEFAULT, D.CHOICES_DEFAULT, D.BIAS_PERCENT_DEFAULT, D.PANIC_PERCENT_DEFAULT, D.DECAY_MS_DEFAULT,
  D.DEFAULT_COST_MS_DEFAULT,
]);

export function balanceResolve(from: usize, to: usize): void {
  resolveFields(from, to, BALANCE_DEFAULTS, BALANCE_RECORD_BYTES / 4);
}

/** A resolved BALANCE record: OK or the error (reads no state). */
export function balanceValid(service: i32, r: usize): i32 {
  const strategy = field(r, BALANCE_STRATEGY);
  if (!within(strategy, 0, <i32>STRATEGY_COUNT - 1) || !strategyInProfile(strategy)) {
    return outsideRange(E_INVALID_STRATEGY, service, "strategy", strategy, 0, <i32>STRATEGY_COUNT - 1);
  }
  const choices = field(r, BALANCE_CHOICES);
  if (choices != 0 && choices != 2) {
    return sayService(fail(E_INVALID_OPTION).text("service "), service).text(": choices ").int(choices)
      .text(" is neither 0 (compare all) nor 2 (two random choices)").code();
  }
  const code = E_INVALID_OPTION;
  let bad = checkRange(code, service, "activeBiasPercent", field(r, BALANCE_BIAS_PERCENT), 0, 1000);
  if (bad == OK) bad = checkRange(code, service, "panicPercent", field(r, BALANCE_PANIC_PERCENT), 0, 100);
  if (bad == OK) bad = checkRange(code, service, "decayMs", field(r, BALANCE_DECAY_MS), 1, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "defaultCostMs", field(r, BALANCE_DEFAULT_COST_MS), 1, TIMEOUT_MS_MAX);
  return bad;
}

/** Applies a resolved, valid BALANCE record. Fails (changing nothing) only when consistent
 *  hashing finds every table held. */
export function balanceApplyRecord(service: i32, r: usize): i32 {
  const strategy = field(r, BALANCE_STRATEGY);
  const config = serviceAt(service);
  if (<i32>load<u8>(config, SERVICE_STRATEGY) != strategy) {
    if (WITH_ALL_STRATEGIES && strategy == <i32>STRATEGY_CONSISTENT_HASH && hashTableAcquire(service) < 0) return hashTablesTaken(service);
    if (strategy != <i32>STRATEGY_CONSISTENT_HASH) store<i8>(config, -1, SERVICE_HASH_TABLE); // lets its table go
    store<u8>(config, <u8>strategy, SERVICE_STRATEGY);
    markMembershipChanged(service);
  }
  balanceStoreOptions(config, r);
  markStale(service);
  return OK;
}

function balanceStoreOptions(config: usize, r: usize): void {
  store<u8>(config, <u8>field(r, BALANCE_CHOICES), SERVICE_CHOICES);
  store<u16>(config, <u16>field(r, BALANCE_BIAS_PERCENT), SERVICE_BIAS_PERCENT);
  store<u8>(config, <u8>field(r, BALANCE_PANIC_PERCENT), SERVICE_PANIC_PERCENT);
  store<i32>(config, field(r, BALANCE_DECAY_MS), SERVICE_DECAY_MS);
  store<i32>(config, field(r, BALANCE_DEFAULT_COST_MS), SERVICE_DEFAULT_COST_MS);
}

export function balanceReadRecord(service: i32, out: usize): i32 {
  const config = serviceAt(service);
  store<i32>(out, <i32>load<u8>(config, SERVICE_STRATEGY), BALANCE_STRATEGY << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_CHOICES), BALANCE_CHOICES << 2);
  store<i32>(out, <i32>load<u16>(config, SERVICE_BIAS_PERCENT), BALANCE_BIAS_PERCENT << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_PANIC_PERCENT), BALANCE_PANIC_PERCENT << 2);
  store<i32>(out, load<i32>(config, SERVICE_DECAY_MS), BALANCE_DECAY_MS << 2);
  store<i32>(out, load<i32>(config, SERVICE_DEFAULT_COST_MS), BALANCE_DEFAULT_COST_MS << 2);
  return BALANCE_RECORD_BYTES;
}

// ---- BREAKER ----------------------------------------------------------------------------------

export function breakerResolve(from: usize, to: usize): void {
  // tiny: only `enabled` is read (it must be 0); the table below is then not in its memory
  if (!WITH_BREAKER) { resolveField(from, to, BREAKER_ENABLED, D.BREAKER_ENABLED_DEFAULT); return; }
  // each field's default (defaults.ts) in field order; minCalls' and openMaxMs' are derived
  const defaults = memory.data<i32>([
    D.BREAKER_ENABLED_DEFAULT, D.BREAKER_WINDOW_DEFAULT, RECORD_DEFAULT, D.BREAKER_FAILURE_RATE_DEFAULT,
    D.BREAKER_CONSECUTIVE_DEFAULT, D.BREAKER_SLOW_CALL_MS_DEFAULT, D.BREAKER_SLOW_RATE_DEFAULT, D.BREAKER_OPEN_MS_DEFAULT,
    RECORD_DEFAULT, D.BREAKER_PERMITS_DEFAULT,
  ]);
  resolveFields(from, to, defaults, BREAKER_RECORD_BYTES / 4);
  resolveField(to, to, BREAKER_MIN_CALLS, min(D.BREAKER_MIN_CALLS_DEFAULT, max(field(to, BREAKER_WINDOW_SIZE), 1)));
  resolveField(to, to, BREAKER_OPEN_MAX_MS, max(D.BREAKER_OPEN_MAX_MS_DEFAULT, field(to, BREAKER_OPEN_MS)));
}

/** A resolved BREAKER record: OK or the error (reads no state). */
export function breakerValid(service: i32, r: usize): i32 {
  const code = E_INVALID_BREAKER;
  let bad = checkRange(code, service, "enabled", field(r, BREAKER_ENABLED), 0, WITH_BREAKER ? 1 : 0);
  if (!WITH_BREAKER || bad != OK) return bad; // tiny: no breaker, its settings are never read
  const windowSize = field(r, BREAKER_WINDOW_SIZE), failureRate = field(r, BREAKER_FAILURE_RATE);
  const consecutive = field(r, BREAKER_CONSECUTIVE), slowCallMs = field(r, BREAKER_SLOW_CALL_MS);
  const slowRate = field(r, BREAKER_SLOW_RATE), openMs = field(r, BREAKER_OPEN_MS);
  bad = checkRange(code, service, "windowSize", windowSize, 1, BREAKER_WINDOW_MAX);
  if (bad == OK) bad = checkRange(code, service, "minCalls", field(r, BREAKER_MIN_CALLS), 1, windowSize);
  if (bad == OK) bad = checkRange(code, service, "failureRatePercent", failureRate, 0, 100);
  if (bad == OK) bad = checkRange(code, service, "consecutiveFailures", consecutive, 0, 0xffff);
  if (bad == OK) bad = checkRange(code, service, "slowCallMs", slowCallMs, 0, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "slowRatePercent (0 while slowCallMs is 0)", slowRate, 0, slowCallMs > 0 ? 100 : 0);
  if (bad != OK) return bad;
  if (failureRate == 0 && consecutive == 0 && slowRate == 0) {
    return sayService(fail(code).text("service "), service)
      .text(": failureRatePercent, consecutiveFailures and slowRatePercent are all 0, so nothing could open the breaker")
      .code();
  }
  bad = checkRange(code, service, "openMs", openMs, 1, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "openMaxMs", field(r, BREAKER_OPEN_MAX_MS), openMs, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "halfOpenPermits", field(r, BREAKER_PERMITS), 1, BREAKER_PERMITS_MAX);
  return bad;
}

/** Applies a resolved, valid BREAKER record. Changed settings start every instance's breaker
 *  closed; the same settings again leave the breakers as they are. */
export function breakerApplyRecord(service: i32, r: usize): void {
  if (!WITH_BREAKER) return;
  const config = serviceAt(service);
  let same = <i32>load<u8>(config, SERVICE_BREAKER_ON) == field(r, BREAKER_ENABLED)
    && <i32>load<u8>(config, SERVICE_WINDOW_SIZE) == field(r, BREAKER_WINDOW_SIZE)
    && <i32>load<u8>(config, SERVICE_MIN_CALLS) == field(r, BREAKER_MIN_CALLS)
    && <i32>load<u8>(config, SERVICE_FAILURE_RATE) == field(r, BREAKER_FAILURE_RATE)
    && <i32>load<u16>(config, SERVICE_BREAKER_CONSECUTIVE) == field(r, BREAKER_CONSECUTIVE);
  same = same && load<i32>(config, SERVICE_SLOW_CALL_MS) == field(r, BREAKER_SLOW_CALL_MS)
    && <i32>load<u8>(config, SERVICE_SLOW_RATE) == field(r, BREAKER_SLOW_RATE)
    && load<i32>(config, SERVICE_OPEN_MS) == field(r, BREAKER_OPEN_MS)
    && load<i32>(config, SERVICE_OPEN_MAX_MS) == field(r, BREAKER_OPEN_MAX_MS)
    && <i32>load<u8>(config, SERVICE_HALF_OPEN_PERMITS) == field(r, BREAKER_PERMITS);
  if (same) return;
  breakerStore(config, r);
  breakerResetAll(service);
}

function breakerStore(config: usize, r: usize): void {
  store<u8>(config, <u8>field(r, BREAKER_ENABLED), SERVICE_BREAKER_ON);
  store<u8>(config, <u8>field(r, BREAKER_WINDOW_SIZE), SERVICE_WINDOW_SIZE);
  store<u8>(config, <u8>field(r, BREAKER_MIN_CALLS), SERVICE_MIN_CALLS);
  store<u8>(config, <u8>field(r, BREAKER_FAILURE_RATE), SERVICE_FAILURE_RATE);
  store<u16>(config, <u16>field(r, BREAKER_CONSECUTIVE), SERVICE_BREAKER_CONSECUTIVE);
  store<i32>(config, field(r, BREAKER_SLOW_CALL_MS), SERVICE_SLOW_CALL_MS);
  store<u8>(config, <u8>field(r, BREAKER_SLOW_RATE), SERVICE_SLOW_RATE);
  store<i32>(config, field(r, BREAKER_OPEN_MS), SERVICE_OPEN_MS);
  store<i32>(config, field(r, BREAKER_OPEN_MAX_MS), SERVICE_OPEN_MAX_MS);
  store<u8>(config, <u8>field(r, BREAKER_PERMITS), SERVICE_HALF_OPEN_PERMITS);
}

export function breakerReadRecord(service: i32, out: usize): i32 {
  const config = serviceAt(service);
  store<i32>(out, <i32>load<u8>(config, SERVICE_BREAKER_ON), BREAKER_ENABLED << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_WINDOW_SIZE), BREAKER_WINDOW_SIZE << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_MIN_CALLS), BREAKER_MIN_CALLS << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_FAILURE_RATE), BREAKER_FAILURE_RATE << 2);
  store<i32>(out, <i32>load<u16>(config, SERVICE_BREAKER_CONSECUTIVE), BREAKER_CONSECUTIVE << 2);
  store<i32>(out, load<i32>(config, SERVICE_SLOW_CALL_MS), BREAKER_SLOW_CALL_MS << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_SLOW_RATE), BREAKER_SLOW_RATE << 2);
  store<i32>(out, load<i32>(config, SERVICE_OPEN_MS), BREAKER_OPEN_MS << 2);
  store<i32>(out, load<i32>(config, SERVICE_OPEN_MAX_MS), BREAKER_OPEN_MAX_MS << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_HALF_OPEN_PERMITS), BREAKER_PERMITS << 2);
  return BREAKER_RECORD_BYTES;
}

// ---- OUTLIER ----------------------------------------------------------------------------------

export function outlierResolve(from: usize, to: usize): void {
  // tiny: only `enabled` is read (it must be 0); the table below is then not in its memory
  if (!WITH_BREAKER) { resolveField(from, to, OUTLIER_ENABLED, D.OUTLIER_ENABLED_DEFAULT); return; }
  // each field's default (defaults.ts) in field order; maxEjectionMs' is derived
  const defaults = memory.data<i32>([
    D.OUTLIER_ENABLED_DEFAULT, D.OUTLIER_CONSECUTIVE_DEFAULT, D.OUTLIER_BASE_MS_DEFAULT, RECORD_DEFAULT, D.OUTLIER_MAX_PERCENT_DEFAULT,
  ]);
  resolveFields(from, to, defaults, OUTLIER_RECORD_BYTES / 4);
  resolveField(to, to, OUTLIER_MAX_MS, max(D.OUTLIER_MAX_MS_DEFAULT, field(to, OUTLIER_BASE_MS)));
}

/** A resolved OUTLIER record: OK or the error (reads no state). */
export function outlierValid(service: i32, r: usize): i32 {
  const code = E_INVALID_OUTLIER;
  let bad = checkRange(code, service, "enabled", field(r, OUTLIER_ENABLED), 0, WITH_BREAKER ? 1 : 0);
  if (!WITH_BREAKER || bad != OK) return bad; // tiny: no ejection, its settings are never read
  const base = field(r, OUTLIER_BASE_MS);
  bad = checkRange(code, service, "consecutiveFailures", field(r, OUTLIER_CONSECUTIVE), 1, 0xffff);
  if (bad == OK) bad = checkRange(code, service, "baseEjectionMs", base, 1, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "maxEjectionMs", field(r, OUTLIER_MAX_MS), base, TIMEOUT_MS_MAX);
  if (bad == OK) bad = checkRange(code, service, "maxEjectedPercent", field(r, OUTLIER_MAX_PERCENT), 0, 100);
  return bad;
}

/** Applies a resolved, valid OUTLIER record (ejection counts only while enabled). */
export function outlierApplyRecord(service: i32, r: usize): void {
  if (!WITH_BREAKER) return;
  outlierStore(serviceAt(service), r);
  markStale(service);
}

function outlierStore(config: usize, r: usize): void {
  const consecutive = <u16>field(r, OUTLIER_CONSECUTIVE);
  store<u16>(config, field(r, OUTLIER_ENABLED) != 0 ? consecutive : 0, SERVICE_EJECT_CONSECUTIVE);
  store<u16>(config, consecutive, SERVICE_EJECT_CONFIGURED);
  store<i32>(config, field(r, OUTLIER_BASE_MS), SERVICE_EJECT_BASE_MS);
  store<i32>(config, field(r, OUTLIER_MAX_MS), SERVICE_EJECT_MAX_MS);
  store<u8>(config, <u8>field(r, OUTLIER_MAX_PERCENT), SERVICE_EJECT_MAX_PERCENT);
}

export function outlierReadRecord(service: i32, out: usize): i32 {
  const config = serviceAt(service);
  store<i32>(out, load<u16>(config, SERVICE_EJECT_CONSECUTIVE) != 0 ? 1 : 0, OUTLIER_ENABLED << 2);
  store<i32>(out, <i32>load<u16>(config, SERVICE_EJECT_CONFIGURED), OUTLIER_CONSECUTIVE << 2);
  store<i32>(out, load<i32>(config, SERVICE_EJECT_BASE_MS), OUTLIER_BASE_MS << 2);
  store<i32>(out, load<i32>(config, SERVICE_EJECT_MAX_MS), OUTLIER_MAX_MS << 2);
  store<i32>(out, <i32>load<u8>(config, SERVICE_EJECT_MAX_PERCENT), OUTLIER_MAX_PERCENT << 2);
  return OUTLIER_RECORD_BYTES;
}

// ---- a service's row at its defaults ------------------------------------------------------------

/** Writes the three records' defaults into a service's zeroed balance row (balance/members.ts). */
export function balanceConfigDefaults(config: usize): void {
  const resolved = recordScratch; // no record is being applied while a service row is taken
  balanceResolve(recordDefaults, resolved);
  store<u8>(config, <u8>field(resolved, BALANCE_STRATEGY), SERVICE_STRATEGY);
  balanceStoreOptions(config, resolved);
  if (!WITH_BREAKER) return; // tiny: the zeroed row is a breaker off and no ejection (its settings are never read)
  breakerResolve(recordDefaults, resolved);
  breakerStore(config, resolved);
  outlierResolve(recordDefaults, resolved);
  outlierStore(config, resolved);
}
