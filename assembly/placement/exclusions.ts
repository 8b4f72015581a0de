// Bounded move retries, the table. A move the executor reports failed is planned again, but not
// forever: the kernel counts an instance's consecutive failed starts on one target (failNode,
// failCount per slot, moves.ts) and at the retry limit (MOVE_RETRY_LIMIT, docs/defaults.md)
// excludes that target for that instance. An exclusion lasts until the node registers anew (or
// its capacity changes): it carries the node's era (hold.ts), and a node that rejoined has a new
// one. Not a cooldown: a target that refuses a start (a missing resource, an executable that
// exits at once) refuses it again after any delay until something about the node changed, and a
// rejoin is exactly that. Fixed memory: EXCLUDED_PER_SLOT exclusions per slot; one more to make
// gives the move up (retry.ts). A check costs nothing unless the slot being placed is the one
// being retried (plans.placing), then EXCLUDED_PER_SLOT comparisons.
import { fleet, NONE } from "./tables";
import { plans, EXCLUDED_PER_SLOT, GAVE_UP } from "./moves";

/** Is `node` excluded for the instance in `slot` (an exclusion whose node has not rejoined since). */
export function excludedFor(slot: i32, node: i32): bool {
  for (let k = slot * EXCLUDED_PER_SLOT, end = k + EXCLUDED_PER_SLOT; k < end; k++) {
    if (<i32>unchecked(plans.excluded[k]) == node && unchecked(plans.excludedEra[k]) == unchecked(fleet.nodeEra[node])) return true;
  }
  return false;
}

/** Is the slot being placed again, and `node` excluded for it. */
@inline export function retryExcludes(node: i32): bool { return plans.placing >= 0 && excludedFor(plans.placing, node); }

/** Counts a failed start of the slot's move on `target`; returns the consecutive failures there. */
export function noteFailure(slot: i32, target: i32): i32 {
  const count = <i32>unchecked(plans.failCount[slot]);
  // afresh on another target, after a give-up, and on a target past the limit (targeted again: its exclusion ended, it rejoined)
  if (<i32>unchecked(plans.failNode[slot]) != target || (count & <i32>GAVE_UP) != 0 || count >= plans.retryLimit) {
    plans.failNode[slot] = <u16>target;
    plans.failCount[slot] = 0;
  }
  const n = min(<i32>unchecked(plans.failCount[slot]) + 1, <i32>GAVE_UP - 1); // a count below the flag
  plans.failCount[slot] = <u8>n;
  return n;
}

/** Excludes `node` for the slot; false when every exclusion of the slot is in force (the move is given up). */
export function exclude(slot: i32, node: i32): bool {
  for (let k = slot * EXCLUDED_PER_SLOT, end = k + EXCLUDED_PER_SLOT; k < end; k++) {
    const held = <i32>unchecked(plans.excluded[k]);
    if (held != <i32>NONE && unchecked(plans.excludedEra[k]) == unchecked(fleet.nodeEra[held])) continue; // in force
    plans.excluded[k] = <u16>node;
    plans.excludedEra[k] = unchecked(fleet.nodeEra[node]);
    return true;
  }
  return false;
}

/** How many exclusions of the slot are in force. */
export function exclusionsOf(slot: i32): i32 {
  let n = 0;
  for (let k = slot * EXCLUDED_PER_SLOT, end = k + EXCLUDED_PER_SLOT; k < end; k++) {
    const held = <i32>unchecked(plans.excluded[k]);
    if (held != <i32>NONE && unchecked(plans.excludedEra[k]) == unchecked(fleet.nodeEra[held])) n++;
  }
  return n;
}

/** A given-up instance waits for a node until one of its excluded nodes rejoins (then it is placed again, its count afresh). */
export function parked(slot: i32): bool {
  if ((unchecked(plans.failCount[slot]) & GAVE_UP) == 0) return false;
  if (exclusionsOf(slot) == EXCLUDED_PER_SLOT) return true;
  plans.failCount[slot] = 0;
  return false;
}

/** A move done: the failures counted so far no longer run (its exclusions stay until their nodes rejoin). */
export function failuresClear(slot: i32): void {
  plans.failNode[slot] = NONE;
  plans.failCount[slot] = 0;
}

/** The k-th target excluded for the slot and in force, or NONE. */
export function excludedAt(slot: i32, k: i32): i32 {
  const held = <i32>unchecked(plans.excluded[slot * EXCLUDED_PER_SLOT + k]);
  return held != <i32>NONE && unchecked(plans.excludedEra[slot * EXCLUDED_PER_SLOT + k]) == unchecked(fleet.nodeEra[held]) ? held : <i32>NONE;
}
