// Make-before-break capacity: while a blue-green or live move of an instance is under way, the
// old instance keeps running on its node until the new one took over, so the move holds the
// capacity on BOTH nodes. The target's room is taken at once (the instance is assigned there:
// `used`); the source's is held (`held`, per node and resource) from the moment the instance is
// taken off it until the executor reports the move done (or the instance goes, or comes back).
// Every capacity check counts used + held, so no third placement can take the room a move
// still needs. Not held: a move off a dead node (nothing runs there), a rolling move (the batch
// stops the old instance first), a move a capacity shrink forced (that room is gone), and an
// instance that never ran. A node's holds are dropped when it shrinks or is registered anew;
// each hold carries its node's era, so a dropped hold is never released twice.
import { fleet, NONE, RESOURCES, MIGRATE_ROLLING, STATE_DEAD } from "./tables";
import { plans, markNode, DIRTY_BACKUPS } from "./moves";

/** Holds the source's capacity for a slot taken off `node` (the node it runs on) by a blue-green or live move. */
export function holdSource(slot: i32, node: i32): void {
  if (unchecked(fleet.slotHoldEra[slot]) != 0 || <i32>unchecked(plans.running[slot]) != node) return;
  const service = <i32>unchecked(fleet.slotService[slot]);
  if (unchecked(fleet.specMigration[service]) == MIGRATE_ROLLING || unchecked(fleet.nodeState[node]) >= STATE_DEAD) return;
  for (let r = 0; r < RESOURCES; r++) fleet.held[node * RESOURCES + r] += unchecked(fleet.request[service * RESOURCES + r]);
  fleet.slotHoldEra[slot] = unchecked(fleet.nodeEra[node]);
  markNode(node, DIRTY_BACKUPS); // less room there: its standbys are checked again
}

/** Releases a slot's hold on the node it runs on (the move is done, the instance went or came back). */
export function releaseHold(slot: i32): void {
  const era = unchecked(fleet.slotHoldEra[slot]);
  if (era == 0) return;
  fleet.slotHoldEra[slot] = 0;
  const node = <i32>unchecked(plans.running[slot]);
  if (node == <i32>NONE || unchecked(fleet.nodeEra[node]) != era) return; // dropped with its node's holds
  const service = <i32>unchecked(fleet.slotService[slot]);
  for (let r = 0; r < RESOURCES; r++) fleet.held[node * RESOURCES + r] -= unchecked(fleet.request[service * RESOURCES + r]);
}

/** Drops every hold on a node (registered anew, or its capacity shrinks: that room is gone). */
export function dropHolds(node: i32): void {
  for (let r = 0; r < RESOURCES; r++) fleet.held[node * RESOURCES + r] = 0;
  fleet.eraNext = fleet.eraNext == 0xFFFF ? 1 : fleet.eraNext + 1;
  fleet.nodeEra[node] = <u16>fleet.eraNext;
}
