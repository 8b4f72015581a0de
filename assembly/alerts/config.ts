// Alert notification, configuration: receivers (how a failed delivery is retried), routes (which
// alerts go to which receiver, how they are grouped and repeated) and silences. The host only
// delivers: it reads `notify` actions and reports each delivery's outcome (see groups.ts).
//
//   receiver: retryInitialMs u32 | retryMaxMs u32 | attemptsMax u8 | configured u8 | unreachable u8
//   route:    receiver i8 | severities u8 (bit per severity) | service i32 (-1: any)
//             | groupWaitMs u32 | repeatMs u32 (0: never) | sendResolved u8
//   silence:  service i32 (-1: every service, -2: free) | untilMs i64
import { ALERT_RECEIVERS_MAX, ALERT_ROUTES_MAX, ALERT_SILENCES_MAX } from "../limits";
import { E_INVALID_ARGUMENT, E_INVALID_COUNT, E_INVALID_TIMEOUT, OK } from "../errors";
import { fail } from "../util/detail";
import { checkService } from "../registry/services";
import { table } from "./table";

export const ANY_SERVICE: i32 = -1;
const FREE: i32 = -2;
/** Severity bits of a route: info 1, warning 2, critical 4. */
export const SEVERITIES_ALL: u8 = 7;
/** A delay or window above this is refused (a day: larger ones are configuration mistakes). */
const DELAY_MS_MAX: i32 = 86_400_000;
/** -1 in any timing or count below: the kernel's default (the typed API and a manifest's `alerts:` both pass it). */
export const ALERT_DEFAULT: i32 = -1;
/** Defaults: a failed delivery retried after 1 s, doubling up to 1 min, 5 tries; alerts gathered 10 s; repeated every 4 h (Alertmanager's repeat). */
export const RETRY_INITIAL_MS_DEFAULT: i32 = 1000;
export const RETRY_MAX_MS_DEFAULT: i32 = 60_000;
export const ATTEMPTS_DEFAULT: i32 = 5;
export const GROUP_WAIT_MS_DEFAULT: i32 = 10_000;
export const REPEAT_MS_DEFAULT: i32 = 14_400_000;

@inline function orDefault(value: i32, fallback: i32): i32 { return value == ALERT_DEFAULT ? fallback : value; }

const receiverRetryInitialMs = table<u32>(ALERT_RECEIVERS_MAX);
const receiverRetryMaxMs = table<u32>(ALERT_RECEIVERS_MAX);
const receiverAttemptsMax = table<u8>(ALERT_RECEIVERS_MAX);
const receiverConfigured = table<bool>(ALERT_RECEIVERS_MAX);
/** Set when a delivery exhausted its attempts; cleared by the next success. Reported once per outage. */
export const receiverUnreachable = table<bool>(ALERT_RECEIVERS_MAX);

const routeReceiver = table<i32>(ALERT_ROUTES_MAX);
const routeSeverities = table<u8>(ALERT_ROUTES_MAX);
const routeService = table<i32>(ALERT_ROUTES_MAX);
const routeGroupWaitMs = table<u32>(ALERT_ROUTES_MAX);
const routeRepeatMs = table<u32>(ALERT_ROUTES_MAX);
const routeSendResolved = table<bool>(ALERT_ROUTES_MAX);
let routeCount: i32 = 0;

const silenceService = table<i32>(ALERT_SILENCES_MAX);
const silenceUntilMs = table<i64>(ALERT_SILENCES_MAX);

export function alertsConfigReset(): void {
  alertsRoutesClear();
  for (let s = 0; s < ALERT_SILENCES_MAX; s++) silenceService[s] = FREE;
}

/** Receivers and routes go; silences (the operator's, not the manifest's) stay. */
export function alertsRoutesClear(): void {
  for (let r = 0; r < ALERT_RECEIVERS_MAX; r++) {
    receiverConfigured[r] = false;
    receiverUnreachable[r] = false;
  }
  routeCount = 0;
}

function delayInvalid(what: string, ms: i32, allowZero: bool): i32 {
  const least: i32 = allowZero ? 0 : 1;
  if (ms < least || ms > DELAY_MS_MAX) {
    return fail(E_INVALID_TIMEOUT).text("alerts: ").text(what).text(" ").int(ms).text(" ms is outside ").int(least).text("..86400000").code();
  }
  return OK;
}

/** Defines (or redefines) receiver `id`: failed deliveries retry after initial, doubling up to max, `attemptsMax` tries in all. */
export function receiverSet(id: i32, retryInitialMs: i32, retryMaxMs: i32, attemptsMax: i32): i32 {
  if (id < 0 || id >= ALERT_RECEIVERS_MAX) {
    return fail(E_INVALID_ARGUMENT).text("alerts: receiver ").int(id).text(" is outside 0..").int(ALERT_RECEIVERS_MAX - 1).code();
  }
  retryInitialMs = orDefault(retryInitialMs, RETRY_INITIAL_MS_DEFAULT);
  retryMaxMs = orDefault(retryMaxMs, max(RETRY_MAX_MS_DEFAULT, retryInitialMs));
  attemptsMax = orDefault(attemptsMax, ATTEMPTS_DEFAULT);
  let bad = delayInvalid("retry initial", retryInitialMs, false);
  if (bad < 0) return bad;
  bad = delayInvalid("retry max", retryMaxMs, false);
  if (bad < 0) return bad;
  if (retryMaxMs < retryInitialMs) {
    return fail(E_INVALID_TIMEOUT).text("alerts: receiver ").int(id).text(": retry max ").int(retryMaxMs).text(" ms is below retry initial ").int(retryInitialMs).text(" ms").code();
  }
  if (attemptsMax < 1 || attemptsMax > 100) {
    return fail(E_INVALID_COUNT).text("alerts: receiver ").int(id).text(": attempts ").int(attemptsMax).text(" is outside 1..100").code();
  }
  receiverRetryInitialMs[id] = <u32>retryInitialMs;
  receiverRetryMaxMs[id] = <u32>retryMaxMs;
  receiverAttemptsMax[id] = <u8>attemptsMax;
  receiverConfigured[id] = true;
  return OK;
}

/** Appends a route; returns its index. `service` -1 matches every service. */
export function routeAdd(receiver: i32, severities: i32, service: i32, groupWaitMs: i32, repeatMs: i32, sendResolved: bool): i32 {
  if (receiver < 0 || receiver >= ALERT_RECEIVERS_MAX || !receiverConfigured[receiver]) {
    return fail(E_INVALID_ARGUMENT).text("alerts: route names receiver ").int(receiver).text(", which is not defined").code();
  }
  severities = orDefault(severities, <i32>SEVERITIES_ALL);
  groupWaitMs = orDefault(groupWaitMs, GROUP_WAIT_MS_DEFAULT);
  repeatMs = orDefault(repeatMs, REPEAT_MS_DEFAULT);
  if (severities < 1 || severities > <i32>SEVERITIES_ALL) {
    return fail(E_INVALID_ARGUMENT).text("alerts: route severities ").int(severities).text(" is not a mask of info 1, warning 2, critical 4").code();
  }
  if (service != ANY_SERVICE) {
    const bad = checkService(service);
    if (bad < 0) return bad;
  }
  let bad = delayInvalid("group wait", groupWaitMs, true);
  if (bad < 0) return bad;
  bad = delayInvalid("repeat interval", repeatMs, true);
  if (bad < 0) return bad;
  if (routeCount == ALERT_ROUTES_MAX) {
    return fail(E_INVALID_COUNT).text("alerts: all ").int(ALERT_ROUTES_MAX).text(" routes are in use").code();
  }
  const r = routeCount++;
  routeReceiver[r] = receiver;
  routeSeverities[r] = <u8>severities;
  routeService[r] = service;
  routeGroupWaitMs[r] = <u32>groupWaitMs;
  routeRepeatMs[r] = <u32>repeatMs;
  routeSendResolved[r] = sendResolved;
  return r;
}

/** The first route that takes an alert of `severity` (0..2) for `service`, or -1. */
export function routeFor(service: i32, severity: u8): i32 {
  for (let r = 0; r < routeCount; r++) {
    if ((routeSeverities[r] & (<u8>1 << severity)) == 0) continue;
    if (routeService[r] != ANY_SERVICE && routeService[r] != service) continue;
    return r;
  }
  return -1;
}

@inline export function routesConfigured(): bool { return routeCount > 0; }
@inline export function routeReceiverOf(route: i32): i32 { return routeReceiver[route]; }
@inline export function routeGroupWait(route: i32): i64 { return <i64>routeGroupWaitMs[route]; }
@inline export function routeRepeat(route: i32): i64 { return <i64>routeRepeatMs[route]; }
@inline export function routeResolves(route: i32): bool { return routeSendResolved[route]; }
@inline export function receiverAttempts(receiver: i32): i32 { return <i32>receiverAttemptsMax[receiver]; }

/** The delay before retry number `attempt` (1, 2, ...): initial doubled per attempt, at most max. */
export function retryDelayMs(receiver: i32, attempt: i32): i64 {
  let delay = <i64>receiverRetryInitialMs[receiver];
  const most = <i64>receiverRetryMaxMs[receiver];
  for (let i = 1; i < attempt && delay < most; i++) delay <<= 1;
  return min(delay, most);
}

/** Silences `service` (-1: every service) until `untilMs`; returns the silence's id. */
export function silenceAdd(service: i32, untilMs: i64): i32 {
  if (service != ANY_SERVICE) {
    const bad = checkService(service);
    if (bad < 0) return bad;
  }
  for (let s = 0; s < ALERT_SILENCES_MAX; s++) {
    if (silenceService[s] != FREE) continue;
    silenceService[s] = service;
    silenceUntilMs[s] = untilMs;
    return s;
  }
  return fail(E_INVALID_COUNT).text("alerts: all ").int(ALERT_SILENCES_MAX).text(" silences are in use").code();
}

export function silenceRemove(id: i32): i32 {
  if (id < 0 || id >= ALERT_SILENCES_MAX || silenceService[id] == FREE) {
    return fail(E_INVALID_ARGUMENT).text("alerts: silence ").int(id).text(" is not in force").code();
  }
  silenceService[id] = FREE;
  return OK;
}

/** True while a silence covers `service`; expired silences are freed on the way. */
export function silenced(service: i32, now: i64): bool {
  let covered = false;
  for (let s = 0; s < ALERT_SILENCES_MAX; s++) {
    const target = silenceService[s];
    if (target == FREE) continue;
    if (silenceUntilMs[s] <= now) { silenceService[s] = FREE; continue; }
    if (target == ANY_SERVICE || target == service) covered = true;
  }
  return covered;
}

/** A silence's service (-1 every service, -2 none) and end, for the host's `myco alerts`. */
@inline export function silenceServiceOf(id: i32): i32 { return silenceService[id]; }
@inline export function silenceUntil(id: i32): i64 { return silenceUntilMs[id]; }

/** A service left: its routes match nothing more and its silences end. */
export function alertsConfigServiceRemoved(service: i32): void {
  for (let r = 0; r < routeCount; r++) if (routeService[r] == service) routeSeverities[r] = 0;
  for (let s = 0; s < ALERT_SILENCES_MAX; s++) if (silenceService[s] == service) silenceService[s] = FREE;
}
