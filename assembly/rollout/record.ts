// The UPDATE record (util/record.ts: i32 fields, -1 the kernel's default): a service's whole
// update strategy, the `update:` section of services.yaml (manifest tag 0x87) and the ABI's
// rolloutApply carry it; it is resolved, checked whole, then applied (nothing changes on error).
//
//    0 strategy (0 rolling, 1 recreate, 2 blue-green, 3 canary) | 4 maxSurge | 8 maxUnavailable |
//   12 minReadyMs | 16 batchIntervalMs | 20 progressDeadlineMs | 24 failuresMax | 28 healthGateMs |
//   32 rollbackWindowMs | 36 canaryCount | 40 canarySharePercent | 44 canaryHealthyMs |
//   48 autoPromote | 52 errorRatePercent | 56 errorWindowMs | 60 errorMinRequests
//
// maxSurge and maxUnavailable: 0..INSTANCES_PER_SERVICE_MAX instances, or 1000 + p for p percent.
// Defaults (docs/defaults.md) are Kubernetes' Deployment's where it has the field (tables.ts).
import { OK, E_INVALID_UPDATE } from "../errors";
import { INSTANCES_PER_SERVICE_MAX, TIMEOUT_MS_MAX } from "../limits";
import { fail } from "../util/detail";
import { WITH_ROLLOUT } from "../features";
import { field, fieldSet, resolveField } from "../util/record";
import { sayService } from "../registry/services";
import { checkRange } from "../registry/reject";
import { verdictRestart } from "./verdict";
import {
  rollout, PERCENT, STRATEGY_COUNT, STRATEGY_ROLLING, SURGE_DEFAULT, UNAVAILABLE_DEFAULT,
  MIN_READY_MS_DEFAULT, BATCH_INTERVAL_MS_DEFAULT, PROGRESS_DEADLINE_MS_DEFAULT, FAILURES_MAX_DEFAULT, HEALTH_GATE_MS_DEFAULT,
  ROLLBACK_WINDOW_MS_DEFAULT, CANARY_COUNT_DEFAULT, CANARY_SHARE_PERCENT_DEFAULT, CANARY_HEALTHY_MS_DEFAULT,
  AUTO_PROMOTE_DEFAULT, ERROR_RATE_PERCENT_DEFAULT, ERROR_WINDOW_MS_DEFAULT, ERROR_MIN_REQUESTS_DEFAULT, UPDATE_SCRATCH_FIELDS,
} from "./tables";

export const UPDATE_STRATEGY: i32 = 0;
export const UPDATE_MAX_SURGE: i32 = 1;
export const UPDATE_MAX_UNAVAILABLE: i32 = 2;
export const UPDATE_MIN_READY_MS: i32 = 3;
export const UPDATE_BATCH_INTERVAL_MS: i32 = 4;
export const UPDATE_PROGRESS_DEADLINE_MS: i32 = 5;
export const UPDATE_FAILURES_MAX: i32 = 6;
export const UPDATE_HEALTH_GATE_MS: i32 = 7;
export const UPDATE_ROLLBACK_WINDOW_MS: i32 = 8;
export const UPDATE_CANARY_COUNT: i32 = 9;
export const UPDATE_CANARY_SHARE: i32 = 10;
export const UPDATE_CANARY_HEALTHY_MS: i32 = 11;
export const UPDATE_AUTO_PROMOTE: i32 = 12;
export const UPDATE_ERROR_RATE: i32 = 13;
export const UPDATE_ERROR_WINDOW_MS: i32 = 14;
export const UPDATE_ERROR_MIN_REQUESTS: i32 = 15;
export const UPDATE_FIELDS: i32 = 16;
export const UPDATE_RECORD_BYTES: i32 = 4 * UPDATE_FIELDS;
assert(UPDATE_FIELDS == UPDATE_SCRATCH_FIELDS, "the rollout tables' scratch holds one UPDATE record");

/** The rollout tables' scratch record (only with FEATURE_ROLLOUT). */
export function updateScratch(): usize { return changetype<usize>(rollout.scratch); }

/** A budget byte (PERCENT bit: a percentage) as the record's value. */
@inline function budgetField(value: u8): i32 { return (value & PERCENT) != 0 ? 1000 + <i32>(value & ~PERCENT) : <i32>value; }

export function updateResolve(from: usize, to: usize): void {
  resolveField(from, to, UPDATE_STRATEGY, <i32>STRATEGY_ROLLING);
  resolveField(from, to, UPDATE_MAX_SURGE, budgetField(SURGE_DEFAULT));
  resolveField(from, to, UPDATE_MAX_UNAVAILABLE, budgetField(UNAVAILABLE_DEFAULT));
  resolveField(from, to, UPDATE_MIN_READY_MS, MIN_READY_MS_DEFAULT);
  resolveField(from, to, UPDATE_BATCH_INTERVAL_MS, BATCH_INTERVAL_MS_DEFAULT);
  resolveField(from, to, UPDATE_PROGRESS_DEADLINE_MS, PROGRESS_DEADLINE_MS_DEFAULT);
  resolveField(from, to, UPDATE_FAILURES_MAX, <i32>FAILURES_MAX_DEFAULT);
  resolveField(from, to, UPDATE_HEALTH_GATE_MS, HEALTH_GATE_MS_DEFAULT);
  resolveField(from, to, UPDATE_ROLLBACK_WINDOW_MS, ROLLBACK_WINDOW_MS_DEFAULT);
  resolveField(from, to, UPDATE_CANARY_COUNT, CANARY_COUNT_DEFAULT);
  resolveField(from, to, UPDATE_CANARY_SHARE, CANARY_SHARE_PERCENT_DEFAULT);
  resolveField(from, to, UPDATE_CANARY_HEALTHY_MS, CANARY_HEALTHY_MS_DEFAULT);
  resolveField(from, to, UPDATE_AUTO_PROMOTE, AUTO_PROMOTE_DEFAULT);
  resolveField(from, to, UPDATE_ERROR_RATE, ERROR_RATE_PERCENT_DEFAULT);
  resolveField(from, to, UPDATE_ERROR_WINDOW_MS, ERROR_WINDOW_MS_DEFAULT);
  resolveField(from, to, UPDATE_ERROR_MIN_REQUESTS, ERROR_MIN_REQUESTS_DEFAULT);
}

function budgetValid(service: i32, name: string, value: i32): i32 {
  if ((value >= 0 && value <= INSTANCES_PER_SERVICE_MAX) || (value >= 1000 && value <= 1100)) return OK;
  return sayService(fail(E_INVALID_UPDATE).text("service "), service).text(": ").text(name).text(" ").int(value)
    .text(" is neither 0..").int(INSTANCES_PER_SERVICE_MAX).text(" instances nor 1000 + a percentage (1000..1100)").code();
}

function periodValid(service: i32, name: string, value: i32, least: i32): i32 {
  if (value >= least && value <= TIMEOUT_MS_MAX) return OK;
  return sayService(fail(E_INVALID_UPDATE).text("service "), service).text(": ").text(name).text(" ").int(value)
    .text(" ms is outside ").int(least).text("..").int(TIMEOUT_MS_MAX).code();
}

function strategyValid(service: i32, strategy: i32): i32 {
  if (strategy < 0 || strategy >= <i32>STRATEGY_COUNT) {
    return sayService(fail(E_INVALID_UPDATE).text("service "), service).text(": strategy ").int(strategy)
      .text(" is not rolling (0), recreate (1), blue-green (2) or canary (3)").code();
  }
  return OK;
}

/** A resolved UPDATE record: OK or the first field out of range (named with the service). */
export function updateValid(service: i32, r: usize): i32 {
  let bad = OK;
  if (WITH_ROLLOUT) { // (its texts compile only with the layer: the mcu page has no byte to spare)
    bad = strategyValid(service, field(r, UPDATE_STRATEGY));
    if (bad == OK) bad = budgetValid(service, "max-surge", field(r, UPDATE_MAX_SURGE));
    if (bad == OK) bad = budgetValid(service, "max-unavailable", field(r, UPDATE_MAX_UNAVAILABLE));
    if (bad == OK) bad = periodValid(service, "min-ready", field(r, UPDATE_MIN_READY_MS), 0);
    if (bad == OK) bad = periodValid(service, "batch-interval", field(r, UPDATE_BATCH_INTERVAL_MS), 0);
    if (bad == OK) {
      bad = periodValid(service, "progress-deadline", field(r, UPDATE_PROGRESS_DEADLINE_MS), 1);
    }
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "failures-max", field(r, UPDATE_FAILURES_MAX), 1, 255);
    if (bad == OK) bad = periodValid(service, "health-gate", field(r, UPDATE_HEALTH_GATE_MS), 0);
    if (bad == OK) bad = periodValid(service, "rollback-window", field(r, UPDATE_ROLLBACK_WINDOW_MS), 0);
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "canary count", field(r, UPDATE_CANARY_COUNT), 1, INSTANCES_PER_SERVICE_MAX);
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "canary share %", field(r, UPDATE_CANARY_SHARE), 1, 100);
    if (bad == OK) bad = periodValid(service, "canary healthy-period", field(r, UPDATE_CANARY_HEALTHY_MS), 0);
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "auto-promote", field(r, UPDATE_AUTO_PROMOTE), 0, 1);
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "error-rate %", field(r, UPDATE_ERROR_RATE), 1, 100);
    if (bad == OK) bad = periodValid(service, "error-rate window", field(r, UPDATE_ERROR_WINDOW_MS), 1);
    if (bad == OK) bad = checkRange(E_INVALID_UPDATE, service, "error-rate min-requests", field(r, UPDATE_ERROR_MIN_REQUESTS), 1, 65535);
  }
  return bad;
}

@inline function budgetByte(value: i32): u8 { return value >= 1000 ? PERCENT | <u8>(value - 1000) : <u8>value; }

/** Holds the service's surge to at most `spare` instances (a percentage counts as more than any cap). */
export function rolloutSurgeCap(service: i32, spare: i32): void {
  const surge = rollout.maxSurge[service];
  if ((surge & PERCENT) != 0 || <i32>surge > spare) rollout.maxSurge[service] = <u8>min(spare, INSTANCES_PER_SERVICE_MAX);
}

/** Applies a resolved, valid record: a rollout in progress goes by it from its next step. */
export function updateApplyRecord(service: i32, r: usize): void {
  rollout.strategy[service] = <u8>field(r, UPDATE_STRATEGY);
  rollout.maxSurge[service] = budgetByte(field(r, UPDATE_MAX_SURGE));
  rollout.maxUnavailable[service] = budgetByte(field(r, UPDATE_MAX_UNAVAILABLE));
  rollout.minReadyMs[service] = field(r, UPDATE_MIN_READY_MS);
  rollout.batchIntervalMs[service] = field(r, UPDATE_BATCH_INTERVAL_MS);
  rollout.progressDeadlineMs[service] = field(r, UPDATE_PROGRESS_DEADLINE_MS);
  rollout.failuresMax[service] = <u8>field(r, UPDATE_FAILURES_MAX);
  rollout.healthGateMs[service] = field(r, UPDATE_HEALTH_GATE_MS);
  rollout.rollbackWindowMs[service] = field(r, UPDATE_ROLLBACK_WINDOW_MS);
  rollout.canaryCount[service] = <u8>field(r, UPDATE_CANARY_COUNT);
  rollout.canarySharePercent[service] = <u8>field(r, UPDATE_CANARY_SHARE);
  rollout.canaryHealthyMs[service] = field(r, UPDATE_CANARY_HEALTHY_MS);
  rollout.autoPromote[service] = <u8>field(r, UPDATE_AUTO_PROMOTE);
  rollout.errorRatePercent[service] = <u8>field(r, UPDATE_ERROR_RATE);
  const windowMs = field(r, UPDATE_ERROR_WINDOW_MS);
  if (windowMs != rollout.errorWindowMs[service]) verdictRestart(service); // its buckets had another width
  rollout.errorWindowMs[service] = windowMs;
  rollout.errorMinRequests[service] = <u16>field(r, UPDATE_ERROR_MIN_REQUESTS);
}

/** Writes the service's effective record to `out`; returns its length. */
export function updateReadRecord(service: i32, out: usize): i32 {
  fieldSet(out, UPDATE_STRATEGY, <i32>rollout.strategy[service]);
  fieldSet(out, UPDATE_MAX_SURGE, budgetField(rollout.maxSurge[service]));
  fieldSet(out, UPDATE_MAX_UNAVAILABLE, budgetField(rollout.maxUnavailable[service]));
  fieldSet(out, UPDATE_MIN_READY_MS, rollout.minReadyMs[service]);
  fieldSet(out, UPDATE_BATCH_INTERVAL_MS, rollout.batchIntervalMs[service]);
  fieldSet(out, UPDATE_PROGRESS_DEADLINE_MS, rollout.progressDeadlineMs[service]);
  fieldSet(out, UPDATE_FAILURES_MAX, <i32>rollout.failuresMax[service]);
  fieldSet(out, UPDATE_HEALTH_GATE_MS, rollout.healthGateMs[service]);
  fieldSet(out, UPDATE_ROLLBACK_WINDOW_MS, rollout.rollbackWindowMs[service]);
  fieldSet(out, UPDATE_CANARY_COUNT, <i32>rollout.canaryCount[service]);
  fieldSet(out, UPDATE_CANARY_SHARE, <i32>rollout.canarySharePercent[service]);
  fieldSet(out, UPDATE_CANARY_HEALTHY_MS, rollout.canaryHealthyMs[service]);
  fieldSet(out, UPDATE_AUTO_PROMOTE, <i32>rollout.autoPromote[service]);
  fieldSet(out, UPDATE_ERROR_RATE, <i32>rollout.errorRatePercent[service]);
  fieldSet(out, UPDATE_ERROR_WINDOW_MS, rollout.errorWindowMs[service]);
  fieldSet(out, UPDATE_ERROR_MIN_REQUESTS, <i32>rollout.errorMinRequests[service]);
  return UPDATE_RECORD_BYTES;
}
