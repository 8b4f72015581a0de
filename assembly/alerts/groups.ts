// Alert notification, the decisions: which alerts form one notification (a group per route and
// service), when it goes out (after the route's group wait, again every repeat interval while
// the alerts last, once more when they are resolved), what a silence holds back, and how a
// failed delivery is retried (doubling delay) until the receiver is declared unreachable; that
// is reported once per outage, not on every failure. The host delivers each `notify` action
// and answers with alertsDelivered(group, ok).
//
//   group: route i32 (-1 free) | service i32 | state u8 (firing, resolved) | alerts u32 (since the last
//          delivery) | severity u8 (highest) | reason u8 (latest) | due i64 | dueKind u8 | attempt u8 | inFlight u8
import { ALERT_GROUPS_MAX } from "../limits";
import { E_INVALID_ARGUMENT, OK } from "../errors";
import { fail } from "../util/detail";
import { eventLog } from "../log/events";
import { outboxHasRoom, outboxPush, ACTION_NOTIFY } from "../log/outbox";
import { NO_DEADLINE } from "../timers/heap";
import {
  routeFor, routeReceiverOf, routeGroupWait, routeRepeat, routeResolves, receiverAttempts, retryDelayMs, receiverUnreachable, silenced,
} from "./config";
import { table } from "./table";

export const EVENT_NOTIFY: u8 = 10;
/** EVENT_NOTIFY `from` codes: what happened to a group's notification. */
export const NOTIFY_SENT: u8 = 1;
export const NOTIFY_RETRY: u8 = 2;
export const NOTIFY_UNREACHABLE: u8 = 3;
export const NOTIFY_SILENCED: u8 = 4;
export const NOTIFY_GROUPS_FULL: u8 = 5;
export const NOTIFY_RECEIVER_BACK: u8 = 6;

export const GROUP_FIRING: u8 = 1;
export const GROUP_RESOLVED: u8 = 2;

const groupRoute = table<i32>(ALERT_GROUPS_MAX);
const groupService = table<i32>(ALERT_GROUPS_MAX);
const groupState = table<u8>(ALERT_GROUPS_MAX);
const groupAlerts = table<u32>(ALERT_GROUPS_MAX);
const groupSeverity = table<u8>(ALERT_GROUPS_MAX);
const groupReason = table<u8>(ALERT_GROUPS_MAX);
const groupDue = table<i64>(ALERT_GROUPS_MAX);
/** The group's state when its last notification went out (firing or resolved). */
const groupSentState = table<u8>(ALERT_GROUPS_MAX);
/** A firing notification of this group reached its receiver: its resolution is news too. */
const groupAnnounced = table<bool>(ALERT_GROUPS_MAX);
const groupAttempt = table<u8>(ALERT_GROUPS_MAX);
const groupInFlight = table<bool>(ALERT_GROUPS_MAX);
let silencedCount: u32 = 0;

export function alertGroupsReset(): void {
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) free(g);
  silencedCount = 0;
}

function free(g: i32): void {
  groupRoute[g] = -1;
  groupState[g] = 0;
  groupDue[g] = NO_DEADLINE;
  groupInFlight[g] = false;
}

function groupOf(route: i32, service: i32): i32 {
  let empty = -1;
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) {
    if (groupRoute[g] == route && groupService[g] == service) return g;
    if (groupRoute[g] < 0 && empty < 0) empty = g;
  }
  return empty;
}

@inline function schedule(g: i32, at: i64): void { groupDue[g] = at; }

/** An alert the kernel raised: grouped, held back by a silence, or scheduled for its receiver. */
export function alertRoute(service: i32, severity: u8, reason: u8, recovered: bool, now: i64): void {
  if (recovered) return resolve(service, now);
  const route = routeFor(service, severity);
  if (route < 0) return;
  if (silenced(service, now)) {
    silencedCount++;
    eventLog(EVENT_NOTIFY, service, -1, NOTIFY_SILENCED, <u8>routeReceiverOf(route), reason, <i32>silencedCount);
    return;
  }
  const g = groupOf(route, service);
  if (g < 0) {
    eventLog(EVENT_NOTIFY, service, -1, NOTIFY_GROUPS_FULL, <u8>routeReceiverOf(route), reason, ALERT_GROUPS_MAX);
    return;
  }
  if (groupRoute[g] < 0 || groupState[g] == GROUP_RESOLVED) {
    if (groupRoute[g] < 0) {
      groupAlerts[g] = 0;
      groupAnnounced[g] = false;
    }
    groupRoute[g] = route;
    groupService[g] = service;
    groupState[g] = GROUP_FIRING;
    groupSeverity[g] = severity;
    groupAttempt[g] = 0;
    if (!groupInFlight[g]) schedule(g, now + routeGroupWait(route));
  }
  groupAlerts[g]++;
  groupReason[g] = reason;
  if (severity > groupSeverity[g]) groupSeverity[g] = severity;
}

/** The service recovered: its firing groups are resolved (and say so, where the route asks). */
function resolve(service: i32, now: i64): void {
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) {
    if (groupRoute[g] < 0 || groupService[g] != service || groupState[g] != GROUP_FIRING) continue;
    groupState[g] = GROUP_RESOLVED;
    groupAttempt[g] = 0;
    if (groupInFlight[g]) continue; // the answer to the firing notification schedules the resolved one
    // Resolved before anyone heard of it (within the group wait): nothing to tell.
    if (!routeResolves(groupRoute[g]) || !groupAnnounced[g]) free(g);
    else schedule(g, now);
  }
}

/** Sends what is due; returns the earliest deadline left. */
export function alertGroupsTick(now: i64): i64 {
  let next = NO_DEADLINE;
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) {
    if (groupRoute[g] < 0 || groupInFlight[g]) continue;
    if (groupDue[g] <= now) send(g);
    if (!groupInFlight[g] && groupDue[g] < next) next = groupDue[g];
  }
  return next;
}

export function alertGroupsNextDeadline(): i64 {
  let next = NO_DEADLINE;
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) if (groupRoute[g] >= 0 && !groupInFlight[g] && groupDue[g] < next) next = groupDue[g];
  return next;
}

/** ACTION_NOTIFY: service, instance = the group, arg = receiver | state << 8. A full outbox: the next tick tries again. */
function send(g: i32): void {
  if (!outboxHasRoom(1)) return;
  outboxPush(ACTION_NOTIFY, groupService[g], g, routeReceiverOf(groupRoute[g]) | (<i32>groupState[g] << 8));
  groupInFlight[g] = true;
  groupSentState[g] = groupState[g];
  groupDue[g] = NO_DEADLINE;
}

/** The host's answer to a notify action: the receiver took it (ok) or not. */
export function alertDelivered(g: i32, ok: bool, now: i64): i32 {
  if (g < 0 || g >= ALERT_GROUPS_MAX || groupRoute[g] < 0 || !groupInFlight[g]) {
    return fail(E_INVALID_ARGUMENT).text("alerts: group ").int(g).text(" has no notification out").code();
  }
  groupInFlight[g] = false;
  const route = groupRoute[g], receiver = routeReceiverOf(route), service = groupService[g];
  if (ok) {
    if (receiverUnreachable[receiver]) {
      receiverUnreachable[receiver] = false;
      eventLog(EVENT_NOTIFY, service, g, NOTIFY_RECEIVER_BACK, <u8>receiver, groupReason[g], 0);
    }
    eventLog(EVENT_NOTIFY, service, g, NOTIFY_SENT, <u8>receiver, groupSentState[g], <i32>groupAlerts[g]);
    if (groupSentState[g] == GROUP_FIRING) groupAnnounced[g] = true;
    return settled(g, now);
  }
  const attempt = <i32>groupAttempt[g] + 1;
  if (attempt < receiverAttempts(receiver)) {
    groupAttempt[g] = <u8>attempt;
    const delay = retryDelayMs(receiver, attempt);
    eventLog(EVENT_NOTIFY, service, g, NOTIFY_RETRY, <u8>receiver, <u8>attempt, <i32>delay);
    schedule(g, now + delay);
    return OK;
  }
  // Given up for this round: said once per outage, not once per group or per failure.
  if (!receiverUnreachable[receiver]) {
    receiverUnreachable[receiver] = true;
    eventLog(EVENT_NOTIFY, service, g, NOTIFY_UNREACHABLE, <u8>receiver, <u8>attempt, attempt);
  }
  return settled(g, now);
}

/** After a delivery (or giving up on one): resolved groups end; firing ones repeat. */
function settled(g: i32, now: i64): i32 {
  groupAttempt[g] = 0;
  if (groupState[g] == GROUP_RESOLVED) {
    // A resolution that came while the firing notification was out is told now.
    if (groupSentState[g] == GROUP_FIRING && groupAnnounced[g] && routeResolves(groupRoute[g])) schedule(g, now);
    else free(g);
    return OK;
  }
  // It fired again while its resolution was out: that is news, told after the group wait.
  if (groupSentState[g] == GROUP_RESOLVED) {
    schedule(g, now + routeGroupWait(groupRoute[g]));
    return OK;
  }
  groupAlerts[g] = 0;
  const repeat = routeRepeat(groupRoute[g]);
  schedule(g, repeat > 0 ? now + repeat : NO_DEADLINE);
  return OK;
}

/** Fields of a group for the host's notification body (GROUP_FIELD_*), or an error. */
export function alertGroupField(g: i32, field: i32): i32 {
  if (g < 0 || g >= ALERT_GROUPS_MAX || groupRoute[g] < 0) {
    return fail(E_INVALID_ARGUMENT).text("alerts: group ").int(g).text(" is not in use").code();
  }
  switch (field) {
    case 0: return groupService[g];
    case 1: return routeReceiverOf(groupRoute[g]);
    case 2: return <i32>groupState[g];
    case 3: return <i32>groupAlerts[g];
    case 4: return <i32>groupSeverity[g];
    case 5: return <i32>groupReason[g];
    case 6: return <i32>groupAttempt[g];
    case 7: return groupRoute[g];
  }
  return fail(E_INVALID_ARGUMENT).text("alerts: group field ").int(field).text(" is outside 0..7").code();
}

/** A service left: its groups end without a word (the alerts about it are moot). */
export function alertGroupsServiceRemoved(service: i32): void {
  for (let g = 0; g < ALERT_GROUPS_MAX; g++) if (groupRoute[g] >= 0 && groupService[g] == service) free(g);
}
