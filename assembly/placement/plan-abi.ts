// Plans of moves and promotion as the ABI offers them (FEATURE_PLACEMENT; the mcu profile's
// exports answer an error). See plan.ts for the move records and events.
import { E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { WITH_PLACEMENT } from "../features";
import { planRound as round, moveStarted, moveDone, moveFailed, moveRequest, capacityShrink, planSetting, planCount, planMoveField } from "./plan";
import { healthSample, promote, healthField } from "./promote";
import { nodeField } from "./abi";

/**
 * The layer's answer when it is compiled out: abi.ts's (a node query answers "no placement"
 * there), so the mcu image holds that text once; every literal costs bytes mcu does not have.
 */
function absent(): i32 { return nodeField(-1, 0); }

/** One planning round: emits ACTION_MOVE (kind 10) for each displaced instance it starts moving; returns how many. */
export function planRound(): i32 {
  if (WITH_PLACEMENT) return round();
  return absent();
}

/** The executor's report on the move of an assignment slot: 0 started, 1 done (the kernel commits it), 2 failed (planned again next round). */
export function planMoveReport(slot: i32, outcome: i32): i32 {
  if (WITH_PLACEMENT) {
    if (outcome == 0) return moveStarted(slot);
    if (outcome == 1) return moveDone(slot);
    if (outcome == 2) return moveFailed(slot);
    return fail(E_INVALID_ARGUMENT).text("plan: move outcome ").int(outcome).text(" is not started (0), done (1) or failed (2)").code();
  }
  return absent();
}

/** A manual move, audited: the instance of `slot` to `node`, by principal `requester` for host-defined reason code 1..255. */
export function planMoveRequest(slot: i32, node: i32, requester: i32, reason: i32): i32 {
  if (WITH_PLACEMENT) return moveRequest(slot, node, requester, reason);
  return absent();
}

/** Shrinks a node's capacity of a resource, moving the fewest instances off it first; returns how many wait for a node. */
export function planShrink(node: i32, resource: i32, amount: i64): i32 {
  if (WITH_PLACEMENT) return capacityShrink(node, resource, amount);
  return absent();
}

/** Health threshold (1..100 percent), the duration below it that drains a node, the healthy period that makes a rhizomorph promotable (ms). */
export function planSettings(threshold: i32, durationMs: i64, promoteMs: i64): i32 {
  if (WITH_PLACEMENT) return planSetting(threshold, durationMs, promoteMs);
  return absent();
}

/** The plan's size: 0 moves needed and not yet emitted, 1 emitted and not started, 2 started, 3 rounds that emitted moves. */
export function planSize(field: i32): i32 {
  if (WITH_PLACEMENT) return planCount(field);
  return absent();
}

/** A slot's move: 0 state (0 none, 1 planned, 2 started), 1 running node, 2 target node, 3 strategy, 4 batch, 5 ms, 6 trigger. */
export function planMove(slot: i32, field: i32): i32 {
  if (WITH_PLACEMENT) return planMoveField(slot, field);
  return absent();
}

/** A node's health sample (0..100); returns 1 when it drained the node (below the threshold for the duration). */
export function nodeHealthSample(node: i32, percent: i32): i32 {
  if (WITH_PLACEMENT) return healthSample(node, percent);
  return absent();
}

/** Promotes a promotable rhizomorph (alive and healthy for the period) to sclerotia. */
export function nodePromote(node: i32): i32 {
  if (WITH_PLACEMENT) return promote(node);
  return absent();
}

/** A node's health: 0 promotable (0/1), 1 ms healthy (-1: not), 2 ms below the threshold (-1: not). */
export function nodeHealthField(node: i32, field: i32): i64 {
  if (WITH_PLACEMENT) return healthField(node, field);
  return <i64>absent();
}
