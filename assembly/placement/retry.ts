// Bounded move retries, the decision (the table is exclusions.ts). At the retry limit of failed
// starts on one target the kernel excludes that target for the instance and places it again:
// the next-best node that may take it (a new move, planned at the next round), or back on the
// node it runs on when that one still accepts it (the move is over, nothing to carry out). When
// no node is left, or the instance already excluded EXCLUDED_PER_SLOT targets, the move is given
// up: an EVENT_PLAN record (PLAN_EVENT_GAVE_UP, value = the failures) and an explained refusal
// (E_MOVE_GAVE_UP, naming the service, the slot, the target and the failure count) that the
// executor raises as an alert. A given-up instance is put back where it runs if that node still
// takes it, else it waits for a node (never placed on an excluded one) until an excluded node rejoins.
import { E_MOVE_GAVE_UP } from "../errors";
import { fail } from "../util/detail";
import { sayService } from "../registry/services";
import { eventLog } from "../log/events";
import { CAUSE_NONE } from "../lifecycle/causes";
import { fleet, NONE } from "./tables";
import { plans, GAVE_UP, TRIGGER_INFER } from "./moves";
import { sayNode } from "./nodes";
import { unassignSlot, replacePending, moveInstance } from "./place";
import { noteFailure, exclude } from "./exclusions";

/** EVENT_PLAN `from` values of this file (plan.ts has 0..7). */
export const PLAN_EVENT_RETARGETED: u8 = 8;
export const PLAN_EVENT_GAVE_UP: u8 = 9;

/**
 * Counts a failed start of the slot's move on its target; at the limit, excludes the target and
 * places the instance again. Returns OK, or E_MOVE_GAVE_UP with the refusal explained.
 */
export function moveFailure(slot: i32, eventKind: u8): i32 {
  const target = <i32>unchecked(plans.target[slot]);
  const failures = noteFailure(slot, target);
  if (failures < plans.retryLimit) return 0;
  const service = <i32>unchecked(fleet.slotService[slot]);
  const trigger = unchecked(plans.trigger[slot]);
  const room = exclude(slot, target);
  if (<i32>unchecked(fleet.slotNode[slot]) == target) unassignSlot(slot); // wanted elsewhere now
  if (room) {
    replacePending(); // the next-best node (the target is excluded for it), or back where it runs
    if (unchecked(fleet.slotNode[slot]) != NONE) { // its failures stay readable (planMove field 7) until a move elsewhere fails or one is done
      if (unchecked(fleet.slotNode[slot]) == unchecked(plans.running[slot])) plans.trigger[slot] = TRIGGER_INFER; // back where it runs: no move under way
      eventLog(eventKind, service, slot, PLAN_EVENT_RETARGETED, trigger, CAUSE_NONE, target);
      return 0;
    }
  }
  plans.failCount[slot] = <u8>failures | GAVE_UP;
  const run = <i32>unchecked(plans.running[slot]);
  const back = run != <i32>NONE && unchecked(fleet.slotNode[slot]) == NONE && moveInstance(slot, run) == 0;
  eventLog(eventKind, service, slot, PLAN_EVENT_GAVE_UP, trigger, CAUSE_NONE, failures);
  const d = sayService(fail(E_MOVE_GAVE_UP).text("plan: service "), service).text(" assignment slot ").int(slot).text(": gave up moving it to ");
  sayNode(d, target).text(" after ").int(failures).text(" failed starts there");
  if (!room) d.text(" (").int(plans.retryLimit).text(" each on its excluded nodes too)");
  return d.text(back ? "; it stays on the node it runs on" : "; no other node may take it: it waits until an excluded node rejoins or one fits").code();
}
