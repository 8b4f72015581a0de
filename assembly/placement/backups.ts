// Backup nodes: each instance of a service that needs them (critical and user: one; replicated:
// its backup count) has up to BACKUPS_PER_SLOT nodes designated to take it over when its node
// dies or drains (place.ts tries them first, in order). A backup is designated, not reserved:
// it must be able to host the instance when chosen (state, tier, hard rules, free capacity) and
// is checked again after every change; it holds no capacity, so a node's used vector stays the
// sum of the requests of the instances it runs.
//   critical  another sclerotia (tierFits), in another zone than the instance when one can
//   user      a sclerotia (the instance itself prefers a rhizomorph)
//   direct    the operator's nodes after the one the instance runs on, in the operator's order
// Backups of one instance are distinct nodes, never the instance's own.
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX, PLACEMENT_SERVICES } from "../limits";
import { firstOfService } from "./slots";
import { fleet, NONE, NO_SLOT, BACKUPS_PER_SLOT, DIRECT_PER_SERVICE, ASSIGN_DIRECT, CLASS_USER, TIER_SCLEROTIA, SCORE_SPREAD, RESOURCES } from "./tables";
import { hardExclusion, capacityExclusion, directNode, ruleScore } from "./place";
import { backupsOf } from "./spec";

/** Can `node` stand by for an instance of the service running on `primary` (not counting the slot's other backups). */
function canBackUp(service: i32, node: i32, primary: i32): bool {
  if (node == primary || hardExclusion(service, node) >= 0 || capacityExclusion(service, node) >= 0) return false;
  return fleet.specClass[service] != CLASS_USER || fleet.nodeTier[node] == TIER_SCLEROTIA;
}

function isBackup(slot: i32, node: i32): bool {
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) if (<i32>fleet.slotBackup[slot * BACKUPS_PER_SLOT + k] == node) return true;
  return false;
}

function sameZone(a: i32, b: i32): bool {
  const zone = <i32>fleet.nodeZone[a];
  return zone >= 0 && zone == <i32>fleet.nodeZone[b];
}

/** How good a standby `node` is: another zone than the instance and its other backups first, then rules, reliability, room. */
function standbyScore(service: i32, slot: i32, node: i32, primary: i32): i64 {
  let s: i64 = sameZone(node, primary) ? 0 : 1_000_000;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
    const other = <i32>fleet.slotBackup[slot * BACKUPS_PER_SLOT + k];
    if (other != <i32>NONE && sameZone(node, other)) s -= 100_000;
  }
  s += ruleScore(service, node) + 5 * (<i64>fleet.nodeReliability[node] - <i64>fleet.nodeLoad[node]);
  let fill: i64 = 0;
  for (let r = 0; r < RESOURCES; r++) {
    const capacity = fleet.capacity[node * RESOURCES + r];
    if (capacity != 0 && fleet.request[service * RESOURCES + r] != 0) fill += <i64>fleet.used[node * RESOURCES + r] * 1000 / <i64>capacity;
  }
  return s + (fleet.specScore[service] == SCORE_SPREAD ? fill : -fill); // a standby wants room: the emptier the better
}

/** The best node to add as a backup of the slot, or -1. */
function nextBackup(service: i32, slot: i32, primary: i32): i32 {
  if (fleet.specAssign[service] == ASSIGN_DIRECT) {
    for (let k = 0; k < DIRECT_PER_SERVICE; k++) {
      const node = directNode(service, k);
      if (node >= 0 && !isBackup(slot, node) && canBackUp(service, node, primary)) return node;
    }
    return -1;
  }
  let best = -1;
  let bestScore: i64 = 0;
  for (let node = 0; node < PLACEMENT_NODES_MAX; node++) {
    if (fleet.nodeState[node] == 0 || isBackup(slot, node) || !canBackUp(service, node, primary)) continue;
    const s = standbyScore(service, slot, node, primary);
    if (best < 0 || s > bestScore) { best = node; bestScore = s; }
  }
  return best;
}

/** Drops the slot's backups that can no longer stand by (a node gone, draining, full, ruled out) and fills the missing ones. */
function settleSlot(slot: i32): void {
  const service = <i32>fleet.slotService[slot];
  const primary = <i32>fleet.slotNode[slot];
  const want = backupsOf(service);
  const row = slot * BACKUPS_PER_SLOT;
  let kept = 0;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
    const node = <i32>fleet.slotBackup[row + k];
    fleet.slotBackup[row + k] = NONE;
    if (node == <i32>NONE || kept >= want || primary == <i32>NONE || !canBackUp(service, node, primary)) continue;
    fleet.slotBackup[row + kept++] = <u16>node;
  }
  if (primary == <i32>NONE) return;
  while (kept < want) {
    const node = nextBackup(service, slot, primary);
    if (node < 0) return;
    fleet.slotBackup[row + kept++] = <u16>node;
  }
}

/** Settles the backups of every instance of a service (-1: of every service). */
export function refreshBackups(service: i32): void {
  if (fleet.slotsUsed == 0) return; // a fleet being set up: nothing to scan
  if (service >= 0) {
    for (let slot = firstOfService(service); slot != NO_SLOT; slot = fleet.nextOfService[slot]) settleSlot(slot);
    return;
  }
  for (let slot = 0; slot < PLACEMENT_SLOTS_MAX; slot++) {
    const owner = fleet.slotService[slot];
    if (owner == NONE || (service >= 0 && <i32>owner != service)) continue;
    settleSlot(slot);
  }
}

/** The k-th backup node of a slot (NONE: none). */
export function slotBackupOf(slot: i32, k: i32): i32 {
  return <i32>fleet.slotBackup[slot * BACKUPS_PER_SLOT + k];
}

/** Placed instances of the service (-1: every service) short of their backups (on return: how many backups are missing). */
export function backupsMissing(service: i32): i32 {
  let missing = 0;
  if (service >= PLACEMENT_SERVICES) return 0;
  if (service >= 0) {
    for (let slot = firstOfService(service); slot != NO_SLOT; slot = fleet.nextOfService[slot]) missing += slotMissing(slot);
    return missing;
  }
  for (let slot = 0; slot < PLACEMENT_SLOTS_MAX; slot++) if (fleet.slotService[slot] != NONE) missing += slotMissing(slot);
  return missing;
}

function slotMissing(slot: i32): i32 {
  if (fleet.slotNode[slot] == NONE) return 0;
  let have = 0;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) if (fleet.slotBackup[slot * BACKUPS_PER_SLOT + k] != NONE) have++;
  return max(0, backupsOf(<i32>fleet.slotService[slot]) - have);
}
