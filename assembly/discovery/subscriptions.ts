// Subscriptions: the host registers a pattern (and optionally a type and tags); from then on
// every registration, removal, state change and health change of a matching service is written
// to the event log as EVENT_DISCOVERY (instance: the subscription id; value: the change).
// Membership is decided when a service or the subscription appears (or a service's metadata
// changes) and kept as a bit set, so a state change costs one bit test per subscription.
import { SUBSCRIPTIONS_MAX, SERVICES_MAX, PATTERN_BYTES_MAX } from "../limits";
import { E_CAPACITY_SUBSCRIPTIONS, E_UNKNOWN_SUBSCRIPTION, OK } from "../errors";
import { serviceNames, serviceUsed, serviceType, serviceTags, serviceState } from "../registry/services";
import { eventLog, EVENT_DISCOVERY } from "../log/events";
import { CAUSE_NONE } from "../lifecycle/causes";
import { patternCompile, patternMatches } from "./pattern";
import { fail } from "../util/detail";
import { fillAll } from "../util/fill";

export const DISCOVERY_CHANGE_REGISTERED: i32 = 1;
export const DISCOVERY_CHANGE_UNREGISTERED: i32 = 2;
export const DISCOVERY_CHANGE_STATE: i32 = 3;
export const DISCOVERY_CHANGE_HEALTH: i32 = 4;

const WORDS: i32 = (SERVICES_MAX + 63) >> 6;

const used = new StaticArray<bool>(SUBSCRIPTIONS_MAX);
const patternBytes = new StaticArray<u8>(SUBSCRIPTIONS_MAX * PATTERN_BYTES_MAX);
const patternLength = new StaticArray<i32>(SUBSCRIPTIONS_MAX);
const filterType = new StaticArray<i32>(SUBSCRIPTIONS_MAX);
const filterTags = new StaticArray<u64>(SUBSCRIPTIONS_MAX);
const members = new StaticArray<u64>(SUBSCRIPTIONS_MAX * WORDS);
let active: i32 = 0;

@inline function patternPtr(sub: i32): usize { return changetype<usize>(patternBytes) + <usize>(sub * PATTERN_BYTES_MAX); }

@inline function isMember(sub: i32, service: i32): bool {
  return (members[sub * WORDS + (service >> 6)] & (<u64>1 << <u64>(service & 63))) != 0;
}

function setMember(sub: i32, service: i32, member: bool): void {
  const at = sub * WORDS + (service >> 6);
  const bit = <u64>1 << <u64>(service & 63);
  members[at] = member ? members[at] | bit : members[at] & ~bit;
}

/** Does `service` satisfy the subscription? The subscription's pattern must be compiled. */
function matches(sub: i32, service: i32): bool {
  if (filterType[sub] >= 0 && <i32>serviceType[service] != filterType[sub]) return false;
  if ((serviceTags[service] & filterTags[sub]) != filterTags[sub]) return false;
  return patternMatches(serviceNames.namePtr(service), serviceNames.nameLength(service));
}

/** Subscribes a pattern (validated); returns the subscription id. type -1: any; tags: all of. */
export function subscribe(ptr: usize, len: i32, type: i32, tags: u64): i32 {
  const bad = patternCompile(ptr, len);
  if (bad < 0) return bad;
  const sub = used.indexOf(false);
  if (sub < 0) {
    return fail(E_CAPACITY_SUBSCRIPTIONS).text("subscription '").raw(ptr, len).text("' does not fit: all ")
      .int(SUBSCRIPTIONS_MAX).text(" subscriptions are in use").code();
  }
  used[sub] = true;
  memory.copy(patternPtr(sub), ptr, <usize>len);
  patternLength[sub] = len;
  filterType[sub] = type;
  filterTags[sub] = tags;
  active++;
  for (let service = 0; service < SERVICES_MAX; service++) {
    setMember(sub, service, serviceUsed[service] && matches(sub, service));
  }
  return sub;
}

export function checkSubscription(sub: i32): i32 {
  if (sub >= 0 && sub < SUBSCRIPTIONS_MAX && used[sub]) return OK;
  return fail(E_UNKNOWN_SUBSCRIPTION).text("subscription ").int(sub).text(" is not active").code();
}

export function unsubscribe(sub: i32): i32 {
  const bad = checkSubscription(sub);
  if (bad < 0) return bad;
  used[sub] = false;
  active--;
  for (let w = 0; w < WORDS; w++) members[sub * WORDS + w] = 0;
  return OK;
}

/** Members of a subscription, as u16 ids at `dst` (at most `capacity`); returns how many. */
export function subscriptionMembers(sub: i32, dst: usize, capacity: i32): i32 {
  let n = 0;
  for (let service = 0; service < SERVICES_MAX && n < capacity; service++) {
    if (isMember(sub, service)) store<u16>(dst + <usize>(2 * n++), <u16>service);
  }
  return n;
}

/** A matching service changed: one event per subscription it belongs to. */
export function subscriptionsNotify(service: i32, change: i32, from: u8, to: u8, cause: u8): void {
  if (active == 0) return;
  for (let sub = 0; sub < SUBSCRIPTIONS_MAX; sub++) {
    if (used[sub] && isMember(sub, service)) eventLog(EVENT_DISCOVERY, service, sub, from, to, cause, change);
  }
}

/** A service appeared or its name, type or tags changed: re-decide its memberships. */
export function subscriptionsRefresh(service: i32): void {
  if (active == 0) return;
  for (let sub = 0; sub < SUBSCRIPTIONS_MAX; sub++) {
    if (!used[sub]) continue;
    patternCompile(patternPtr(sub), patternLength[sub]); // compiled once already: cannot fail
    const was = isMember(sub, service);
    const now = matches(sub, service);
    if (was == now) continue;
    setMember(sub, service, now);
    const state = serviceState[service];
    eventLog(EVENT_DISCOVERY, service, sub, state, state, CAUSE_NONE,
      now ? DISCOVERY_CHANGE_REGISTERED : DISCOVERY_CHANGE_UNREGISTERED);
  }
}

/** A service is about to be unregistered. */
export function subscriptionsForget(service: i32): void {
  if (active == 0) return;
  const state = serviceState[service];
  for (let sub = 0; sub < SUBSCRIPTIONS_MAX; sub++) {
    if (!used[sub] || !isMember(sub, service)) continue;
    eventLog(EVENT_DISCOVERY, service, sub, state, state, CAUSE_NONE, DISCOVERY_CHANGE_UNREGISTERED);
    setMember(sub, service, false);
  }
}

export function subscriptionsReset(): void {
  fillAll(used, false);
  fillAll(members, 0);
  active = 0;
}
