// Health states of instances and services, recomputed whenever a check verdict or a lifecycle
// state changes (the lifecycle's transitions reach follow.ts through hooks.ts), and every change is an
// EVENT_HEALTH record. Unknown < healthy; degraded and unhealthy are the two kinds of bad:
//   instance  not running                     -> unknown
//             no checks                       -> healthy
//             a liveness/startup check fails -> unhealthy (and it is killed: watchdog.ts)
//             a readiness check fails         -> degraded (running, not ready)
//             a check has no verdict yet      -> unknown
//             otherwise                       -> healthy
//   service   failed or backing off           -> unhealthy
//             not running                     -> unknown
//             every instance healthy          -> healthy (cleanly exited ones do not count)
//             some healthy or degraded        -> degraded
//             none, some unhealthy or down    -> unhealthy; else unknown
// A service health change also: feeds availability, discovery and the balancer, raises the
// alert it deserves, counts toward flapping, and wakes dependents gated on `healthy`.
import { SERVICES_MAX, INSTANCES_MAX, CHECKS_PER_SERVICE_MAX } from "../limits";
import { serviceState, serviceInstanceCount, instanceSlotOf } from "../registry/services";
import { instanceState, instanceService, instanceHandle } from "../registry/instances";
import { firstDependent, edgeNextIn, edgeFrom, NO_EDGE } from "../graph/edges";
import { eventLog, EVENT_HEALTH } from "../log/events";
import { STATE_STOPPED, STATE_RUNNING, STATE_FAILED, STATE_DISABLED, STATE_BACKOFF } from "../registry/states";
import { markDirty } from "../lifecycle/dirty";
import { serviceHealthy } from "../lifecycle/inputs";
import { CAUSE_CHECK_RESULT, CAUSE_CHECK_TIMEOUT } from "../lifecycle/causes";
import { balanceSetHealth } from "../balance/members";
import { onServiceHealth } from "../hooks";
import { faultOnHealthTransition, faultLog, flappingTransitions } from "../recovery/faults";
import { FAULT_FLAPPING } from "../lifecycle/faults";
import { recoveryOnFlapping } from "../recovery/supervisor";
import { checkAt, checkRole, instanceCheckStatus, NO_CHECK, ROLE_READINESS, STATUS_UNKNOWN, STATUS_FAILING } from "./checks";
import { availabilityUpdate } from "./availability";
import { WITH_HEALTH_HISTORY } from "../features";
import { alertRaise, alertRaised, alertHealthy, ALERT_RECOVERED, ALERT_DEGRADED, ALERT_UNHEALTHY, ALERT_FLAPPING } from "../recovery/alerts";
import { fillAll } from "../util/fill";

export const HEALTH_UNKNOWN: u8 = 0;
export const HEALTH_HEALTHY: u8 = 1;
export const HEALTH_DEGRADED: u8 = 2;
export const HEALTH_UNHEALTHY: u8 = 3;

const CPS: i32 = CHECKS_PER_SERVICE_MAX;
const NONE_YET: u8 = 0xff;

export const instanceHealth = new StaticArray<u8>(INSTANCES_MAX);
export const serviceHealth = new StaticArray<u8>(SERVICES_MAX);
/** The last health the checks gave the service, for flapping. */
const lastKnown = new StaticArray<u8>(SERVICES_MAX);

function instanceVerdict(slot: i32): u8 {
  if (instanceState[slot] != STATE_RUNNING) return HEALTH_UNKNOWN;
  const service = <i32>instanceService[slot];
  let degraded = false;
  let unknown = false;
  for (let k = 0; k < CPS; k++) {
    const check = checkAt(service, k);
    if (check == <i32>NO_CHECK) continue;
    const status = instanceCheckStatus[slot * CPS + k];
    if (status == STATUS_FAILING) {
      if (checkRole[check] != ROLE_READINESS) return HEALTH_UNHEALTHY;
      degraded = true;
    } else if (status == STATUS_UNKNOWN) {
      unknown = true;
    }
  }
  return degraded ? HEALTH_DEGRADED : unknown ? HEALTH_UNKNOWN : HEALTH_HEALTHY;
}

function serviceVerdict(service: i32): u8 {
  const state = serviceState[service];
  if (state == STATE_FAILED || state == STATE_BACKOFF) return HEALTH_UNHEALTHY;
  if (state != STATE_RUNNING) return HEALTH_UNKNOWN;
  const count = <i32>serviceInstanceCount[service];
  let counted = 0, healthy = 0, usable = 0, bad = 0;
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const slot = instanceSlotOf(service, ordinal);
    if (instanceState[slot] == STATE_STOPPED) continue; // it exited cleanly: done, not sick
    counted++;
    const health = instanceHealth[slot];
    if (health == HEALTH_HEALTHY) healthy++;
    if (health == HEALTH_HEALTHY || health == HEALTH_DEGRADED) usable++;
    else if (health == HEALTH_UNHEALTHY || instanceState[slot] != STATE_RUNNING) bad++;
  }
  if (healthy == counted) return HEALTH_HEALTHY;
  if (usable > 0) return HEALTH_DEGRADED;
  return bad > 0 ? HEALTH_UNHEALTHY : HEALTH_UNKNOWN;
}

export function healthUpdateInstance(slot: i32, cause: u8, check: i32): void {
  const service = <i32>instanceService[slot];
  const health = instanceVerdict(slot);
  const previous = instanceHealth[slot];
  if (health != previous) {
    instanceHealth[slot] = health;
    eventLog(EVENT_HEALTH, service, instanceHandle(slot), previous, health, cause, check);
    balanceSetHealth(slot, health); // the balancer's column (same codes): eligibility, health-based picks
  }
  healthUpdateService(service, cause);
}

export function healthUpdateService(service: i32, cause: u8): void {
  const state = serviceState[service];
  const health = serviceVerdict(service);
  if (WITH_HEALTH_HISTORY) {
    availabilityUpdate(service, state != STATE_STOPPED && state != STATE_DISABLED,
      state == STATE_RUNNING && (health == HEALTH_HEALTHY || health == HEALTH_DEGRADED));
  }
  const previous = serviceHealth[service];
  if (health == previous) return;
  serviceHealth[service] = health;
  serviceHealthy[service] = health == HEALTH_HEALTHY; // the lifecycle's gate (compose service_healthy)
  eventLog(EVENT_HEALTH, service, -1, previous, health, cause, -1);
  onServiceHealth(service, health == HEALTH_UNKNOWN ? 0 : health == HEALTH_UNHEALTHY ? 2 : 1); // discovery
  for (let e = firstDependent[service]; e != NO_EDGE; e = edgeNextIn[e]) markDirty(<i32>edgeFrom[e]); // health gates
  if (health == HEALTH_DEGRADED) alertRaise(service, -1, ALERT_DEGRADED, cause);
  else if (health == HEALTH_UNHEALTHY) alertRaise(service, -1, ALERT_UNHEALTHY, cause);
  else if (health == HEALTH_HEALTHY && (alertRaised(service, ALERT_DEGRADED) || alertRaised(service, ALERT_UNHEALTHY))) {
    alertRaise(service, -1, ALERT_RECOVERED, cause);
  }
  alertHealthy(service, health == HEALTH_HEALTHY);
  // Flapping is the checks' verdict swinging back and forth; restarts are counted as crash loops.
  if (health == HEALTH_UNKNOWN || (cause != CAUSE_CHECK_RESULT && cause != CAUSE_CHECK_TIMEOUT)) return;
  const known = lastKnown[service];
  lastKnown[service] = health;
  if (known == NONE_YET || known == health || !faultOnHealthTransition(service)) return;
  faultLog(service, -1, FAULT_FLAPPING, cause, <i32>flappingTransitions[service]);
  alertRaise(service, -1, ALERT_FLAPPING, cause);
  recoveryOnFlapping(service);
}

export function healthServiceClear(service: i32): void {
  serviceHealth[service] = HEALTH_UNKNOWN;
  serviceHealthy[service] = false;
  lastKnown[service] = NONE_YET;
}

export function healthStateReset(): void {
  fillAll(instanceHealth, HEALTH_UNKNOWN);
  fillAll(serviceHealth, HEALTH_UNKNOWN);
  fillAll(serviceHealthy, false);
  fillAll(lastKnown, NONE_YET);
}
