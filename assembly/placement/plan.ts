// Plans of moves. The assignment table (tables.ts slotNode) is where the kernel wants each
// instance; `running` is where the executor last confirmed it runs. A change that displaces
// instances (a node dead or draining, a capacity shrink, a rule now broken, health degraded past
// the threshold for the duration, a manual request) re-places only the displaced ones (place.ts),
// so the plan, the slots whose wanted node differs from their running node, is the fewest moves
// that restores every invariant. Each planning round (planRound) emits one ACTION_MOVE per move
// it starts, carrying the service's migration strategy; the executor answers moveStarted,
// moveDone (the kernel commits: running = the move's target) or moveFailed (the move is planned
// again next round). Gradual limits apply to moves off a live node: a `native` service moves at
// most its rebalance count of shards per round, a `rolling` one at most its batch, counting the
// moves still in flight (the batch's health gate). Moves off a dead node are failovers, all at once.
//
//   ACTION_MOVE record: service, instance = the slot, arg = target node | strategy << 16 | trigger << 24
//   EVENT_PLAN record:  from = PLAN_EVENT_*, to = trigger, instance = slot (or node), value = node or count
import { OK, E_NO_MOVE, E_INVALID_PLAN_SETTING, E_INVALID_MOVE_REQUEST, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { clockNow } from "../clock";
import { outboxHasRoom, outboxPush, outboxNoteDeferred } from "../log/outbox";
import { eventLog } from "../log/events";
import { CAUSE_COMMAND, CAUSE_NONE } from "../lifecycle/causes";
import { WITH_PLACEMENT } from "../features";
import { PLACEMENT_SLOTS_MAX } from "../limits";
import {
  fleet, NONE, NO_SLOT, RESOURCES, STATE_DRAINING, STATE_DEAD, DEPLOY_NATIVE, MIGRATE_ROLLING,
} from "./tables";
import { checkNode, sayNode, nodeCapacitySet } from "./nodes";
import { plans, MOVE_NONE, MOVE_PLANNED, MOVE_STARTED, TRIGGER_INFER, DIRTY_PLAN, markNode, nodeChanged, clearDirty, setMoveState } from "./moves";
import { firstOnNode, sortAscending } from "./slots";
import { hardExclusion, moveInstance, unassignSlot, replacePending, evacuate } from "./place";
import { refreshBackups } from "./backups";
import { releaseHold, dropHolds } from "./hold";
import { deployModel } from "./spec";
import { moveFailure } from "./retry";
import { failuresClear, exclusionsOf, excludedAt } from "./exclusions";
import { EXCLUDED_PER_SLOT } from "./moves";
import { fillAll } from "../util/fill";

/** Move an instance to another node (see the record above). */
export const ACTION_MOVE: u8 = 10;
/** A plan step (see the record above). */
export const EVENT_PLAN: u8 = 22;

export const PLAN_EVENT_PLANNED: u8 = 0;
export const PLAN_EVENT_STARTED: u8 = 1;
export const PLAN_EVENT_DONE: u8 = 2;
export const PLAN_EVENT_FAILED: u8 = 3;
export const PLAN_EVENT_PROMOTABLE: u8 = 4;
export const PLAN_EVENT_PROMOTED: u8 = 5;
export const PLAN_EVENT_REQUESTED: u8 = 6;
export const PLAN_EVENT_HEALTH_DRAIN: u8 = 7;

export const TRIGGER_DEATH: u8 = 0;
export const TRIGGER_DRAIN: u8 = 1;
export const TRIGGER_SHRINK: u8 = 2;
export const TRIGGER_RULE: u8 = 3;
export const TRIGGER_HEALTH: u8 = 4;
export const TRIGGER_MANUAL: u8 = 5;
export const TRIGGER_REBALANCE: u8 = 6;

export { plans, MOVE_NONE, MOVE_PLANNED, MOVE_STARTED } from "./moves";

/**
 * Gathers into callSlots (scratch), each once and in slot order, the slots a plan may concern:
 * those put on a node since the last round and every slot on a node marked for the plan (every
 * displaced instance not yet moving is one of them). Returns how many.
 */
function planSlots(): i32 {
  const out = fleet.callSlots;
  let walked = 0;
  for (let d = 0; d < plans.planDirtyCount; d++) walked += unchecked(fleet.nodeInstances[<i32>unchecked(plans.planDirty[d])]);
  if (walked + plans.planMovedCount > PLACEMENT_SLOTS_MAX) { // cannot happen with distinct slots; bounded all the same: their nodes are marked instead
    for (let k = 0; k < plans.planMovedCount; k++) markNode(<i32>unchecked(fleet.slotNode[<i32>unchecked(plans.planMoved[k])]), DIRTY_PLAN);
    plans.planMovedCount = 0;
  }
  let n = 0;
  for (let d = 0; d < plans.planDirtyCount; d++) {
    for (let slot = firstOnNode(<i32>unchecked(plans.planDirty[d])); slot != NO_SLOT; slot = unchecked(fleet.nextOnNode[slot])) out[n++] = <u32>slot;
  }
  for (let k = 0; k < plans.planMovedCount; k++) {
    const slot = <i32>unchecked(plans.planMoved[k]);
    const node = <i32>unchecked(fleet.slotNode[slot]);
    if (unchecked(fleet.slotService[slot]) == NONE || node == <i32>NONE || (unchecked(plans.dirtyMark[node]) & DIRTY_PLAN) != 0) continue; // gone, waiting, or walked above
    out[n++] = <u32>slot;
  }
  sortAscending(out, n);
  let unique = 0;
  for (let k = 0; k < n; k++) if (unique == 0 || unchecked(out[unique - 1]) != unchecked(out[k])) out[unique++] = unchecked(out[k]);
  return unique;
}

/** Adopts fresh placements (an instance that never ran starts where it is placed: not a move); freed slots forgot theirs (slots.ts). */
function sync(): void {
  const n = planSlots();
  for (let k = 0; k < n; k++) {
    const slot = <i32>unchecked(fleet.callSlots[k]);
    if (unchecked(plans.running[slot]) == NONE && unchecked(plans.state[slot]) == MOVE_NONE) plans.running[slot] = unchecked(fleet.slotNode[slot]);
  }
}

/** Does the slot need a move: it runs somewhere and is wanted on another node. */
@inline function displaced(slot: i32): bool {
  const want = unchecked(fleet.slotNode[slot]), run = unchecked(plans.running[slot]);
  return unchecked(fleet.slotService[slot]) != NONE && run != NONE && want != NONE && want != run;
}

/** Why the slot moves: its running node gone (a failover), else recorded (shrink, health, manual), else its node's state and the rules. */
function triggerOf(slot: i32): u8 {
  const from = <i32>unchecked(plans.running[slot]);
  const state = unchecked(fleet.nodeState[from]);
  if (state == 0 || state >= STATE_DEAD) return TRIGGER_DEATH; // a failover whatever moved it first
  const recorded = unchecked(plans.trigger[slot]);
  if (recorded != TRIGGER_INFER) return recorded;
  if (state == STATE_DRAINING) return TRIGGER_DRAIN;
  if (hardExclusion(<i32>unchecked(fleet.slotService[slot]), from) >= 0) return TRIGGER_RULE;
  return TRIGGER_REBALANCE;
}

/** A service's limit on moves off live nodes per round: native shards per step, rolling's batch, less what is in flight. */
function budgetOf(s: i32): i32 {
  let limit = -1;
  if (deployModel(s) == DEPLOY_NATIVE) limit = max(1, <i32>unchecked(fleet.specRebalance[s]));
  else if (unchecked(fleet.specMigration[s]) == MIGRATE_ROLLING) limit = max(1, <i32>unchecked(fleet.specBatch[s]));
  return limit < 0 ? -1 : max(0, limit - unchecked(plans.inFlight[s]));
}

/**
 * One planning round: places the instances waiting for a node where one fits now, settles the
 * backups, then emits a move for every displaced instance not yet moving, in slot order (within
 * the gradual limits and the outbox's room). It walks only the instances put on a node since the
 * last round and the dirty nodes' instances (planSlots: a node stays dirty while it holds one not
 * yet moving), so its work is proportional to what changed. Returns how many moves it emitted.
 */
export function planRound(): i32 {
  replacePending(); // room freed since (a removal, a move, a finished move) places the instances waiting for a node
  refreshBackups(-1); // and lets missing backups stand by
  const moving = fleet.callSlots; // scratch after replacePending
  const candidates = planSlots();
  let n = 0;
  for (let k = 0; k < candidates; k++) { // in slot order
    const slot = <i32>unchecked(moving[k]);
    if (unchecked(plans.state[slot]) != MOVE_NONE) continue;
    if (unchecked(plans.running[slot]) == NONE) { plans.running[slot] = unchecked(fleet.slotNode[slot]); continue; } // sync: a fresh placement
    if (displaced(slot)) moving[n++] = <u32>slot;
  }
  clearDirty(DIRTY_PLAN);
  fillAll(plans.budget, -2); // not yet computed
  let emitted = 0;
  let k = 0;
  for (; k < n; k++) {
    const slot = <i32>moving[k];
    const service = <i32>unchecked(fleet.slotService[slot]);
    const trigger = triggerOf(slot);
    const failover = trigger == TRIGGER_DEATH;
    if (unchecked(plans.budget[service]) == -2) plans.budget[service] = budgetOf(service);
    if (!failover && unchecked(plans.budget[service]) == 0) { markNode(<i32>unchecked(fleet.slotNode[slot]), DIRTY_PLAN); continue; } // the next round
    if (!outboxHasRoom(1)) { outboxNoteDeferred(); break; }
    const to = <i32>unchecked(fleet.slotNode[slot]);
    outboxPush(ACTION_MOVE, service, slot, to | (<i32>unchecked(fleet.specMigration[service]) << 16) | (<i32>trigger << 24));
    setMoveState(slot, service, MOVE_PLANNED);
    plans.target[slot] = <u16>to;
    plans.trigger[slot] = trigger;
    if (!failover && unchecked(plans.budget[service]) > 0) plans.budget[service]--;
    emitted++;
  }
  for (; k < n; k++) markNode(<i32>unchecked(fleet.slotNode[<i32>moving[k]]), DIRTY_PLAN); // the outbox was full: the next round
  if (emitted > 0) {
    plans.rounds++;
    eventLog(EVENT_PLAN, -1, -1, PLAN_EVENT_PLANNED, 0, CAUSE_NONE, emitted);
  }
  return emitted;
}

function checkMove(slot: i32, state: u8): i32 {
  if (slot >= 0 && slot < PLACEMENT_SLOTS_MAX && unchecked(fleet.slotService[slot]) != NONE && unchecked(plans.state[slot]) == state) return OK;
  const what = state == MOVE_PLANNED ? " has no planned move to start" : " has no started move to finish";
  return fail(E_NO_MOVE).text("plan: assignment slot ").int(slot).text(what).code();
}

function report(slot: i32, kind: u8): void {
  eventLog(EVENT_PLAN, <i32>unchecked(fleet.slotService[slot]), slot, kind, unchecked(plans.trigger[slot]), CAUSE_COMMAND, <i32>unchecked(plans.target[slot]));
}

/** The executor began the move of `slot`. */
export function moveStarted(slot: i32): i32 {
  const bad = checkMove(slot, MOVE_PLANNED);
  if (bad < 0) return bad;
  setMoveState(slot, <i32>unchecked(fleet.slotService[slot]), MOVE_STARTED);
  report(slot, PLAN_EVENT_STARTED);
  return OK;
}

/** The executor finished the move: the kernel commits the instance to the move's target. */
export function moveDone(slot: i32): i32 {
  const bad = checkMove(slot, MOVE_STARTED);
  if (bad < 0) return bad;
  report(slot, PLAN_EVENT_DONE);
  releaseHold(slot); // the new instance took over: the old one's room is free
  plans.running[slot] = unchecked(plans.target[slot]);
  setMoveState(slot, <i32>unchecked(fleet.slotService[slot]), MOVE_NONE);
  plans.trigger[slot] = TRIGGER_INFER;
  failuresClear(slot);
  markNode(<i32>unchecked(fleet.slotNode[slot]), DIRTY_PLAN); // wanted elsewhere since: the next round moves it again
  return OK;
}

/**
 * The executor gave up on the move (planned or started): it is planned again at the next round,
 * on the same target until the retry limit, then elsewhere or given up (retry.ts: E_MOVE_GAVE_UP).
 */
export function moveFailed(slot: i32): i32 {
  const bad = checkMove(slot, MOVE_STARTED) < 0 ? checkMove(slot, MOVE_PLANNED) : OK;
  if (bad < 0) return bad;
  report(slot, PLAN_EVENT_FAILED);
  setMoveState(slot, <i32>unchecked(fleet.slotService[slot]), MOVE_NONE);
  markNode(<i32>unchecked(fleet.slotNode[slot]), DIRTY_PLAN);
  return moveFailure(slot, EVENT_PLAN);
}

/** A manual move, audited: requester (a principal id, >= 0) and reason (a host-defined code, >= 1). */
export function moveRequest(slot: i32, node: i32, requester: i32, reason: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (requester < 0 || reason < 1 || reason > 0xFF) {
    return fail(E_INVALID_MOVE_REQUEST).text("plan: manual move of slot ").int(slot).text(": requester ").int(requester).text(" and reason ").int(reason)
      .text(" (need a requester >= 0 and a reason 1..255)").code();
  }
  sync();
  const moved = moveInstance(slot, node);
  if (moved < 0) return moved;
  refreshBackups(-1); // the room it left may let another instance's backup stand by
  if (unchecked(plans.state[slot]) == MOVE_NONE) plans.trigger[slot] = TRIGGER_MANUAL;
  eventLog(EVENT_PLAN, <i32>unchecked(fleet.slotService[slot]), slot, PLAN_EVENT_REQUESTED, <u8>reason, CAUSE_COMMAND, requester);
  return OK;
}

/**
 * Shrinks a node's capacity of a resource below what it uses: takes off the node the fewest
 * instances (largest request of that resource first) to fit, places them elsewhere, then sets
 * the capacity. Returns how many instances wait for a node.
 */
export function capacityShrink(node: i32, resource: i32, amount: i64): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (resource < 0 || resource >= RESOURCES || amount < 0 || amount > <i64>u32.MAX_VALUE) {
    return sayNode(fail(E_INVALID_ARGUMENT).text("plan: "), node).text(": resource ").int(resource).text(" capacity ").int(amount).text(" is outside the range").code();
  }
  sync();
  dropHolds(node); // the room is gone: the moves under way off the node stop their old instances now
  let used = <i64>unchecked(fleet.used[node * RESOURCES + resource]);
  while (used > amount) {
    let pick = -1;
    let most: u32 = 0;
    for (let slot = firstOnNode(node); slot != NO_SLOT; slot = unchecked(fleet.nextOnNode[slot])) {
      const need = unchecked(fleet.request[<i32>unchecked(fleet.slotService[slot]) * RESOURCES + resource]);
      if (need > most) { most = need; pick = slot; }
    }
    if (pick < 0) break; // unreachable: used > 0 means an instance requests it
    unassignSlot(pick);
    if (unchecked(plans.state[pick]) == MOVE_NONE) plans.trigger[pick] = TRIGGER_SHRINK;
    used -= <i64>most;
  }
  const set = nodeCapacitySet(node, resource, amount);
  if (set < 0) return set;
  const waiting = replacePending();
  refreshBackups(-1);
  return waiting;
}

/** Health: below `threshold` percent for `durationMs` drains a node; a rhizomorph at or above it for `promoteMs` becomes promotable. */
export class HealthPolicy {
  threshold: i32 = 50; durationMs: i64 = 30_000; promoteMs: i64 = 3_600_000;
  reset(): void { this.threshold = 50; this.durationMs = 30_000; this.promoteMs = 3_600_000; }
}
export const healthPolicy: HealthPolicy = WITH_PLACEMENT ? new HealthPolicy() : changetype<HealthPolicy>(0);

export function planSetting(threshold: i32, durationMs: i64, promoteMs: i64): i32 {
  if (threshold < 1 || threshold > 100 || durationMs < 0 || durationMs > 86_400_000 || promoteMs < 0 || promoteMs > 31_536_000_000) {
    return fail(E_INVALID_PLAN_SETTING).text("plan: threshold ").int(threshold).text(" (1..100), duration ").int(durationMs).text(" ms (0..86400000), promotion period ")
      .int(promoteMs).text(" ms (0..31536000000)").code();
  }
  healthPolicy.threshold = threshold;
  healthPolicy.durationMs = durationMs;
  healthPolicy.promoteMs = promoteMs;
  return OK;
}

/** Drains a node whose health stayed below the threshold for the duration; its instances move with trigger health. */
export function healthDrain(node: i32): i32 {
  sync();
  fleet.nodeState[node] = STATE_DRAINING;
  nodeChanged(node);
  for (let slot = firstOnNode(node); slot != NO_SLOT; slot = unchecked(fleet.nextOnNode[slot])) {
    if (<i32>unchecked(plans.running[slot]) == node && unchecked(plans.state[slot]) == MOVE_NONE) plans.trigger[slot] = TRIGGER_HEALTH;
  }
  const waiting = evacuate(node);
  refreshBackups(-1);
  eventLog(EVENT_PLAN, -1, node, PLAN_EVENT_HEALTH_DRAIN, TRIGGER_HEALTH, CAUSE_NONE, waiting);
  return waiting;
}

/** The plan's size: 0 moves needed now (displaced slots), 1 planned, 2 started, 3 rounds that emitted moves. */
export function planCount(field: i32): i32 {
  if (field == 3) return plans.rounds;
  if (field < 0 || field > 3) return fail(E_INVALID_ARGUMENT).text("plan: field ").int(field).text(" is outside 0..3").code();
  if (field == 1) return plans.planned;
  if (field == 2) return plans.started;
  sync();
  const candidates = planSlots(); // every displaced instance not moving is among them (planRound keeps them)
  let n = 0;
  for (let k = 0; k < candidates; k++) {
    const slot = <i32>unchecked(fleet.callSlots[k]);
    if (unchecked(plans.state[slot]) == MOVE_NONE && displaced(slot)) n++;
  }
  return n;
}

/**
 * A slot's move: 0 state (MOVE_*), 1 running node (65535 none), 2 target, 3 strategy, 4 batch, 5 ms, 6 trigger (255: none recorded),
 * 7 consecutive failed starts on the last failing target (+ 128: given up), 8 targets excluded for it (exclusions.ts), 9.. each excluded target (65535: none).
 */
export function planMoveField(slot: i32, field: i32): i32 {
  if (slot < 0 || slot >= PLACEMENT_SLOTS_MAX || unchecked(fleet.slotService[slot]) == NONE) {
    return fail(E_INVALID_ARGUMENT).text("plan: assignment slot ").int(slot).text(" is not in use").code();
  }
  const service = <i32>unchecked(fleet.slotService[slot]);
  switch (field) {
    case 0: return unchecked(plans.state[slot]);
    case 1: return unchecked(plans.running[slot]);
    case 2: return unchecked(plans.state[slot]) == MOVE_NONE ? <i32>unchecked(fleet.slotNode[slot]) : <i32>unchecked(plans.target[slot]);
    case 3: return unchecked(fleet.specMigration[service]);
    case 4: return unchecked(fleet.specBatch[service]);
    case 5: return <i32>unchecked(fleet.specMigrationMs[service]);
    case 6: return unchecked(plans.trigger[slot]);
    case 7: return unchecked(plans.failCount[slot]);
    case 8: return exclusionsOf(slot);
    default:
      if (field >= 9 && field < 9 + EXCLUDED_PER_SLOT) return excludedAt(slot, field - 9);
      return fail(E_INVALID_ARGUMENT).text("plan: move field ").int(field).text(" is outside 0..").int(8 + EXCLUDED_PER_SLOT).code();
  }
}

