// The exported ABI, and nothing else: decode scalars and I/O-buffer bytes, call the kernel,
// encode the result. Every export returns a status (>= 0 result, < 0 error code) unless its
// comment says otherwise. Names and other bytes travel through the I/O buffer: write them at
// ioBuffer(), pass their length. Read a failed call's detail with errorDetail().
import * as limits from "./limits";
import { E_IO_LENGTH, E_INVALID_ARGUMENT, E_SERVICE_IN_USE, writeErrorMessage } from "./errors";
import { clockRefresh, clockBackwardSteps } from "./clock";
import { ioPtr, ioFits } from "./io";
import { detail, fail, Detail } from "./util/detail";
import {
  serviceFind, serviceResize, serviceTagAdd as addTag, checkService, serviceNames, serviceState as stateOfService,
  serviceType as typeOfService, serviceTags, serviceInstanceCount,
  instanceSlotOf, servicesRegistered, sayService,
} from "./registry/services";
import { instanceResolve, instanceHandle, instanceState as stateOfInstance } from "./registry/instances";
import { dependentCount, firstDependent, edgeFrom } from "./graph/edges";
import {
  dependencyAdd as addDependency, dependencyAddByName as addDependencyByName, dependencyRemove as removeDependency,
} from "./lifecycle/dependencies";
import { orderCompute, orderIds, orderWave, orderWaves } from "./graph/order";
import {
  requestStart, requestStop, requestRestart, requestStartAll, requestStopAll, requestEnable, requestDisable,
  checkAtRest,
} from "./lifecycle/jobs";
import { instanceStarted as reportStarted, instanceExited as reportExited } from "./lifecycle/instances";
import { eventsCopy, eventsNextSeq as nextSeq, eventsOverwritten as overwritten } from "./log/events";
import { outboxDrain, outboxCount, outboxDeferredCount } from "./log/outbox";
import { timerNextDeadline, timerArmedCount } from "./timers/heap";
import { settle, tick as tickOnce, run as runFor } from "./loop";
import { admitService, dismissService, membershipDefaults, membershipReset } from "./membership";
import { subscriptionsRefresh } from "./discovery/subscriptions";
import "./wiring"; // the hook table, set once at init (hooks.ts)
import { WITH_DISCOVERY, WITH_ROLLOUT, WITH_RESOURCES, WITH_SECURITY } from "./features";
import { isServing, resizeServing, waitingToStart } from "./lifecycle/resize";
import { admissionCheckStart } from "./resources/admission";
import { rootRuleCheckStart } from "./security/root-rule";
import { reservationsNextDeadline } from "./resources/reservations";
import { heapTop } from "./util/heap-top";
import {
  alertReceiverSet as receiverSet, alertRouteAdd as routeAdd, alertsClearConfig, alertSilence as silence, alertUnsilence as unsilence,
  alertSilenceService as silenceService, alertSilenceUntil as silenceUntil, alertReport as report, alertGroupRead as groupRead,
  alertReceiverDown as receiverDown,
} from "./alerts/abi";
import { alertsNextDeadline } from "./alerts/ingest";
import { alertsAbsent } from "./alerts/absent";

export * from "./discovery/abi";
export * from "./placement/abi";
export * from "./config/abi";
export * from "./manifest/abi";
export * from "./balance/abi";
export * from "./health/abi";
export * from "./recovery/abi";
export * from "./records/abi";
export * from "./security/abi";
export * from "./rollout/abi";
export * from "./resources/abi";

// ---- buffer, errors, limits ---------------------------------------------------------------

export function ioBuffer(): usize { return ioPtr(); }
export function ioCapacity(): i32 { return limits.IO_BUFFER_BYTES; }

function ioLength(len: i32): i32 {
  if (ioFits(0, len)) return len;
  return fail(E_IO_LENGTH).text("length ").int(len).text(" is outside 0..").int(limits.IO_BUFFER_BYTES)
    .text(" (the I/O buffer)").code();
}

/** Scratch for errorMessageOf, so reading a message keeps the last error's detail. */
const messageScratch = new Detail();

/** Writes the message of `code` to the I/O buffer; returns its length. */
export function errorMessageOf(code: i32): i32 {
  return writeErrorMessage(code, messageScratch.begin(code)).copyTo(ioPtr(), limits.IO_BUFFER_BYTES);
}

/** Writes the last error's detail (service, field, value) to the I/O buffer; returns its length. */
export function errorDetail(): i32 { return detail.copyTo(ioPtr(), limits.IO_BUFFER_BYTES); }
export function lastError(): i32 { return detail.code(); }

export const LIMIT_SERVICES: i32 = 0;
export const LIMIT_INSTANCES: i32 = 1;
export const LIMIT_INSTANCES_PER_SERVICE: i32 = 2;
export const LIMIT_EDGES: i32 = 3;
export const LIMIT_TAGS: i32 = 4;
export const LIMIT_NAME_BYTES: i32 = 5;
export const LIMIT_EVENT_LOG: i32 = 6;
export const LIMIT_OUTBOX: i32 = 7;
export const LIMIT_IO_BYTES: i32 = 8;

/** A capacity of this build's profile (see LIMIT_*), or E_INVALID_ARGUMENT. */
export function limit(which: i32): i32 {
  switch (which) {
    case LIMIT_SERVICES: return limits.SERVICES_MAX;
    case LIMIT_INSTANCES: return limits.INSTANCES_MAX;
    case LIMIT_INSTANCES_PER_SERVICE: return limits.INSTANCES_PER_SERVICE_MAX;
    case LIMIT_EDGES: return limits.EDGES_MAX;
    case LIMIT_TAGS: return limits.TAGS_MAX;
    case LIMIT_NAME_BYTES: return limits.NAME_BYTES_MAX;
    case LIMIT_EVENT_LOG: return limits.EVENT_LOG_CAPACITY;
    case LIMIT_OUTBOX: return limits.OUTBOX_CAPACITY;
    case LIMIT_IO_BYTES: return limits.IO_BUFFER_BYTES;
    default: return fail(E_INVALID_ARGUMENT).text("limit ").int(which).text(" is not a LIMIT_* index").code();
  }
}

export function profile(): i32 { return limits.PROFILE; }

// ---- registry -----------------------------------------------------------------------------

/** Registers the service named by the buffer; returns its id. type: 0 system, 1 user. */
export function serviceRegister(nameLength: i32, type: i32, instances: i32): i32 {
  clockRefresh();
  const len = ioLength(nameLength);
  return len < 0 ? len : admitService(ioPtr(), len, type, instances);
}

/** Removes a service at rest that no other service depends on. */
export function serviceUnregister(id: i32): i32 {
  clockRefresh();
  const bad = checkService(id);
  if (bad < 0) return bad;
  const atRest = checkAtRest(id, "unregistering it");
  if (atRest < 0) return atRest;
  if (dependentCount[id] > 0) {
    return sayService(sayService(fail(E_SERVICE_IN_USE).text("service "), id).text(" is still a dependency of "),
      <i32>edgeFrom[firstDependent[id]]).code();
  }
  dismissService(id);
  return 0;
}

/** The id of the service named by the buffer. */
export function serviceLookup(nameLength: i32): i32 {
  const len = ioLength(nameLength);
  if (len < 0) return len;
  return serviceFind(ioPtr(), len);
}

/** Writes the service's name to the buffer; returns its length. */
export function serviceName(id: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  const len = serviceNames.nameLength(id);
  memory.copy(ioPtr(), serviceNames.namePtr(id), <usize>len);
  return len;
}

/** Adds the tag named by the buffer; returns the tag id. */
export function serviceTagAdd(id: i32, tagLength: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  const len = ioLength(tagLength);
  if (len < 0) return len;
  const tag = addTag(id, ioPtr(), len);
  if (WITH_DISCOVERY && tag >= 0) subscriptionsRefresh(id);
  return tag;
}

/** The service's tag set (bit n: tag id n). */
export function serviceTagMask(id: i32): u64 { return checkService(id) < 0 ? 0 : serviceTags[id]; }

/**
 * Changes the instance count. At rest (or still waiting for its dependencies): at once. Serving
 * (not in the mcu profile): new instances start in order; leaving ones drain, then stop, then go
 * (lifecycle/resize.ts); the resulting actions are in the outbox on return.
 */
export function serviceSetInstances(id: i32, count: i32): i32 {
  clockRefresh();
  const bad = checkService(id);
  if (bad < 0) return bad;
  if (WITH_ROLLOUT && isServing(id)) {
    if (count < 0 || count > limits.INSTANCES_PER_SERVICE_MAX) return serviceResize(id, count); // its range error
    const result = resizeServing(id, count);
    settle();
    return result;
  }
  if (!waitingToStart(id)) {
    const atRest = checkAtRest(id, "changing its instance count");
    if (atRest < 0) return atRest;
  }
  return serviceResize(id, count);
}

export function serviceState(id: i32): i32 { const bad = checkService(id); return bad < 0 ? bad : stateOfService[id]; }
export function serviceType(id: i32): i32 { const bad = checkService(id); return bad < 0 ? bad : typeOfService[id]; }
export function serviceInstances(id: i32): i32 { const bad = checkService(id); return bad < 0 ? bad : serviceInstanceCount[id]; }
export function serviceCount(): i32 { return servicesRegistered(); }

/** The current handle of instance `ordinal` of the service. */
export function serviceInstance(id: i32, ordinal: i32): i32 {
  const bad = checkService(id);
  if (bad < 0) return bad;
  if (ordinal < 0 || ordinal >= <i32>serviceInstanceCount[id]) {
    return sayService(fail(E_INVALID_ARGUMENT).text("service "), id).text(": instance ordinal ").int(ordinal)
      .text(" is outside 0..").int(<i32>serviceInstanceCount[id] - 1).code();
  }
  return instanceHandle(instanceSlotOf(id, ordinal));
}

export function instanceState(handle: i32): i32 {
  const slot = instanceResolve(handle);
  return slot < 0 ? slot : stateOfInstance[slot];
}

// ---- dependencies and order ---------------------------------------------------------------

/** `from` depends on `to`; kind: 1 requires, 2 wants, 3 after. */
export function dependencyAdd(from: i32, to: i32, kind: i32): i32 {
  const bad = checkService(from);
  return bad < 0 ? bad : addDependency(from, to, kind);
}

/** As dependencyAdd, with `to` named by the buffer (an unknown name is named in the error). */
export function dependencyAddByName(from: i32, nameLength: i32, kind: i32): i32 {
  const bad = checkService(from);
  if (bad < 0) return bad;
  const len = ioLength(nameLength);
  return len < 0 ? len : addDependencyByName(from, ioPtr(), len, kind);
}

export function dependencyRemove(from: i32, to: i32): i32 {
  const bad = checkService(from);
  return bad < 0 ? bad : removeDependency(from, to);
}

/**
 * The start order: writes (u16 id, u16 wave) per service to the buffer, waves ascending, ids
 * ascending within a wave; returns the service count. Stop order is the reverse.
 * E_DEPENDENCY_CYCLE when the graph has cycles; the detail lists them ("a -> b -> a").
 */
export function order(): i32 {
  const count = orderCompute();
  if (count < 0) return count;
  const out = ioPtr();
  for (let i = 0; i < count; i++) {
    const id = orderIds[i];
    store<u16>(out + <usize>(i * 4), id);
    store<u16>(out + <usize>(i * 4 + 2), orderWave[id]);
  }
  return count;
}

/** The number of waves of the last successful order(). */
export function orderWaveCount(): i32 { return orderWaves(); }

// ---- lifecycle commands (each settles: resulting actions are in the outbox on return) ------

function command(id: i32, op: (service: i32) => i32): i32 {
  clockRefresh();
  const bad = checkService(id);
  if (bad < 0) return bad;
  const result = op(id);
  settle();
  return result;
}

/** An operator's start passes admission first (resources/admission.ts: a refuse-mode start that does not fit is refused). */
function startAdmitted(id: i32): i32 {
  if (WITH_SECURITY) {
    const root = rootRuleCheckStart(id);
    if (root < 0) return root;
  }
  if (WITH_RESOURCES) {
    const refused = admissionCheckStart(id);
    if (refused < 0) return refused;
  }
  return requestStart(id);
}

export function serviceStart(id: i32): i32 { return command(id, startAdmitted); }
export function serviceStop(id: i32): i32 { return command(id, requestStop); }
export function serviceRestart(id: i32): i32 { return command(id, requestRestart); }
export function serviceEnable(id: i32): i32 { return command(id, requestEnable); }
export function serviceDisable(id: i32): i32 { return command(id, requestDisable); }

export function startAll(): i32 { clockRefresh(); const n = requestStartAll(); settle(); return n; }
export function stopAll(): i32 { clockRefresh(); const n = requestStopAll(); settle(); return n; }

// ---- host events --------------------------------------------------------------------------

export function instanceStarted(handle: i32): i32 {
  clockRefresh();
  const result = reportStarted(handle);
  settle();
  return result;
}

/** status >= 0: exit code; status < 0: killed by signal -status. */
export function instanceExited(handle: i32, status: i32): i32 {
  clockRefresh();
  const result = reportExited(handle, status);
  settle();
  return result;
}

// ---- time ---------------------------------------------------------------------------------

/** Fires due deadlines and settles; returns the number of actions waiting in the outbox. */
export function tick(): i32 { return tickOnce(); }

/** Runs up to `ms`; returns early with the number of actions waiting when there are any. */
export function run(ms: i32): i32 { return runFor(ms); }

/** The earliest pending deadline (ms on the HAL clock), or i64.MAX_VALUE when none. */
export function nextDeadline(): i64 {
  const next = limits.ALERTS_ENABLED ? min(timerNextDeadline(), alertsNextDeadline()) : timerNextDeadline();
  return WITH_RESOURCES ? min(next, reservationsNextDeadline()) : next;
}

// ---- outputs ------------------------------------------------------------------------------

/** Moves waiting actions (16-byte records) into the buffer; returns how many. */
export function actionsDrain(): i32 { return outboxDrain(ioPtr(), limits.IO_BUFFER_BYTES); }
export function actionsPending(): i32 { return outboxCount(); }

/** Copies event records (32 bytes) from sequence `fromSeq` on into the buffer; returns how many. */
export function eventsRead(fromSeq: u32): i32 { return eventsCopy(fromSeq, ioPtr(), limits.IO_BUFFER_BYTES); }
export function eventsNextSeq(): u32 { return nextSeq(); }
export function eventsOverwritten(): u32 { return overwritten(); }

// ---- alert notification (assembly/alerts/; not in the mcu profile: see limits.ALERTS_ENABLED) ----

/** Defines receiver `id` (0..7): a failed delivery is retried after `retryInitialMs`, doubling up to `retryMaxMs`, `attemptsMax` tries in all (-1: the kernel's default). */
export function alertReceiverSet(id: i32, retryInitialMs: i32, retryMaxMs: i32, attemptsMax: i32): i32 {
  if (limits.ALERTS_ENABLED) return receiverSet(id, retryInitialMs, retryMaxMs, attemptsMax);
  return alertsAbsent();
}

/** Appends a route (severities: info 1 | warning 2 | critical 4; service -1: any; -1 timings: the kernel's default); returns its index. The first matching route takes an alert. */
export function alertRouteAdd(receiver: i32, severities: i32, service: i32, groupWaitMs: i32, repeatMs: i32, sendResolved: i32): i32 {
  if (limits.ALERTS_ENABLED) return routeAdd(receiver, severities, service, groupWaitMs, repeatMs, sendResolved != 0);
  return alertsAbsent();
}

/** Removes every receiver, route and notification group (before a manifest configures them again); silences stay. */
export function alertsClear(): i32 {
  if (limits.ALERTS_ENABLED) return alertsClearConfig();
  return alertsAbsent();
}

/** Holds back notifications about `service` (-1: every service) for `durationMs`; returns the silence id. */
export function alertSilence(service: i32, durationMs: i32): i32 {
  if (limits.ALERTS_ENABLED) return silence(service, durationMs);
  return alertsAbsent();
}
export function alertUnsilence(id: i32): i32 {
  if (limits.ALERTS_ENABLED) return unsilence(id);
  return alertsAbsent();
}
/** The service a silence in force covers (-1: every service), or an error. */
export function alertSilenceService(id: i32): i32 {
  if (limits.ALERTS_ENABLED) return silenceService(id);
  return alertsAbsent();
}
export function alertSilenceUntil(id: i32): i64 {
  if (limits.ALERTS_ENABLED) return silenceUntil(id);
  return <i64>alertsAbsent();
}

/** The host's answer to ACTION_NOTIFY: delivered (ok 1) or not (ok 0); the kernel retries, repeats or gives up. */
export function alertReport(group: i32, ok: i32): i32 {
  if (!limits.ALERTS_ENABLED) return alertsAbsent();
  const result = report(group, ok);
  if (result >= 0) settle();
  return result;
}

/** A notification group's field: 0 service, 1 receiver, 2 state (1 firing, 2 resolved), 3 alerts, 4 severity, 5 reason, 6 attempt, 7 route. */
export function alertGroupRead(group: i32, field: i32): i32 {
  if (limits.ALERTS_ENABLED) return groupRead(group, field);
  return alertsAbsent();
}

/** 1 when the receiver is unreachable (its last delivery exhausted its attempts), else 0. */
export function alertReceiverDown(id: i32): i32 {
  if (limits.ALERTS_ENABLED) return receiverDown(id);
  return alertsAbsent();
}

// ---- counters and proofs ------------------------------------------------------------------

export const COUNTER_ACTIONS_DEFERRED: i32 = 0;
export const COUNTER_CLOCK_BACKWARD_STEPS: i32 = 1;
export const COUNTER_TIMERS_ARMED: i32 = 2;

export function counter(which: i32): u32 {
  if (which == COUNTER_ACTIONS_DEFERRED) return outboxDeferredCount();
  if (which == COUNTER_CLOCK_BACKWARD_STEPS) return clockBackwardSteps();
  if (which == COUNTER_TIMERS_ARMED) return <u32>timerArmedCount();
  return 0;
}

/**
 * The allocator's high-water mark: where the next allocation would start. Tables are reserved
 * at init; if anything allocated afterwards this would grow (the zero-allocation proof). Reads
 * the allocator's blocks without allocating (util/heap-top.ts).
 */
export function heapHighWater(): usize { return heapTop(); }

export function memoryPages(): i32 { return memory.size(); }

/** Back to the state right after init, without allocating: every table cleared in place. */
export function reset(): void { membershipReset(); }

membershipDefaults(); // init: every layer's rows at their defaults

/** Does nothing: the cost of crossing the boundary, for benchmarks. */
export function noop(): void {}
export * from "./balance/permit";

// ---- snapshot and restore (assembly/snapshot/; not in the mcu profile) ----
export * from "./snapshot/abi";
export * from "./placement/plan-abi";
