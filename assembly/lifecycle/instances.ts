// Instance lifecycle: the actions the kernel asks of the host (spawn, stop, kill), the host's
// reports (started, exited), and the deadlines between them (start and stop timeouts).
import { OK, E_ILLEGAL_TRANSITION } from "../errors";
import {
  serviceStartTimeoutMs, serviceStopTimeoutMs, instanceSlotOf, sayService,
} from "../registry/services";
import {
  instanceState, instanceService, instanceHandle, instanceResolve, instanceNextGeneration, instanceExitCode,
} from "../registry/instances";
import { outboxPush, outboxHasRoom, outboxNoteDeferred, ACTION_SPAWN, ACTION_STOP, ACTION_KILL } from "../log/outbox";
import { eventLog, EVENT_ACTION_DEFERRED } from "../log/events";
import { timerArmInstance, timerCancel, timerOfInstance } from "../timers/heap";
import { clockNow } from "../clock";
import { fail } from "../util/detail";
import {
  STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED,
} from "../registry/states";
import {
  CAUSE_PROGRESS, CAUSE_INSTANCE_STARTED, CAUSE_INSTANCE_EXITED, CAUSE_START_TIMEOUT, CAUSE_STOP_TIMEOUT,
} from "./causes";
import { transitionInstance } from "./transitions";
import { onInstanceDown } from "./jobs";
import { exitIsSuccess } from "./inputs";
import { FAULT_NONE, FAULT_CRASH, FAULT_START_TIMEOUT } from "./faults";
import { onStopTimeout } from "../hooks";
import { WITH_ROLLOUT } from "../features";
import { resize } from "./leaving";

const STATE_NAMES: StaticArray<string> = ["stopped", "starting", "running", "stopping", "failed", "disabled", "backoff"];

/** Asks the host to start instance `ordinal` of `service` (a new run: a new handle). */
export function spawnInstance(service: i32, ordinal: i32, cause: u8 = CAUSE_PROGRESS): void {
  const slot = instanceSlotOf(service, ordinal);
  if (WITH_ROLLOUT) resize.instanceLeaving[slot] = 0; // a retired instance spawned again (a rollout) stays
  instanceNextGeneration(slot);
  askHost(service, ordinal, ACTION_SPAWN, STATE_STARTING, cause, serviceStartTimeoutMs[service]);
}

/** Asks the host to stop instance `ordinal` gracefully; the stop timeout starts now. */
export function stopInstance(service: i32, ordinal: i32, cause: u8): void {
  askHost(service, ordinal, ACTION_STOP, STATE_STOPPING, cause, serviceStopTimeoutMs[service]);
}

/** Asks the host for `action` on instance `ordinal`, which enters `state` until the host
 *  reports, at most `timeoutMs` from now. */
function askHost(service: i32, ordinal: i32, action: u8, state: u8, cause: u8, timeoutMs: i32): void {
  const slot = instanceSlotOf(service, ordinal);
  outboxPush(action, service, instanceHandle(slot), ordinal);
  transitionInstance(slot, state, cause);
  timerArmInstance(timerOfInstance(slot), clockNow() + <i64>timeoutMs);
}

export function instanceStarted(handle: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  const state = instanceState[slot];
  if (state == STATE_STOPPING) return OK; // it came up after we asked it to stop: it will exit
  if (state != STATE_STARTING) {
    return sayService(fail(E_ILLEGAL_TRANSITION).text("instance ").int(handle).text(" of service "), <i32>instanceService[slot])
      .text(" is ").text(STATE_NAMES[state]).text("; 'started' fits only a starting instance").code();
  }
  timerCancel(timerOfInstance(slot));
  transitionInstance(slot, STATE_RUNNING, CAUSE_INSTANCE_STARTED);
  return OK;
}

/** `status` >= 0 is an exit code; a negative status is the signal that ended it, negated. */
export function instanceExited(handle: i32, status: i32): i32 {
  const slot = instanceResolve(handle);
  if (slot < 0) return slot;
  const state = instanceState[slot];
  instanceExitCode[slot] = status;
  if (state == STATE_STOPPING) {
    timerCancel(timerOfInstance(slot));
    transitionInstance(slot, STATE_STOPPED, CAUSE_INSTANCE_EXITED, status);
  } else if (state == STATE_STARTING || state == STATE_RUNNING) {
    timerCancel(timerOfInstance(slot));
    // An exit before "started" is a failed start whatever the code (systemd treats a notify
    // service that exits before READY=1 the same way); after it, only a non-zero status fails.
    // The service's success exit codes (systemd SuccessExitStatus=) default to 0 alone.
    const service = <i32>instanceService[slot];
    const failed = !exitIsSuccess(service, status) || state == STATE_STARTING;
    transitionInstance(slot, failed ? STATE_FAILED : STATE_STOPPED, CAUSE_INSTANCE_EXITED, status);
    onInstanceDown(service, slot, failed ? FAULT_CRASH : FAULT_NONE, CAUSE_INSTANCE_EXITED, status);
  }
  // Otherwise it was killed already and this is the exit the kill caused: nothing is left to do.
  return OK;
}

/** Asks the host to kill the instance if the outbox has room; otherwise the kill is logged as
 *  deferred and the caller retries. */
function killSent(service: i32, slot: i32): bool {
  if (outboxHasRoom(1)) {
    outboxPush(ACTION_KILL, service, instanceHandle(slot), 0);
    return true;
  }
  outboxNoteDeferred();
  const state = instanceState[slot];
  eventLog(EVENT_ACTION_DEFERRED, service, instanceHandle(slot), state, state, 0, ACTION_KILL);
  return false;
}

/**
 * The lifecycle's own deadline of the instance passed: its start or stop timeout. A kill that
 * finds the outbox full waits one millisecond, never spun on.
 */
export function instanceDeadline(slot: i32): void {
  const state = instanceState[slot];
  if (state != STATE_STARTING && state != STATE_STOPPING) return;
  const service = <i32>instanceService[slot];
  if (!killSent(service, slot)) { timerArmInstance(timerOfInstance(slot), clockNow() + 1); return; }
  if (state == STATE_STARTING) {
    transitionInstance(slot, STATE_FAILED, CAUSE_START_TIMEOUT);
    onInstanceDown(service, slot, FAULT_START_TIMEOUT, CAUSE_START_TIMEOUT, serviceStartTimeoutMs[service]);
  } else {
    transitionInstance(slot, STATE_STOPPED, CAUSE_STOP_TIMEOUT);
    onStopTimeout(service, slot, serviceStopTimeoutMs[service]);
  }
}

/**
 * Kills a running instance for `fault` (health: a failed check, a missed watchdog ping), logged
 * with `cause` and `evidence`; false when the outbox has no room (the caller retries).
 */
export function instanceKill(slot: i32, fault: u8, cause: u8, evidence: i32): bool {
  const service = <i32>instanceService[slot];
  if (!killSent(service, slot)) return false;
  transitionInstance(slot, STATE_FAILED, cause, evidence);
  onInstanceDown(service, slot, fault, cause, evidence);
  return true;
}
