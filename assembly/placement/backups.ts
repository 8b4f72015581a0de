// Backup nodes: each instance of a service that needs them (critical and user: one; replicated:
// its backup count) has up to BACKUPS_PER_SLOT nodes designated to take it over when its node
// dies or drains (place.ts tries them first, in order). A backup is designated, not reserved:
// it must be able to host the instance when chosen (state, tier, hard rules, free capacity) and
// is checked again after every change; it holds no capacity, so a node's used vector stays the
// sum of the requests of the instances it runs.
//   critical  another sclerotia (tierFits), in another zone than the instance when one can
//   user      a sclerotia (the instance itself prefers a rhizomorph)
//   direct    the operator's nodes after the one the instance runs on, in the operator's order
// Backups of one instance are distinct nodes, never the instance's own. A standby is chosen by
// the same sampling walk as a placement (sample.ts). Settling after a change walks only what it
// touched: the instances moved since and the instances the dirty nodes stand by for (the
// reverse lists of slots.ts); while some instance lacks a backup its class wants, every
// instance is retried, since room freed anywhere may let it have one.
import { PLACEMENT_SLOTS_MAX, PLACEMENT_SERVICES } from "../limits";
import { firstOfService, firstOnNode, firstBackedBy, slotSetBackup } from "./slots";
import { fleet, NONE, NO_SLOT, BACKUPS_PER_SLOT, DIRECT_PER_SERVICE, ASSIGN_DIRECT, CLASS_USER, CLASS_CRITICAL, TIER_SCLEROTIA, SCORE_SPREAD, RESOURCES } from "./tables";
import { hardExclusion, capacityExclusion, directNode, ruleScore } from "./place";
import { backupsOf } from "./spec";
import { sampleBest } from "./sample";
import { PLANTED_BUG } from "../features";
import { plans, DIRTY_BACKUPS, clearDirty } from "./moves";

/** Can `node` stand by for an instance of the service running on `primary` (not counting the slot's other backups). */
function canBackUp(service: i32, node: i32, primary: i32): bool {
  if (node == primary || hardExclusion(service, node) >= 0 || capacityExclusion(service, node) >= 0) return false;
  return unchecked(fleet.specClass[service]) != CLASS_USER || unchecked(fleet.nodeTier[node]) == TIER_SCLEROTIA;
}

function isBackup(slot: i32, node: i32): bool {
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) if (<i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]) == node) return true;
  return false;
}

function sameZone(a: i32, b: i32): bool {
  const zone = <i32>unchecked(fleet.nodeZone[a]);
  return zone >= 0 && zone == <i32>unchecked(fleet.nodeZone[b]);
}

/** How good a standby `node` is: another zone than the instance and its other backups first, then rules, reliability, room. */
function standbyScore(service: i32, slot: i32, node: i32, primary: i32): i64 {
  let s: i64 = sameZone(node, primary) ? 0 : 1_000_000;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
    const other = <i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]);
    if (other != <i32>NONE && sameZone(node, other)) s -= 100_000;
  }
  s += ruleScore(service, node) + 5 * (<i64>unchecked(fleet.nodeReliability[node]) - <i64>unchecked(fleet.nodeLoad[node]));
  let fill: i64 = 0;
  for (let r = 0; r < RESOURCES; r++) {
    const capacity = unchecked(fleet.capacity[node * RESOURCES + r]);
    if (capacity != 0 && unchecked(fleet.request[service * RESOURCES + r]) != 0) fill += <i64>unchecked(fleet.used[node * RESOURCES + r]) * 1000 / <i64>capacity;
  }
  return s + (unchecked(fleet.specScore[service]) == SCORE_SPREAD ? fill : -fill); // a standby wants room: the emptier the better
}

/** The slot and primary node a standby is being chosen for (sampleBest's tests take only service and node). */
let standbySlot: i32 = -1;
let standbyPrimary: i32 = -1;

function standbyFeasible(service: i32, node: i32): bool {
  return !isBackup(standbySlot, node) && canBackUp(service, node, standbyPrimary);
}

function standbyRank(service: i32, node: i32): i64 { return standbyScore(service, standbySlot, node, standbyPrimary); }

/** The best node to add as a backup of the slot, or -1. */
function nextBackup(service: i32, slot: i32, primary: i32): i32 {
  if (unchecked(fleet.specAssign[service]) == ASSIGN_DIRECT) {
    for (let k = 0; k < DIRECT_PER_SERVICE; k++) {
      const node = directNode(service, k);
      if (node >= 0 && !isBackup(slot, node) && canBackUp(service, node, primary)) return node;
    }
    return -1;
  }
  standbySlot = slot;
  standbyPrimary = primary;
  return sampleBest(service, standbyFeasible, standbyRank, -1);
}

/** Drops the slot's backups that can no longer stand by (a node gone, draining, full, ruled out) and fills the missing ones. */
function settleSlot(slot: i32): void {
  const service = <i32>unchecked(fleet.slotService[slot]);
  const primary = <i32>unchecked(fleet.slotNode[slot]);
  const want = backupsOf(service) - (PLANTED_BUG == 2 && unchecked(fleet.specClass[service]) == CLASS_CRITICAL ? 1 : 0); // the planted forgotten backup (features.ts)
  let kept = 0;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
    const node = <i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]);
    if (node == <i32>NONE) continue;
    const keep = kept < want && primary != <i32>NONE && canBackUp(service, node, primary);
    if (keep && kept == k) { kept++; continue; } // already in its place (every place before it is kept or cleared)
    slotSetBackup(slot, k, NONE);
    if (keep) slotSetBackup(slot, kept++, node); // compacted: the order of the backups stays
  }
  if (primary != <i32>NONE) {
    while (kept < want) {
      const node = nextBackup(service, slot, primary);
      if (node < 0) break;
      slotSetBackup(slot, kept++, node);
    }
  }
  const short = primary == <i32>NONE ? 0 : max(0, want - kept);
  fleet.backupsShort += short - <i32>unchecked(fleet.slotShort[slot]);
  fleet.slotShort[slot] = <u8>short;
}

/**
 * Settles the backups of every instance of a service; -1: of every instance a change touched
 * (on a dirty node, or standing by on one), or of every
 * instance while some lack a backup.
 */
export function refreshBackups(service: i32): void {
  if (service >= 0) {
    for (let slot = firstOfService(service); slot != NO_SLOT; slot = unchecked(fleet.nextOfService[slot])) settleSlot(slot);
    return;
  }
  if (fleet.backupsShort > 0) {
    for (let slot = 0; slot < PLACEMENT_SLOTS_MAX; slot++) if (unchecked(fleet.slotService[slot]) != NONE) settleSlot(slot);
  } else {
    if (plans.movedOverflow) {
      for (let d = 0; d < plans.backupDirtyCount; d++) {
        for (let slot = firstOnNode(<i32>unchecked(plans.backupDirty[d])); slot != NO_SLOT; slot = unchecked(fleet.nextOnNode[slot])) settleSlot(slot);
      }
    } else {
      for (let k = 0; k < plans.movedCount; k++) {
        const slot = <i32>unchecked(plans.moved[k]);
        if (unchecked(fleet.slotService[slot]) != NONE) settleSlot(slot);
      }
    }
    for (let d = 0; d < plans.backupDirtyCount; d++) settleStandbys(<i32>unchecked(plans.backupDirty[d]));
  }
  clearDirty(DIRTY_BACKUPS);
}

/** Settles the instances a node stands by for (its state, labels, load, tier or room changed). */
function settleStandbys(node: i32): void {
  for (let entry = firstBackedBy(node); entry != NO_SLOT;) {
    const next = unchecked(fleet.nextBacked[entry]); // settling relinks only this slot's entries, and a slot names a node once
    settleSlot(entry / BACKUPS_PER_SLOT);
    entry = next;
  }
}

/** The k-th backup node of a slot (NONE: none). */
export function slotBackupOf(slot: i32, k: i32): i32 {
  return <i32>unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]);
}

/** Placed instances of the service (-1: every service) short of their backups (on return: how many backups are missing). */
export function backupsMissing(service: i32): i32 {
  let missing = 0;
  if (service >= PLACEMENT_SERVICES) return 0;
  if (service < 0) return fleet.backupsShort;
  if (service >= 0) {
    for (let slot = firstOfService(service); slot != NO_SLOT; slot = unchecked(fleet.nextOfService[slot])) missing += slotMissing(slot);
    return missing;
  }
  return missing;
}

function slotMissing(slot: i32): i32 {
  if (unchecked(fleet.slotNode[slot]) == NONE) return 0;
  let have = 0;
  for (let k = 0; k < BACKUPS_PER_SLOT; k++) if (unchecked(fleet.slotBackup[slot * BACKUPS_PER_SLOT + k]) != NONE) have++;
  return max(0, backupsOf(<i32>unchecked(fleet.slotService[slot])) - have);
}
