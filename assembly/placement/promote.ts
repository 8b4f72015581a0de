// Health samples of nodes, and promotion. A node's health (0..100, from its agent) below the
// plan's threshold for its duration drains the node (plan.ts healthDrain: its instances move
// with trigger health). A rhizomorph alive with health at or above the threshold for the
// promotion period becomes promotable (an EVENT_PLAN, once); `promote` then makes it a sclerotia
// (it may host critical services and stand by for them). All time is the kernel clock.
import { OK, E_NOT_PROMOTABLE, E_INVALID_ARGUMENT } from "../errors";
import { fail } from "../util/detail";
import { clockNow } from "../clock";
import { eventLog } from "../log/events";
import { CAUSE_COMMAND, CAUSE_NONE } from "../lifecycle/causes";
import { WITH_PLACEMENT } from "../features";
import { PLACEMENT_NODES_MAX } from "../limits";
import { fleet, STATE_ALIVE, TIER_RHIZOMORPH, TIER_SCLEROTIA } from "./tables";
import { checkNode, sayNode } from "./nodes";
import { replacePending } from "./place";
import { refreshBackups } from "./backups";
import { nodeChanged } from "./moves";
import { healthPolicy, healthDrain, EVENT_PLAN, PLAN_EVENT_PROMOTABLE, PLAN_EVENT_PROMOTED } from "./plan";
import { fillAll } from "../util/fill";

export class NodeHealth {
  /** Kernel time since which the node's health is below the threshold (-1: it is not). */
  readonly lowSince: StaticArray<i64> = new StaticArray<i64>(PLACEMENT_NODES_MAX);
  /** Kernel time since which the node is alive and healthy (-1: it is not). */
  readonly healthySince: StaticArray<i64> = new StaticArray<i64>(PLACEMENT_NODES_MAX);
  readonly promotable: StaticArray<bool> = new StaticArray<bool>(PLACEMENT_NODES_MAX);
  constructor() { this.reset(); }
  reset(): void { fillAll(this.lowSince, -1); fillAll(this.healthySince, -1); fillAll(this.promotable, false); }
}

export const nodeHealth: NodeHealth = WITH_PLACEMENT ? new NodeHealth() : changetype<NodeHealth>(0);

/** A node's health sample; returns 1 when it drained the node, else 0. */
export function healthSample(node: i32, percent: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (percent < 0 || percent > 100) return sayNode(fail(E_INVALID_ARGUMENT).text("plan: "), node).text(": health ").int(percent).text(" is outside 0..100").code();
  const now = clockNow();
  const alive = fleet.nodeState[node] == STATE_ALIVE;
  if (percent < healthPolicy.threshold) {
    nodeHealth.healthySince[node] = -1;
    nodeHealth.promotable[node] = false;
    if (nodeHealth.lowSince[node] < 0) nodeHealth.lowSince[node] = now;
    if (alive && now - nodeHealth.lowSince[node] >= healthPolicy.durationMs) {
      const waiting = healthDrain(node);
      return waiting < 0 ? waiting : 1;
    }
    return 0;
  }
  nodeHealth.lowSince[node] = -1;
  if (!alive) { nodeHealth.healthySince[node] = -1; nodeHealth.promotable[node] = false; return 0; }
  if (nodeHealth.healthySince[node] < 0) nodeHealth.healthySince[node] = now;
  if (fleet.nodeTier[node] == TIER_RHIZOMORPH && !nodeHealth.promotable[node] && now - nodeHealth.healthySince[node] >= healthPolicy.promoteMs) {
    nodeHealth.promotable[node] = true;
    eventLog(EVENT_PLAN, -1, node, PLAN_EVENT_PROMOTABLE, TIER_RHIZOMORPH, CAUSE_NONE, <i32>min<i64>(now - nodeHealth.healthySince[node], i32.MAX_VALUE));
  }
  return 0;
}

/** Whether a node is promotable now: a rhizomorph, alive, healthy for the period (a state change since cancels it). */
export function isPromotable(node: i32): bool {
  return nodeHealth.promotable[node] && fleet.nodeState[node] == STATE_ALIVE && fleet.nodeTier[node] == TIER_RHIZOMORPH;
}

/** Promotes a promotable rhizomorph to sclerotia; waiting instances and backups are settled again. */
export function promote(node: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (!isPromotable(node)) {
    const since = nodeHealth.healthySince[node];
    return sayNode(fail(E_NOT_PROMOTABLE).text("plan: "), node).text(" is not promotable: tier ").int(fleet.nodeTier[node]).text(", state ").int(fleet.nodeState[node])
      .text(", healthy for ").int(since < 0 ? -1 : clockNow() - since).text(" ms of ").int(healthPolicy.promoteMs).code();
  }
  fleet.nodeTier[node] = TIER_SCLEROTIA;
  nodeChanged(node);
  nodeHealth.promotable[node] = false;
  eventLog(EVENT_PLAN, -1, node, PLAN_EVENT_PROMOTED, TIER_SCLEROTIA, CAUSE_COMMAND, 0);
  replacePending();
  refreshBackups(-1);
  return OK;
}

/** A node's health row: 0 promotable (0/1), 1 ms healthy (-1 not), 2 ms below the threshold (-1 not). */
export function healthField(node: i32, field: i32): i64 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  const now = clockNow();
  switch (field) {
    case 0: return isPromotable(node) ? 1 : 0;
    case 1: return nodeHealth.healthySince[node] < 0 ? -1 : now - nodeHealth.healthySince[node];
    case 2: return nodeHealth.lowSince[node] < 0 ? -1 : now - nodeHealth.lowSince[node];
    default: return sayNode(fail(E_INVALID_ARGUMENT).text("plan: "), node).text(": health field ").int(field).text(" is outside 0..2").code();
  }
}
