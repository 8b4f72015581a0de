// Restart one instance: only the instance that went down is respawned, after the service's
// backoff delay (kubelet restarts a container, not its Deployment; OTP one_for_one over a pool
// of workers). The service stays RUNNING (degraded: one instance fewer), its other instances
// keep serving and stay eligible for balancing, and what requires it is left alone.
//
//   instance  failed -> backoff (the delay) -> starting (a new handle) -> running
//             (a clean exit under `always` waits its delay in stopped: stopped -> starting)
//
// The delay comes from the service's backoff sequence, the restart from its intensity, exactly
// as restart-backoff: every instance restart counts (stamped now, on the service's supervised
// clock, which keeps running because the service does) and exceeding R in T escalates. The
// instance's restart timer (recovery's own, timers/heap.ts timerOfRestart) carries the delay. Any step of the service away from starting or running (stop, restart, failure, a
// whole-service recovery) cancels a pending instance restart: nothing spawns after a stop.
//
// It applies only while another instance is still up (running; for a starting service, still
// starting or running). Otherwise it is SKIPPED and the list goes on: the default list follows
// it with restart-backoff, so a single-instance service restarts whole, as before.
import { clockNow } from "../../clock";
import { serviceState, serviceInstanceCount, instanceSlotOf } from "../../registry/services";
import { instanceState, instanceService, instanceHandle } from "../../registry/instances";
import { outboxHasRoom, outboxNoteDeferred, ACTION_SPAWN } from "../../log/outbox";
import { eventLog, EVENT_ACTION_DEFERRED } from "../../log/events";
import { timerArmInstance, timerCancel, timerIsArmed, timerOfRestart } from "../../timers/heap";
import { STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_FAILED, STATE_BACKOFF, isActive } from "../../registry/states";
import { CAUSE_RECOVERY } from "../../lifecycle/causes";
import { transitionInstance, serviceUp, serviceLive } from "../../lifecycle/transitions";
import { spawnInstance } from "../../lifecycle/instances";
import { intensityAllows, intensityRecord } from "../intensity";
import { backoffNext, backoffAttempt } from "../backoff/backoff";
import { escalate } from "../escalation";
import { recoveryLog, runningSinceMs, STEP_RESTART_INSTANCE } from "../steps";
import { HANDLED, SKIPPED } from "./kinds";

export function restartInstance(service: i32, slot: i32, pattern: u8): i32 {
  const others = serviceState[service] == STATE_RUNNING ? serviceUp[service] : serviceLive[service];
  if (slot < 0 || others == 0) return SKIPPED; // nothing else serves: restart the service instead
  if (!intensityAllows(service)) {
    escalate(service, pattern);
    return HANDLED;
  }
  intensityRecord(service);
  const delay = backoffNext(service);
  runningSinceMs[service] = clockNow(); // a stable run is measured from the last restart
  recoveryLog(service, STEP_RESTART_INSTANCE, <i32>backoffAttempt[service], delay, instanceHandle(slot));
  if (instanceState[slot] == STATE_FAILED) transitionInstance(slot, STATE_BACKOFF, CAUSE_RECOVERY, delay);
  timerArmInstance(timerOfRestart(slot), clockNow() + <i64>delay);
  return HANDLED;
}

/** The instance's restart timer fired (routed by loop.ts): its delay ended, respawn it. */
export function instanceRestartDue(slot: i32): void {
  const service = <i32>instanceService[slot];
  const state = serviceState[service];
  assert(state == STATE_RUNNING || state == STATE_STARTING, "instance restart outlived its service's run");
  if (!outboxHasRoom(1)) {
    outboxNoteDeferred(); // the spawn waits for room, one millisecond on, never spun on
    eventLog(EVENT_ACTION_DEFERRED, service, instanceHandle(slot), instanceState[slot], instanceState[slot], 0, ACTION_SPAWN);
    timerArmInstance(timerOfRestart(slot), clockNow() + 1);
    return;
  }
  const count = <i32>serviceInstanceCount[service];
  let ordinal = 0;
  while (ordinal < count && instanceSlotOf(service, ordinal) != slot) ordinal++; // scale-down may move it
  assert(ordinal < count, "instance left its service");
  runningSinceMs[service] = clockNow();
  spawnInstance(service, ordinal, CAUSE_RECOVERY);
}

/** supervisor.ts: the service left starting or running; its pending instance restarts end here. */
export function instanceRestartsCancel(service: i32, cause: u8): void {
  const count = <i32>serviceInstanceCount[service];
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if (isActive(instanceState[slot]) || !timerIsArmed(timerOfRestart(slot))) continue;
    timerCancel(timerOfRestart(slot));
    if (instanceState[slot] == STATE_BACKOFF) transitionInstance(slot, STATE_STOPPED, cause);
  }
}
