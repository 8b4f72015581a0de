// Fleet placement as the ABI offers it (FEATURE_PLACEMENT; not in the mcu profile, whose
// exports answer an error and hold none of the layer). Names come through the I/O buffer.
// A change that can make room (capacity, labels, a node alive again) places the instances
// waiting for a node; a node draining or dead has its instances placed elsewhere.
import { OK, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { ioPtr } from "../io";
import { WITH_PLACEMENT } from "../features";
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX } from "../limits";
import { fleet, RESOURCES, STATE_ALIVE, STATE_DRAINING, STATE_DEAD, BACKUPS_PER_SLOT } from "./tables";
import { checkService, sayService } from "../registry/services";
import {
  nodeRegister as register, nodeFind as find, nodeCapacitySet, labelIntern, nodeLabelSet, nodeZoneSet, nodeLoadSet, checkNode, nodeForget, sayNode,
} from "./nodes";
import { specSet, specRequest, specRule, specClear, specAssignSet, specDirectAdd, specDeploySet, specRuleWhen, deployModel, deployRationale, backupsOf } from "./spec";
import { refreshBackups, slotBackupOf, backupsMissing } from "./backups";
import { nodeChanged } from "./moves";
import { reserve, commit, cancel, reservationCount, slotReserved } from "./reserve";
import { moveInstance, placeInstances, removeInstances, evacuate, replacePending, evictViolations, slotNodeOf, slotServiceOf, instancesOn, refusalCount } from "./place";

function absent(): i32 { return fail(E_INVALID_ARGUMENT).text("no placement").code(); }

/** After a change that may move instances: every instance's backups settled again. */
function settled(waiting: i32): i32 {
  if (waiting >= 0) refreshBackups(-1);
  return waiting;
}

/** Registers node `name` (I/O buffer): tier 0 sclerotia, 1 rhizomorph, 2 hyphae; trust and reliability 0..100. Returns its id. */
export function nodeRegister(nameLength: i32, tier: i32, trust: i32, reliability: i32): i32 {
  if (WITH_PLACEMENT) return register(ioPtr(), nameLength, tier, trust, reliability);
  return absent();
}

/** The id of node `name` (I/O buffer). */
export function nodeFind(nameLength: i32): i32 {
  if (WITH_PLACEMENT) return find(ioPtr(), nameLength);
  return absent();
}

function nodeRemoveNow(node: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  fleet.nodeState[node] = STATE_DEAD;
  nodeChanged(node);
  const waiting = settled(evacuate(node));
  nodeForget(node);
  return waiting;
}

/** Removes a node; its instances are placed elsewhere first. Returns how many wait for a node. */
export function nodeRemove(node: i32): i32 {
  if (WITH_PLACEMENT) return nodeRemoveNow(node);
  return absent();
}

function nodeCapacityNow(node: i32, resource: i32, amount: i64): i32 {
  const result = nodeCapacitySet(node, resource, amount);
  if (result == OK) settled(replacePending());
  return result;
}

/** Sets a node's capacity of a resource (0 cpu millicores, 1 memory, 2 storage, 3 scratch, 4 iops, 5 bandwidth, 6 connections, 7 gpu, 8 fds, 9 pids). */
export function nodeCapacity(node: i32, resource: i32, amount: i64): i32 {
  if (WITH_PLACEMENT) return nodeCapacityNow(node, resource, amount);
  return absent();
}

/** Interns label `key=value` (I/O buffer); returns its id. */
export function placementLabel(labelLength: i32): i32 {
  if (WITH_PLACEMENT) return labelIntern(ioPtr(), labelLength);
  return absent();
}

function nodeLabelNow(node: i32, label: i32, on: i32): i32 {
  const result = nodeLabelSet(node, label, on != 0);
  if (result == OK) settled(evictViolations(node));
  return result;
}

/** Gives (on 1) or takes (on 0) a label to a node; instances whose rules it now breaks are placed elsewhere. */
export function nodeLabel(node: i32, label: i32, on: i32): i32 {
  if (WITH_PLACEMENT) return nodeLabelNow(node, label, on);
  return absent();
}

/** Sets a node's zone (its location) to a label (-1: none); the export is not named nodeZone because wasm2c escapes a capital Z (firmware names). Set it before the node has instances (zone spread is counted when placing). */
export function nodeLocation(node: i32, label: i32): i32 {
  if (WITH_PLACEMENT) return nodeZoneSet(node, label);
  return absent();
}

/** The host's load sample of a node, 0..100 percent. */
export function nodeLoad(node: i32, percent: i32): i32 {
  if (WITH_PLACEMENT) return nodeLoadSet(node, percent);
  return absent();
}

function nodeStateNow(node: i32, state: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (state < <i32>STATE_ALIVE || state > <i32>STATE_DEAD) {
    return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": state ").int(state).text(" is not alive (1), suspect (2), draining (3) or dead (4)").code();
  }
  fleet.nodeState[node] = <u8>state;
  nodeChanged(node);
  return settled(state >= <i32>STATE_DRAINING ? evacuate(node) : replacePending());
}

/**
 * Sets a node's state: 1 alive, 2 suspect (takes nothing new), 3 draining, 4 dead (their
 * instances are placed elsewhere). Returns how many instances wait for a node.
 */
export function nodeState(node: i32, state: i32): i32 {
  if (WITH_PLACEMENT) return nodeStateNow(node, state);
  return absent();
}

function nodeFieldNow(node: i32, field: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  switch (field) {
    case 0: return fleet.nodeTier[node];
    case 1: return fleet.nodeState[node];
    case 2: return fleet.nodeTrust[node];
    case 3: return fleet.nodeReliability[node];
    case 4: return fleet.nodeLoad[node];
    case 5: return fleet.nodeZone[node];
    default: return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": field ").int(field).text(" is outside 0..5").code();
  }
}

/** A node's field: 0 tier, 1 state, 2 trust, 3 reliability, 4 load, 5 zone label (-1 none). */
export function nodeField(node: i32, field: i32): i32 {
  if (WITH_PLACEMENT) return nodeFieldNow(node, field);
  return absent();
}

function nodeResourceNow(node: i32, resource: i32, used: i32): i64 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (resource < 0 || resource >= RESOURCES) return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
  if (used == 2) return fleet.held[node * RESOURCES + resource];
  return used != 0 ? fleet.used[node * RESOURCES + resource] : fleet.capacity[node * RESOURCES + resource];
}

/** What a node's instances use of a resource (used 1), its capacity (used 0), or what moves off it under way hold (used 2: the old instances still run); negative: an error. */
export function nodeResource(node: i32, resource: i32, used: i32): i64 {
  if (WITH_PLACEMENT) return nodeResourceNow(node, resource, used);
  return <i64>absent();
}

/** A service's placement: class (0 critical, 1 user, 2 client, 3 distributed), scoring (0 binpack, 1 spread), max per node (0 none), spread over zones (0/1). */
export function placementSpec(service: i32, placementClass: i32, scoring: i32, maxPerNode: i32, spreadZone: i32): i32 {
  if (WITH_PLACEMENT) return specSet(service, placementClass, scoring, maxPerNode, spreadZone);
  return absent();
}

/** What one instance of a service needs of a resource. */
export function placementRequest(service: i32, resource: i32, amount: i64): i32 {
  if (WITH_PLACEMENT) return specRequest(service, resource, amount);
  return absent();
}

/** Adds a label rule to a service: action 0 require, 1 forbid, 2 prefer, 3 avoid. */
export function placementRule(service: i32, label: i32, action: i32): i32 {
  if (WITH_PLACEMENT) return specRule(service, label, action);
  return absent();
}

function placeNow(service: i32, count: i32): i32 {
  const result = placeInstances(service, count);
  if (result >= 0) refreshBackups(service);
  return result;
}

/** Places `count` more instances of a service, all or none; returns how many it has. A refusal's detail counts the nodes each reason excluded. */
export function placementPlace(service: i32, count: i32): i32 {
  if (WITH_PLACEMENT) return placeNow(service, count);
  return absent();
}

/** Removes a service's `count` newest instances; returns how many it has left. */
export function placementRemove(service: i32, count: i32): i32 {
  if (WITH_PLACEMENT) { const left = removeInstances(service, count); if (left >= 0) refreshBackups(-1); return left; } // the room freed may let a backup stand by
  return absent();
}

/** Instances of a service (-1: any) on a node (-1: waiting for a node). */
export function placementCount(service: i32, node: i32): i32 {
  if (WITH_PLACEMENT) return instancesOn(service, node);
  return absent();
}

/** The node of assignment slot 0..placementSlots()-1 (65535: waiting for a node); an error when the slot is free. */
export function placementSlotNode(slot: i32): i32 {
  if (WITH_PLACEMENT) return slotNodeOf(slot);
  return absent();
}

/** The service of an assignment slot, or -1 when the slot is free. */
export function placementSlotService(slot: i32): i32 {
  if (WITH_PLACEMENT) return slotServiceOf(slot);
  return absent();
}

/** The size of the assignment table (0 without placement). */
export function placementSlots(): i32 { return PLACEMENT_SLOTS_MAX; }

/** The size of the node table (0 without placement). */
export function placementNodes(): i32 { return PLACEMENT_NODES_MAX; }

/** Nodes the last refusal excluded for a reason: 0 not alive, 1 tier, 2 required label, 3 forbidden label, 4 max-per-node, 5.. a resource (5 + resource). */
export function placementRefusal(reason: i32): i32 {
  if (WITH_PLACEMENT) return refusalCount(reason);
  return absent();
}

/** Clears a service's placement spec back to the defaults (its placed instances stay). */
export function placementClear(service: i32): i32 {
  if (WITH_PLACEMENT) return specClear(service);
  return absent();
}

/** Assignment (0 automatic, 1 rules, 2 direct) and migration policy (0 blue-green, 1 rolling, 2 live; batch; ms: health gate, interval or downtime tolerance). */
export function placementAssign(service: i32, assignment: i32, migration: i32, batch: i32, ms: i64): i32 {
  if (WITH_PLACEMENT) return specAssignSet(service, assignment, migration, batch, ms);
  return absent();
}

/** Appends node `name` (I/O buffer) to a direct assignment: the first is the primary, the next the backups in order. Returns its position. */
export function placementDirect(service: i32, nameLength: i32): i32 {
  if (WITH_PLACEMENT) return specDirectAdd(service, ioPtr(), nameLength);
  return absent();
}

/** Deployment model (0 standard, 1 native, 2 replicated, 3 auto), native's shards and shards moved per step, replicated's backups, auto's traits (1 own consensus, 2 needs high availability, 4 needs a whole OS). */
export function placementDeploy(service: i32, model: i32, shards: i32, rebalance: i32, backups: i32, traits: i32): i32 {
  if (WITH_PLACEMENT) return specDeploySet(service, model, shards, rebalance, backups, traits);
  return absent();
}

/** A rule on a condition: 0 tier is `value`, 1 label id `value`, 2 load above, 3 load below `value` percent, 4 trust at least `value`; action 0 require, 1 forbid, 2 prefer, 3 avoid; priority 0..100 weighs a soft rule. */
export function placementRuleWhen(service: i32, condition: i32, action: i32, priority: i32, value: i32): i32 {
  if (WITH_PLACEMENT) return specRuleWhen(service, condition, action, priority, value);
  return absent();
}

function specFieldNow(service: i32, field: i32): i32 {
  const unknown = checkService(service);
  if (unknown < 0) return unknown;
  switch (field) {
    case 0: return fleet.specClass[service];
    case 1: return fleet.specScore[service];
    case 2: return fleet.specMaxPerNode[service];
    case 3: return fleet.specSpreadZone[service] ? 1 : 0;
    case 4: return fleet.specAssign[service];
    case 5: return fleet.specMigration[service];
    case 6: return fleet.specBatch[service];
    case 7: return <i32>fleet.specMigrationMs[service];
    case 8: return fleet.specDeploy[service];
    case 9: return deployModel(service);
    case 10: return deployRationale(service);
    case 11: return fleet.specShards[service];
    case 12: return fleet.specRebalance[service];
    case 13: return backupsOf(service);
    case 14: return fleet.ruleCount[service];
    default: return sayService(fail(E_INVALID_ARGUMENT).text("placement: service "), service).text(": spec field ").int(field).text(" is outside 0..14").code();
  }
}

/**
 * A service's placement spec: 0 class, 1 scoring, 2 max-per-node, 3 spread over zones, 4
 * assignment, 5 migration, 6 batch, 7 migration ms, 8 declared deployment, 9 the deployment in
 * force, 10 auto's rationale (0 declared, 1 own consensus, 2 needs high availability, 3 needs a
 * whole OS, 4 neither), 11 shards, 12 shards moved per step, 13 backups per instance, 14 condition rules.
 */
export function placementSpecField(service: i32, field: i32): i32 {
  if (WITH_PLACEMENT) return specFieldNow(service, field);
  return absent();
}

/** The k-th backup node of an assignment slot (65535: none). */
export function placementBackup(slot: i32, k: i32): i32 {
  if (WITH_PLACEMENT) return slot < 0 || slot >= PLACEMENT_SLOTS_MAX || k < 0 || k >= BACKUPS_PER_SLOT ? fail(E_INVALID_ARGUMENT).text("placement: backup ").int(k).text(" of slot ").int(slot).text(" is outside the table").code() : slotBackupOf(slot, k);
  return absent();
}

/** Backups missing over the placed instances of a service (-1: every service): critical with one sclerotia, for instance. */
export function placementBackupsMissing(service: i32): i32 {
  if (WITH_PLACEMENT) return backupsMissing(service);
  return absent();
}

/** Reserves `count` more instances of a service for `ttlMs` (all or none, capacity held); returns the reservation id. */
export function placementReserve(service: i32, count: i32, ttlMs: i64): i32 {
  if (WITH_PLACEMENT) { const id = reserve(service, count, ttlMs); if (id >= 0) refreshBackups(service); return id; }
  return absent();
}

/** Commits a pending reservation: its instances become ordinary assignments. Returns how many. */
export function placementCommit(reservation: i32): i32 {
  if (WITH_PLACEMENT) return commit(reservation);
  return absent();
}

/** Releases a pending reservation: its instances go and their capacity is free. Returns how many. */
export function placementRelease(reservation: i32): i32 {
  if (WITH_PLACEMENT) return cancel(reservation);
  return absent();
}

/** A reservation's instance count while pending, or -1 (committed, released, expired). */
export function placementReservation(reservation: i32): i32 {
  if (WITH_PLACEMENT) return reservationCount(reservation);
  return absent();
}

/** Whether an assignment slot belongs to a pending reservation (1) or not (0). */
export function placementSlotReserved(slot: i32): i32 {
  if (WITH_PLACEMENT) return slot >= 0 && slot < PLACEMENT_SLOTS_MAX && slotReserved(slot) ? 1 : 0;
  return absent();
}

function moveNow(slot: i32, node: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  const result = moveInstance(slot, node);
  if (result >= 0) refreshBackups(<i32>fleet.slotService[slot]);
  return result;
}

/** A manual move: the instance of assignment slot `slot` to `node`, if the node can take it (else an error naming why; nothing moves). */
export function placementMove(slot: i32, node: i32): i32 {
  if (WITH_PLACEMENT) return moveNow(slot, node);
  return absent();
}
