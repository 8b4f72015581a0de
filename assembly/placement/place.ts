// Placing a service's instances: filter (state, tier by class, required and forbidden labels,
// max-per-node, capacity) -> score (binpack or spread, prefer and avoid, zone spread, class
// preference, reliability and load) -> select (highest score, lowest node id on a tie: the same
// inputs always give the same node). A call places all its instances or none; a refusal counts
// the nodes each reason excluded. Capacity accounting is exact: a node's used vector is the sum
// of its instances' requests, and never exceeds its capacity.
import { E_INVALID_ARGUMENT, E_NO_NODE_FITS, E_CAPACITY_INSTANCES } from "../errors";
import { fail, Detail } from "../util/detail";
import { checkService, sayService } from "../registry/services";
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX, PLACEMENT_SERVICES } from "../limits";
import {
  fleet, NONE, RESOURCES, REASONS, REASON_STATE, REASON_TIER, REASON_REQUIRE, REASON_FORBID, REASON_MAX_PER_NODE, REASON_RESOURCE,
  TIER_SCLEROTIA, TIER_RHIZOMORPH, TIER_HYPHAE, CLASS_CRITICAL, CLASS_USER, CLASS_CLIENT, CLASS_DISTRIBUTED, SCORE_SPREAD, resourceName,
  REASON_DIRECT, REASON_RULE, REASON_RETRY, RULES_PER_SERVICE, DIRECT_PER_SERVICE, ASSIGN_DIRECT, PRIORITY_WEIGHT,
  COND_TIER, COND_LABEL, COND_LOAD_ABOVE, COND_LOAD_BELOW, BACKUPS_PER_SLOT,
} from "./tables";
import { nodeAccepts, sayNode } from "./nodes";
import { NO_SLOT, WAITING } from "./tables";
import { slotTake, slotGive, slotSetNode, slotSetBackup, firstOfService, firstOnNode, sortedSlots } from "./slots";
import { sampleBest } from "./sample";
import { plans } from "./moves";
import { PLANTED_BUG } from "../features";
import { holdSource, releaseHold } from "./hold";
import { retryExcludes, parked } from "./exclusions";
import { RULE_REQUIRE, RULE_FORBID, RULE_PREFER } from "./spec";
import { fillAll } from "../util/fill";

/**
 * Counts the service's instances per node and per zone into the scratch rows, walking only its
 * own slots and clearing only the nodes the previous count touched. The rows then stay exact for
 * that service (assign and unassign keep them), so placing it again costs nothing here. A
 * service that reads neither row (not counted()) leaves them to the service they were counted for.
 */
function prepare(service: i32): void {
  if (fleet.preparedFor == service || !counted(service)) return;
  for (let k = 0; k < fleet.touchedCount; k++) { fleet.perNode[<i32>unchecked(fleet.touched[k])] = 0; fleet.touchedMark[<i32>unchecked(fleet.touched[k])] = false; }
  fleet.touchedCount = 0;
  fillAll(fleet.perZone, 0);
  fleet.preparedFor = service;
  for (let slot = firstOfService(service); slot != NO_SLOT; slot = unchecked(fleet.nextOfService[slot])) {
    const node = <i32>unchecked(fleet.slotNode[slot]);
    if (node != <i32>NONE) count(node, 1);
  }
}

/** Does placing the service read its instances per node or zone (max-per-node, distributed scoring, zone spread); if not, prepare() has nothing to count. */
@inline function counted(service: i32): bool {
  return unchecked(fleet.specMaxPerNode[service]) > 0 || unchecked(fleet.specClass[service]) == CLASS_DISTRIBUTED || unchecked(fleet.specSpreadZone[service]);
}

/** One instance more (delta 1) or fewer on a node (an assigned one: a registered node, its zone a label id or -1). */
function count(node: i32, delta: i32): void {
  const before = <i32>unchecked(fleet.perNode[node]);
  if (!unchecked(fleet.touchedMark[node])) { unchecked(fleet.touchedMark[node] = true); unchecked(fleet.touched[fleet.touchedCount++] = <u16>node); }
  unchecked(fleet.perNode[node] = <u16>(before + delta));
  const zone = <i32>unchecked(fleet.nodeZone[node]);
  if (zone >= 0) unchecked(fleet.perZone[zone] = <u32>(<i32>unchecked(fleet.perZone[zone]) + delta));
}

export function tierFits(placementClass: u8, tier: u8): bool {
  if (tier == TIER_HYPHAE) return placementClass == CLASS_CLIENT; // hyphae host only client services
  if (placementClass == CLASS_CRITICAL) return tier == TIER_SCLEROTIA;
  return true;
}

/** Does a rule's condition hold on a node. */
@inline function holds(i: i32, node: i32): bool {
  const value = unchecked(fleet.ruleValue[i]);
  switch (unchecked(fleet.ruleCondition[i])) {
    case COND_TIER: return <i32>unchecked(fleet.nodeTier[node]) == value;
    case COND_LABEL: return (unchecked(fleet.nodeLabels[node]) & (<u64>1 << <u64>value)) != 0;
    case COND_LOAD_ABOVE: return <i32>unchecked(fleet.nodeLoad[node]) > value;
    case COND_LOAD_BELOW: return <i32>unchecked(fleet.nodeLoad[node]) < value;
    default: return <i32>unchecked(fleet.nodeTrust[node]) >= value;
  }
}

/** -1 when the node may host the service at all (state, tier, hard rules), else the first reason it may not. */
export function hardExclusion(service: i32, node: i32): i32 {
  if (!nodeAccepts(node)) return REASON_STATE;
  if (!tierFits(unchecked(fleet.specClass[service]), unchecked(fleet.nodeTier[node]))) return REASON_TIER;
  const labels = unchecked(fleet.nodeLabels[node]);
  if ((labels & unchecked(fleet.specRequire[service])) != unchecked(fleet.specRequire[service])) return REASON_REQUIRE;
  if ((labels & unchecked(fleet.specForbid[service])) != 0) return REASON_FORBID;
  const rules = <i32>unchecked(fleet.ruleCount[service]);
  for (let k = 0; k < rules; k++) {
    const i = service * RULES_PER_SERVICE + k;
    const action = <i32>unchecked(fleet.ruleAction[i]);
    if (action > RULE_FORBID) continue;
    if (holds(i, node) != (action == RULE_REQUIRE)) return REASON_RULE;
  }
  return -1;
}

/** -1 when the node's free capacity covers one more instance of the service, else the reason of the first resource short. */
export function capacityExclusion(service: i32, node: i32): i32 {
  const n = <i32>unchecked(fleet.requestedCount[service]) - (PLANTED_BUG == 1 ? 1 : 0); // the planted off-by-one (features.ts), never in a normal build
  for (let k = 0; k < n; k++) {
    const r = <i32>unchecked(fleet.requested[service * RESOURCES + k]);
    const need = unchecked(fleet.request[service * RESOURCES + r]);
    const i = node * RESOURCES + r;
    if (<u64>unchecked(fleet.used[i]) + <u64>unchecked(fleet.held[i]) + <u64>need > <u64>unchecked(fleet.capacity[i])) return REASON_RESOURCE + r;
  }
  return -1;
}

/** -1 when the node can take one more instance of the service, else the first reason it cannot. */
function exclusion(service: i32, node: i32): i32 {
  const hard = hardExclusion(service, node);
  if (hard >= 0) return hard;
  if (retryExcludes(node)) return REASON_RETRY;
  const limit = <i32>unchecked(fleet.specMaxPerNode[service]);
  if (limit > 0 && <i32>unchecked(fleet.perNode[node]) >= limit) return REASON_MAX_PER_NODE;
  return capacityExclusion(service, node);
}

/** The soft rules' weight on a node: prefer adds, avoid takes away, each by its priority. */
export function ruleScore(service: i32, node: i32): i64 {
  const labels = unchecked(fleet.nodeLabels[node]);
  let s: i64 = 2000 * (<i64>popcnt(labels & unchecked(fleet.specPrefer[service])) - <i64>popcnt(labels & unchecked(fleet.specAvoid[service])));
  const rules = <i32>unchecked(fleet.ruleCount[service]);
  for (let k = 0; k < rules; k++) {
    const i = service * RULES_PER_SERVICE + k;
    const action = <i32>unchecked(fleet.ruleAction[i]);
    if (action <= RULE_FORBID || !holds(i, node)) continue;
    const weight = PRIORITY_WEIGHT * <i64>unchecked(fleet.rulePriority[i]);
    s += action == RULE_PREFER ? weight : -weight;
  }
  return s;
}

function score(service: i32, node: i32): i64 {
  let fill: i64 = 0;
  const n = <i32>unchecked(fleet.requestedCount[service]);
  for (let k = 0; k < n; k++) {
    const r = <i32>unchecked(fleet.requested[service * RESOURCES + k]);
    const need = unchecked(fleet.request[service * RESOURCES + r]);
    const i = node * RESOURCES + r;
    const capacity = unchecked(fleet.capacity[i]);
    if (capacity == 0) continue;
    fill += (<i64>unchecked(fleet.used[i]) + <i64>need) * 1000 / <i64>capacity;
  }
  let s: i64 = unchecked(fleet.specScore[service]) == SCORE_SPREAD ? -fill : fill;
  s += ruleScore(service, node);
  const placementClass = unchecked(fleet.specClass[service]);
  if (placementClass == CLASS_USER && unchecked(fleet.nodeTier[node]) == TIER_RHIZOMORPH) s += 1500;
  if (placementClass == CLASS_DISTRIBUTED) s -= 3000 * <i64>unchecked(fleet.perNode[node]);
  s += 5 * (<i64>unchecked(fleet.nodeReliability[node]) - <i64>unchecked(fleet.nodeLoad[node]));
  const zone = <i32>unchecked(fleet.nodeZone[node]);
  if (unchecked(fleet.specSpreadZone[service]) && zone >= 0) s -= 1_000_000 * <i64>unchecked(fleet.perZone[zone]);
  return s;
}

/** The node registered under the k-th name of a direct assignment, or -1 (none named, or not registered). */
export function directNode(service: i32, k: i32): i32 {
  const name = unchecked(fleet.specDirect[service * DIRECT_PER_SERVICE + k]);
  if (name < 0) return -1;
  return fleet.nodeNames.find(fleet.directNames.namePtr(name), fleet.directNames.nameLength(name));
}

/** A direct assignment: the first named node that can take the instance, in the operator's order. */
function selectDirect(service: i32, explain: bool): i32 {
  let chosen = -1;
  for (let k = 0; k < DIRECT_PER_SERVICE && chosen < 0; k++) {
    const node = directNode(service, k);
    if (node >= 0 && exclusion(service, node) < 0) chosen = node;
  }
  if (!explain) return chosen;
  clearRefusal(service);
  for (let node = 0; node < PLACEMENT_NODES_MAX; node++) {
    if (unchecked(fleet.nodeState[node]) == 0) continue;
    let named = false;
    for (let k = 0; k < DIRECT_PER_SERVICE; k++) if (directNode(service, k) == node) named = true;
    const reason = named ? exclusion(service, node) : REASON_DIRECT;
    if (reason >= 0) noteRefusal(service, node, reason);
  }
  return chosen;
}

export { SAMPLE_ALL_BELOW, sampleSize } from "./sample";

function feasible(service: i32, node: i32): bool { return exclusion(service, node) < 0; }

/** The best node for one more instance (prepare() first), or -1; `explain` records the refusal. */
function select(service: i32, explain: bool): i32 {
  if (unchecked(fleet.specAssign[service]) == ASSIGN_DIRECT) return selectDirect(service, explain);
  if (explain) return explainAll(service);
  const last = <i32>unchecked(fleet.lastNode[service]);
  return sampleBest(service, feasible, score, last == <i32>NONE ? -1 : last);
}

/** The refusal: every node's first exclusion counted (select found none, so every node has one). */
function explainAll(service: i32): i32 {
  clearRefusal(service);
  for (let position = 0; position < fleet.nodeCount; position++) {
    const node = <i32>unchecked(fleet.nodeOrder[position]);
    const reason = exclusion(service, node);
    if (reason >= 0) noteRefusal(service, node, reason);
  }
  return -1;
}

function clearRefusal(service: i32): void {
  fillAll(fleet.refusal, 0);
  for (let r = 0; r < RESOURCES; r++) {
    fleet.refusalNeed[r] = unchecked(fleet.request[service * RESOURCES + r]);
    fleet.refusalLargest[r] = 0;
    fleet.refusalLargestNode[r] = -1;
  }
}

function noteRefusal(service: i32, node: i32, reason: i32): void {
  fleet.refusal[reason]++;
  if (reason < REASON_RESOURCE || reason >= REASON_DIRECT) return;
  const r = reason - REASON_RESOURCE, i = node * RESOURCES + r;
  const free = unchecked(fleet.capacity[i]) - unchecked(fleet.used[i]) - unchecked(fleet.held[i]);
  const largest = unchecked(fleet.refusalLargest[r]), holder = unchecked(fleet.refusalLargestNode[r]);
  if (holder < 0 || free > largest || (free == largest && node < holder)) { fleet.refusalLargest[r] = free; fleet.refusalLargestNode[r] = node; }
}

/** Puts a waiting instance of the service on a node (back on the node it runs on: its hold there ends). */
function assign(slot: i32, node: i32): void {
  const service = <i32>unchecked(fleet.slotService[slot]);
  if (<i32>unchecked(plans.running[slot]) == node) releaseHold(slot);
  slotSetNode(slot, node);
  for (let r = 0; r < RESOURCES; r++) unchecked(fleet.used[node * RESOURCES + r] += unchecked(fleet.request[service * RESOURCES + r]));
  if (service == fleet.preparedFor) count(node, 1);
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) if (<i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]) == node) slotSetBackup(slot, k, NONE);
}

/** Takes an instance off its node (it stays the service's, waiting for a node); `hold`: a blue-green or live move holds the room it leaves (hold.ts). */
function unassign(slot: i32, hold: bool = true): void {
  const node = <i32>unchecked(fleet.slotNode[slot]), service = <i32>unchecked(fleet.slotService[slot]);
  if (node == <i32>NONE) return;
  for (let r = 0; r < RESOURCES; r++) unchecked(fleet.used[node * RESOURCES + r] -= unchecked(fleet.request[service * RESOURCES + r]));
  if (service == fleet.preparedFor) count(node, -1);
  slotSetNode(slot, WAITING);
  if (hold) holdSource(slot, node);
}

/**
 * A manual move: the instance in `slot` goes to `node` if the node can take it (every hard rule,
 * max-per-node, capacity), else it stays and the error names the reason. Returns OK.
 */
export function moveInstance(slot: i32, node: i32): i32 {
  if (slot < 0 || slot >= PLACEMENT_SLOTS_MAX || unchecked(fleet.slotService[slot]) == NONE) {
    return fail(E_INVALID_ARGUMENT).text("placement: assignment slot ").int(slot).text(" is not in use").code();
  }
  const service = <i32>unchecked(fleet.slotService[slot]);
  const from = <i32>unchecked(fleet.slotNode[slot]);
  if (from == node) return 0;
  prepare(service);
  const back = <i32>unchecked(plans.running[slot]) == node && unchecked(fleet.slotHoldEra[slot]) != 0;
  if (back) releaseHold(slot); // back to the node it runs on: the room it holds there is its own
  const reason = exclusion(service, node);
  if (reason >= 0) {
    if (back) holdSource(slot, node);
    const d = sayService(fail(E_NO_NODE_FITS).text("placement: service "), service).text(": cannot move to ");
    sayNode(d, node).text(": ");
    if (reason >= REASON_RESOURCE && reason < REASON_DIRECT) return d.text("it lacks ").text(resourceName(reason - REASON_RESOURCE)).code();
    return d.text(reasonText(reason)).code();
  }
  unassign(slot);
  assign(slot, node);
  return 0;
}

function reasonText(reason: i32): string {
  switch (reason) {
    case REASON_STATE: return "it is not alive";
    case REASON_TIER: return "its tier is not one the class may use";
    case REASON_REQUIRE: return "it lacks a required label";
    case REASON_FORBID: return "it carries a forbidden label";
    case REASON_MAX_PER_NODE: return "it is at max-per-node";
    case REASON_DIRECT: return "it is not among the operator's direct nodes";
    case REASON_RETRY: return "the instance's moves failed there too often";
    default: return "it fails a tier, load or trust rule";
  }
}

/** Frees a slot: its instance goes, with its backups. */
export function releaseSlot(slot: i32): void { release(slot); }

function release(slot: i32): void {
  unassign(slot, false);
  releaseHold(slot);
  fleet.slotReservation[slot] = NONE;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) slotSetBackup(slot, k, NONE);
  fleet.backupsShort -= <i32>unchecked(fleet.slotShort[slot]);
  fleet.slotShort[slot] = 0;
  slotGive(slot);
}

@inline function instancesOf(service: i32): i32 { return unchecked(fleet.serviceInstances[service]); }

/** Places `count` more instances of the service, all or none; returns how many it has now. */
export function placeInstances(service: i32, count: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  if (count < 1 || count > PLACEMENT_SLOTS_MAX) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": count ").int(count).text(" is outside 1..").int(PLACEMENT_SLOTS_MAX).code();
  }
  if (fleet.slotsUsed + count > PLACEMENT_SLOTS_MAX) {
    return sayService(fail(E_CAPACITY_INSTANCES).text("placement: service "), service).text(": ").int(count).text(" more instances exceed the assignment table (")
      .int(PLACEMENT_SLOTS_MAX - fleet.slotsUsed).text(" free)").code();
  }
  const before = instancesOf(service);
  prepare(service);
  for (let k = 0; k < count; k++) {
    const node = select(service, false);
    if (node < 0) {
      select(service, true); // the refusal as the fleet stands at this instance
      for (let j = 0; j < k; j++) release(<i32>unchecked(fleet.callSlots[j]));
      return explainRefusal(service, before + k);
    }
    const slot = slotTake(service);
    assign(slot, node);
    fleet.lastNode[service] = <u16>node;
    fleet.callSlots[k] = <u32>slot;
  }
  return before + count;
}

function explainRefusal(service: i32, ordinal: i32): i32 {
  const d = sayService(fail(E_NO_NODE_FITS).text("placement: service "), service).text(" instance ").int(ordinal).text(": no node fits: ")
    .int(fleet.nodeCount).text(" nodes");
  say(d, REASON_STATE, " not alive");
  say(d, REASON_TIER, " of a tier the class may not use (hyphae: client only; critical: sclerotia only)");
  say(d, REASON_REQUIRE, " lack a required label");
  say(d, REASON_FORBID, " carry a forbidden label");
  if (unchecked(fleet.refusal[REASON_MAX_PER_NODE]) > 0) d.text(", ").int(unchecked(fleet.refusal[REASON_MAX_PER_NODE])).text(" at max-per-node ").int(unchecked(fleet.specMaxPerNode[service]));
  say(d, REASON_DIRECT, " not among the operator's direct nodes");
  say(d, REASON_RULE, " fail a tier, load or trust rule");
  say(d, REASON_RETRY, " failed this instance's move too often");
  for (let r = 0; r < RESOURCES; r++) {
    if (unchecked(fleet.refusal[REASON_RESOURCE + r]) == 0) continue;
    d.text(", ").int(unchecked(fleet.refusal[REASON_RESOURCE + r])).text(" lack ").text(resourceName(r)).text(" (need ").int(unchecked(fleet.refusalNeed[r]))
      .text(", largest free ").int(unchecked(fleet.refusalLargest[r])).text(" on ");
    sayNode(d, unchecked(fleet.refusalLargestNode[r])).text(")");
  }
  return d.code();
}

function say(d: Detail, reason: i32, what: string): void {
  if (unchecked(fleet.refusal[reason]) > 0) d.text(", ").int(unchecked(fleet.refusal[reason])).text(what);
}

/** Removes the service's `count` newest instances (highest slots); returns how many it has left. */
export function removeInstances(service: i32, count: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  const have = instancesOf(service);
  if (count < 1 || count > have) {
    return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": cannot remove ").int(count).text(" of its ").int(have).text(" instances").code();
  }
  const n = sortedSlots(firstOfService(service), fleet.nextOfService, fleet.callSlots); // callSlots as scratch
  for (let k = n - 1; k >= n - count; k--) release(<i32>unchecked(fleet.callSlots[k]));
  return have - count;
}

/** Every instance of the service goes (the service left the registry); its spec returns to the defaults. */
export function placementServiceRemoved(service: i32): void {
  while (firstOfService(service) != NO_SLOT) release(firstOfService(service));
  fleet.specDefaults(service);
}

/** Takes every instance off a node and places each again elsewhere; returns how many wait for a node. */
export function evacuate(node: i32): i32 {
  for (let slot = firstOnNode(node); slot != NO_SLOT;) {
    const next = unchecked(fleet.nextOnNode[slot]);
    unassign(slot);
    slot = next;
  }
  return replacePending();
}

/** Takes off a node the instances whose rules its labels now break, and places them again; returns how many wait. */
export function evictViolations(node: i32): i32 {
  const labels = unchecked(fleet.nodeLabels[node]);
  for (let slot = firstOnNode(node); slot != NO_SLOT;) {
    const next = unchecked(fleet.nextOnNode[slot]);
    const service = <i32>unchecked(fleet.slotService[slot]);
    if ((labels & unchecked(fleet.specRequire[service])) != unchecked(fleet.specRequire[service]) || (labels & unchecked(fleet.specForbid[service])) != 0) unassign(slot);
    slot = next;
  }
  return replacePending();
}

/** A waiting instance's node: its first backup that can take it (a failover), else the best node, else -1; never a node its failed moves excluded. */
function takeover(slot: i32, service: i32): i32 {
  if (parked(slot)) return -1;
  plans.placing = slot;
  const node = takeoverNode(slot, service);
  plans.placing = -1;
  return node;
}

function takeoverNode(slot: i32, service: i32): i32 {
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
    const backup = <i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]);
    if (backup != <i32>NONE && exclusion(service, backup) < 0) return backup;
  }
  return select(service, false);
}

/** Places every instance waiting for a node where one fits now (a backup first), service by service; returns how many still wait. */
export function replacePending(): i32 {
  if (unchecked(fleet.nodeInstances[WAITING]) == 0) return 0;
  // a service at a time (its instances counted per node once: prepare), each in slot order (callSlots as scratch)
  const n = sortedSlots(firstOnNode(WAITING), fleet.nextOnNode, fleet.callSlots, true);
  let waiting = 0;
  for (let k = 0; k < n; k++) {
    const slot = <i32>unchecked(fleet.callSlots[k]);
    const service = <i32>unchecked(fleet.slotService[slot]);
    prepare(service);
    const node = takeover(slot, service);
    if (node < 0) { waiting++; continue; }
    assign(slot, node);
  }
  return waiting;
}

/** The node of an assignment slot (NONE, 65535: waiting for a node), or an error when the slot is free. */
export function slotNodeOf(slot: i32): i32 {
  if (slot < 0 || slot >= PLACEMENT_SLOTS_MAX || unchecked(fleet.slotService[slot]) == NONE) {
    return fail(E_INVALID_ARGUMENT).text("placement: assignment slot ").int(slot).text(" is not in use").code();
  }
  return <i32>unchecked(fleet.slotNode[slot]);
}

export function slotServiceOf(slot: i32): i32 {
  if (slot < 0 || slot >= PLACEMENT_SLOTS_MAX || unchecked(fleet.slotService[slot]) == NONE) return -1;
  return <i32>unchecked(fleet.slotService[slot]);
}

/** Instances of the service on a node (node -1: waiting for a node; service -1: every service). */
export function instancesOn(service: i32, node: i32): i32 {
  if (node < -1 || node >= PLACEMENT_NODES_MAX || service >= PLACEMENT_SERVICES) return 0;
  const list = node < 0 ? WAITING : node;
  if (service < 0) return unchecked(fleet.nodeInstances[list]);
  let n = 0;
  if (unchecked(fleet.serviceInstances[service]) <= unchecked(fleet.nodeInstances[list])) {
    const want = node < 0 ? NONE : <u16>node;
    for (let slot = firstOfService(service); slot != NO_SLOT; slot = unchecked(fleet.nextOfService[slot])) if (unchecked(fleet.slotNode[slot]) == want) n++;
  } else {
    for (let slot = firstOnNode(list); slot != NO_SLOT; slot = unchecked(fleet.nextOnNode[slot])) if (<i32>unchecked(fleet.slotService[slot]) == service) n++;
  }
  return n;
}

export function refusalCount(reason: i32): i32 {
  if (reason < 0 || reason >= REASONS) return fail(E_INVALID_ARGUMENT).text("placement: refusal reason ").int(reason).text(" is outside 0..").int(REASONS - 1).code();
  return <i32>unchecked(fleet.refusal[reason]);
}

/** Takes the instance in `slot` off its node to wait for a node (plan.ts: a capacity shrink); replacePending() places it again. */
export function unassignSlot(slot: i32): void { unassign(slot, false); }
