// The rollout layer's exported ABI (re-exported by index.ts): a service's update strategy,
// new revisions, undo, pause and resume, status, history, and the revision of an instance.
// Commands take their first step before they return (the resulting actions are in the outbox).
// Without FEATURE_ROLLOUT (mcu, tiny) every export answers E_ROLLOUT_ABSENT.
import { OK, E_ROLLOUT_ABSENT, E_ROLLOUT_NONE, E_UNKNOWN_REVISION, E_INVALID_ARGUMENT, E_NO_CANARY } from "../errors";
import { fieldSet, recordLengthValid, RECORD_DEFAULT } from "../util/record";
import { WITH_ROLLOUT } from "../features";
import { clockRefresh } from "../clock";
import { ioPtr } from "../io";
import { fail } from "../util/detail";
import { checkService, sayService, serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceResolve, instanceService, instanceState } from "../registry/instances";
import { STATE_RUNNING } from "../registry/states";
import { isLeaving } from "../lifecycle/leaving";
import { CAUSE_COMMAND } from "../lifecycle/causes";
import { tick } from "../loop";
import {
  rollout, revisionOf, PHASE_IDLE, PHASE_PAUSED, STEP_PAUSE, STEP_RESUME,
} from "./tables";
import {
  updateScratch, updateResolve, updateValid, updateApplyRecord, updateReadRecord, UPDATE_FIELDS, UPDATE_RECORD_BYTES,
  UPDATE_STRATEGY, UPDATE_MAX_SURGE, UPDATE_MAX_UNAVAILABLE, UPDATE_MIN_READY_MS, UPDATE_PROGRESS_DEADLINE_MS, UPDATE_FAILURES_MAX,
} from "./record";
import { rolloutBegin, rolloutSetPaused } from "./control";
import { historyFind, historyCopy, historyNewestGood, historyVersionOf, historyDigestOf } from "./history";
import { compatUndoCheck } from "./compat";
import { WITH_COMPAT } from "../features";
import { canaryWaiting, canaryPromote } from "./canary";
import { verdictRequests } from "./verdict";

function absent(): i32 { return fail(E_ROLLOUT_ABSENT).code(); }

/** Resolves the record at `from` (0: every default) into the scratch, checks it whole, then applies it. */
function applyUpdate(service: i32, from: usize): i32 {
  const scratch = updateScratch();
  updateResolve(from, scratch);
  const bad = updateValid(service, scratch);
  if (bad < 0) return bad;
  updateApplyRecord(service, scratch);
  return OK;
}

/**
 * The service's update strategy (-1 in any field: the default): strategy 0 rolling, 1 recreate;
 * maxSurge and maxUnavailable in instances or 1000 + percent (defaults 25%, 25%); minReadyMs
 * (0); progressDeadlineMs (600000); failuresMax new-revision failures before a rollback (1).
 * The other update settings take their defaults (rolloutApply sets them all).
 * Validated whole first: nothing changes on error. Takes effect from the next step.
 */
export function rolloutConfigure(service: i32, strategy: i32, maxSurge: i32, maxUnavailable: i32, minReadyMs: i32,
  progressDeadlineMs: i32, failuresMax: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const bad = checkService(service);
  if (bad < 0) return bad;
  const r = updateScratch();
  for (let f = 0; f < UPDATE_FIELDS; f++) fieldSet(r, f, RECORD_DEFAULT);
  fieldSet(r, UPDATE_STRATEGY, strategy);
  fieldSet(r, UPDATE_MAX_SURGE, maxSurge);
  fieldSet(r, UPDATE_MAX_UNAVAILABLE, maxUnavailable);
  fieldSet(r, UPDATE_MIN_READY_MS, minReadyMs);
  fieldSet(r, UPDATE_PROGRESS_DEADLINE_MS, progressDeadlineMs);
  fieldSet(r, UPDATE_FAILURES_MAX, failuresMax);
  return applyUpdate(service, r);
}

/** Applies the UPDATE record (rollout/record.ts, `length` its 64 bytes) written to the buffer; -1 fields: the defaults. */
export function rolloutApply(service: i32, length: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  let bad = checkService(service);
  if (bad == OK) bad = recordLengthValid("update", length, UPDATE_RECORD_BYTES);
  return bad < 0 ? bad : applyUpdate(service, ioPtr());
}

/** Writes the service's effective UPDATE record (every default filled in) to the buffer; returns its length. */
export function rolloutRead(service: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const bad = checkService(service);
  return bad < 0 ? bad : updateReadRecord(service, ioPtr());
}

/**
 * A new revision of the service (its spec changed in a way that needs new instances): recorded
 * in the history and rolled out by the service's strategy. Returns the revision number, which
 * the host maps to the new spec before it performs the actions (spawns read instanceRevision).
 */
export function rolloutNew(service: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  clockRefresh();
  const bad = checkService(service);
  if (bad < 0) return bad;
  const revision = <i32>rollout.nextRevision[service];
  rollout.nextRevision[service] = <u16>(revision + 1);
  rolloutBegin(service, revision, CAUSE_COMMAND);
  tick();
  return revision;
}

/** Rolls out an earlier revision from the history (0: the last good one); returns it. */
export function rolloutUndo(service: i32, revision: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  clockRefresh();
  const bad = checkService(service);
  if (bad < 0) return bad;
  let to = revision;
  if (to == 0) to = previousGood(service);
  if (to <= 0 || historyFind(service, to) < 0) return notInHistory(service, revision);
  if (WITH_COMPAT) { // before anything starts
    const refused = compatUndoCheck(service, historyVersionOf(service, to));
    if (refused < 0) return refused;
  }
  rolloutBegin(service, to, CAUSE_COMMAND);
  tick();
  return to;
}

function notInHistory(service: i32, revision: i32): i32 {
  return sayService(fail(E_UNKNOWN_REVISION).text("service "), service).text(": revision ").int(revision)
    .text(" is not in its history").code();
}

/** The stable revision while a rollout runs; otherwise the newest good revision before it. */
function previousGood(service: i32): i32 {
  const stable = <i32>rollout.stable[service];
  return rollout.phase[service] != PHASE_IDLE ? stable : historyNewestGood(service, stable);
}

function command(service: i32, paused: bool): i32 {
  if (!WITH_ROLLOUT) return absent();
  clockRefresh();
  const bad = checkService(service);
  if (bad < 0) return bad;
  const phase = rollout.phase[service];
  if (phase == PHASE_IDLE || (paused && phase == PHASE_PAUSED) || (!paused && phase != PHASE_PAUSED)) {
    return sayService(fail(E_ROLLOUT_NONE).text("service "), service)
      .text(paused ? " has no rollout in progress to pause" : " has no paused rollout to resume").code();
  }
  rolloutSetPaused(service, paused, paused ? STEP_PAUSE : STEP_RESUME);
  tick();
  return OK;
}

/** Promotes the service's canaries (`myco rollout promote`): the rest of its instances follow by the rolling rule. */
export function rolloutPromote(service: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  clockRefresh();
  const bad = checkService(service);
  if (bad < 0) return bad;
  if (!canaryWaiting(service)) {
    return sayService(fail(E_NO_CANARY).text("service "), service)
      .text(" has no canary rollout waiting for promotion (strategy canary, rolling toward a new revision, not promoted yet)").code();
  }
  canaryPromote(service, true);
  tick();
  return OK;
}

export function rolloutPause(service: i32): i32 { return command(service, true); }
export function rolloutResume(service: i32): i32 { return command(service, false); }

export const ROLLOUT_FIELD_PHASE: i32 = 0;
export const ROLLOUT_FIELD_TARGET: i32 = 1;
export const ROLLOUT_FIELD_STABLE: i32 = 2;
export const ROLLOUT_FIELD_UPDATED: i32 = 3;
export const ROLLOUT_FIELD_AVAILABLE: i32 = 4;
export const ROLLOUT_FIELD_FAILURES: i32 = 5;
export const ROLLOUT_FIELD_BASE: i32 = 6;
export const ROLLOUT_FIELD_STRATEGY: i32 = 7;
export const ROLLOUT_FIELD_WINDOW_REQUESTS: i32 = 8;
export const ROLLOUT_FIELD_WINDOW_FAILURES: i32 = 9;

/**
 * A field of the service's rollout: 0 phase (0 idle, 1 rolling, 2 paused, 3 rolling back), 1 target, 2 stable,
 * 3 instances on the target, 4 running and not leaving, 5 failures, 6 base count, 7 strategy, 8 requests and
 * 9 failed requests of the target revision in the error-rate window (as last sampled; capped at i32 max).
 */
export function rolloutStatus(service: i32, field: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const bad = checkService(service);
  if (bad < 0) return bad;
  const count = <i32>serviceInstanceCount[service];
  switch (field) {
    case ROLLOUT_FIELD_PHASE: return <i32>rollout.phase[service];
    case ROLLOUT_FIELD_TARGET: return <i32>rollout.target[service];
    case ROLLOUT_FIELD_STABLE: return <i32>rollout.stable[service];
    case ROLLOUT_FIELD_UPDATED: {
      let n = 0;
      for (let k = 0; k < count; k++) n += <i32>(revisionOf(service, instanceSlotOf(service, k)) == <i32>rollout.target[service]);
      return n;
    }
    case ROLLOUT_FIELD_AVAILABLE: {
      let n = 0;
      for (let k = 0; k < count; k++) {
        const slot = instanceSlotOf(service, k);
        n += <i32>(instanceState[slot] == STATE_RUNNING && !isLeaving(slot));
      }
      return n;
    }
    case ROLLOUT_FIELD_FAILURES: return <i32>rollout.failures[service];
    case ROLLOUT_FIELD_BASE: return rollout.phase[service] == PHASE_IDLE ? count : <i32>rollout.baseCount[service];
    case ROLLOUT_FIELD_STRATEGY: return <i32>rollout.strategy[service];
    case ROLLOUT_FIELD_WINDOW_REQUESTS: return <i32>min<u64>(verdictRequests(service, false), <u64>i32.MAX_VALUE);
    case ROLLOUT_FIELD_WINDOW_FAILURES: return <i32>min<u64>(verdictRequests(service, true), <u64>i32.MAX_VALUE);
    default: return fail(E_INVALID_ARGUMENT).text("rollout status field ").int(field).text(" is outside 0..9").code();
  }
}

/** Writes the history, oldest first, as (u16 revision, u8 outcome: 0 pending, 1 good, 2 rolled back, 3 superseded, u8 0); returns the count. */
export function rolloutHistory(service: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const bad = checkService(service);
  return bad < 0 ? bad : historyCopy(service, ioPtr());
}

/**
 * The run-spec digest `revision` of the service runs (the manifest's RUN DIGEST section when the revision
 * was made, 31 bits; 0: none given); E_UNKNOWN_REVISION when it is not in the history. The host spawns an instance with the spec it keeps for that digest.
 */
export function rolloutRevisionDigest(service: i32, revision: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const bad = checkService(service);
  if (bad < 0) return bad;
  return historyFind(service, revision) < 0 ? notInHistory(service, revision) : <i32>historyDigestOf(service, revision);
}

/** The revision instance `handle` runs (or will run once its spawn is performed). */
export function instanceRevision(handle: i32): i32 {
  if (!WITH_ROLLOUT) return absent();
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : revisionOf(<i32>instanceService[slot], slot);
}
