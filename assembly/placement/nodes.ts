// Fleet nodes: register (name, tier, trust and reliability scores), capacity per resource,
// labels (`key=value`, interned to a 64-bit set) with one of them the zone, state, load sample.
// Checks name the node, the field and the value; a refused call changes nothing.
import { OK, E_INVALID_ARGUMENT, E_DUPLICATE_NAME, E_CAPACITY_INSTANCES } from "../errors";
import { fail, Detail } from "../util/detail";
import { validateName } from "../registry/names";
import { PLACEMENT_NODES_MAX, PLACEMENT_LABELS_MAX } from "../limits";
import { fleet, RESOURCES, STATE_ABSENT, STATE_ALIVE, STATE_DEAD, TIER_HYPHAE, resourceName } from "./tables";
import { nodeChanged } from "./moves";
import { dropHolds } from "./hold";

/** Appends `node 'name'` to a detail. */
export function sayNode(d: Detail, node: i32): Detail {
  return d.text("node '").raw(fleet.nodeNames.namePtr(node), fleet.nodeNames.nameLength(node)).text("'");
}

export function sayLabel(d: Detail, label: i32): Detail {
  return d.text("'").raw(fleet.labelNames.namePtr(label), fleet.labelNames.nameLength(label)).text("'");
}

@inline export function isNode(node: i32): bool {
  return node >= 0 && node < PLACEMENT_NODES_MAX && fleet.nodeState[node] != STATE_ABSENT;
}

export function checkNode(node: i32): i32 {
  if (isNode(node)) return OK;
  return fail(E_INVALID_ARGUMENT).text("placement: node id ").int(node).text(" is not registered").code();
}

function checkScore(ptr: usize, len: i32, field: string, value: i32): i32 {
  if (value >= 0 && value <= 100) return OK;
  return fail(E_INVALID_ARGUMENT).text("placement: node '").raw(ptr, len).text("': ").text(field).text(" ").int(value).text(" is outside 0..100").code();
}

/** Registers a node (alive, no capacity yet); returns its id. */
export function nodeRegister(ptr: usize, len: i32, tier: i32, trust: i32, reliability: i32): i32 {
  const invalid = validateName(ptr, len, "node name");
  if (invalid < 0) return invalid;
  if (tier < 0 || tier > <i32>TIER_HYPHAE) {
    return fail(E_INVALID_ARGUMENT).text("placement: node '").raw(ptr, len).text("': tier ").int(tier).text(" is not sclerotia (0), rhizomorph (1) or hyphae (2)").code();
  }
  const bad = checkScore(ptr, len, "trust", trust);
  if (bad < 0) return bad;
  const badReliability = checkScore(ptr, len, "reliability", reliability);
  if (badReliability < 0) return badReliability;
  if (fleet.nodeNames.find(ptr, len) >= 0) return fail(E_DUPLICATE_NAME).text("placement: node '").raw(ptr, len).text("' is already registered").code();
  let id = 0;
  while (id < PLACEMENT_NODES_MAX && fleet.nodeState[id] != STATE_ABSENT) id++;
  if (id == PLACEMENT_NODES_MAX) return fail(E_CAPACITY_INSTANCES).text("placement: node '").raw(ptr, len).text("': the node table is full (").int(PLACEMENT_NODES_MAX).text(")").code();
  fleet.nodeNames.insertUnique(id, ptr, len);
  fleet.nodeState[id] = STATE_ALIVE;
  fleet.nodeTier[id] = <u8>tier;
  fleet.nodeTrust[id] = <u8>trust;
  fleet.nodeReliability[id] = <u8>reliability;
  fleet.nodeLoad[id] = 0;
  fleet.nodeZone[id] = -1;
  fleet.nodeLabels[id] = 0;
  for (let r = 0; r < RESOURCES; r++) { fleet.capacity[id * RESOURCES + r] = 0; fleet.used[id * RESOURCES + r] = 0; }
  dropHolds(id); // holds of a node once registered under this id are not its
  fleet.nodeOrder[fleet.nodeCount] = <u16>id;
  fleet.nodePosition[id] = fleet.nodeCount;
  fleet.nodeCount++;
  return id;
}

export function nodeFind(ptr: usize, len: i32): i32 {
  const id = fleet.nodeNames.find(ptr, len);
  if (id < 0) return fail(E_INVALID_ARGUMENT).text("placement: node '").raw(ptr, len).text("' is not registered").code();
  return id;
}

function checkResource(node: i32, resource: i32): i32 {
  if (resource >= 0 && resource < RESOURCES) return OK;
  return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": resource ").int(resource).text(" is outside 0..").int(RESOURCES - 1).code();
}

/** Sets a node's capacity of one resource; refused below what its instances use. */
export function nodeCapacitySet(node: i32, resource: i32, amount: i64): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  const bad = checkResource(node, resource);
  if (bad < 0) return bad;
  if (amount < 0 || amount > <i64>u32.MAX_VALUE) {
    return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": ").text(resourceName(resource)).text(" capacity ").int(amount).text(" is outside 0..").int(u32.MAX_VALUE).code();
  }
  const held = <i64>fleet.held[node * RESOURCES + resource];
  const used = <i64>fleet.used[node * RESOURCES + resource] + held;
  if (amount < used) {
    const d = sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": ").text(resourceName(resource)).text(" capacity ").int(amount)
      .text(" is below what its instances use (").int(used);
    if (held > 0) d.text(", moves off it under way included");
    return d.text("): drain the node first").code();
  }
  fleet.capacity[node * RESOURCES + resource] = <u32>amount;
  nodeChanged(node);
  return OK;
}

/** Interns a `key=value` label; returns its id (the same id for the same text). */
export function labelIntern(ptr: usize, len: i32): i32 {
  const invalid = validateLabel(ptr, len);
  if (invalid < 0) return invalid;
  const found = fleet.labelNames.find(ptr, len);
  if (found >= 0) return found;
  if (fleet.labelCount == PLACEMENT_LABELS_MAX) return fail(E_CAPACITY_INSTANCES).text("placement: label '").raw(ptr, len).text("': the label table is full (").int(PLACEMENT_LABELS_MAX).text(")").code();
  const id = fleet.labelCount++;
  fleet.labelNames.insertUnique(id, ptr, len);
  return id;
}

export function validateLabel(ptr: usize, len: i32): i32 {
  let equals = -1;
  for (let i = 0; i < len; i++) if (load<u8>(ptr + <usize>i) == 0x3d) { equals = i; break; }
  if (len < 3 || len > 32 || equals < 1 || equals == len - 1) {
    return fail(E_INVALID_ARGUMENT).text("placement: label '").raw(ptr, len).text("' is not key=value (1..32 bytes)").code();
  }
  return OK;
}

export function checkLabel(label: i32): i32 {
  if (label >= 0 && label < fleet.labelCount) return OK;
  return fail(E_INVALID_ARGUMENT).text("placement: label id ").int(label).text(" is not defined (").int(fleet.labelCount).text(" labels)").code();
}

/** Adds (on) or removes a label of a node. */
export function nodeLabelSet(node: i32, label: i32, on: bool): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  const bad = checkLabel(label);
  if (bad < 0) return bad;
  const bit = <u64>1 << <u64>label;
  fleet.nodeLabels[node] = on ? fleet.nodeLabels[node] | bit : fleet.nodeLabels[node] & ~bit;
  nodeChanged(node);
  return OK;
}

/** Sets a node's zone (a label it also carries), or clears it with -1. */
export function nodeZoneSet(node: i32, label: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (label != -1) {
    const bad = checkLabel(label);
    if (bad < 0) return bad;
    fleet.nodeLabels[node] |= <u64>1 << <u64>label;
  }
  fleet.nodeZone[node] = <i8>label;
  fleet.preparedFor = -1; // per-zone counts are by the nodes' zones
  nodeChanged(node);
  return OK;
}

/** The host's load sample of a node (0..100 percent). */
export function nodeLoadSet(node: i32, percent: i32): i32 {
  const unknown = checkNode(node);
  if (unknown < 0) return unknown;
  if (percent < 0 || percent > 100) return sayNode(fail(E_INVALID_ARGUMENT).text("placement: "), node).text(": load ").int(percent).text(" is outside 0..100").code();
  fleet.nodeLoad[node] = <u8>percent;
  nodeChanged(node); // a load rule may now hold or not
  return OK;
}

/** Forgets a node whose instances are gone (the caller moved them). */
export function nodeForget(node: i32): void {
  nodeChanged(node); // the instances it stood by for need another backup
  fleet.nodeNames.remove(node);
  fleet.nodeState[node] = STATE_ABSENT;
  fleet.nodeCount--;
  const last = <i32>fleet.nodeOrder[fleet.nodeCount], position = fleet.nodePosition[node]; // the last registered takes its place
  fleet.nodeOrder[position] = <u16>last;
  fleet.nodePosition[last] = position;
}

@inline export function nodeAccepts(node: i32): bool { return unchecked(fleet.nodeState[node]) == STATE_ALIVE; }
@inline export function nodeGone(node: i32): bool { return fleet.nodeState[node] >= STATE_DEAD; }
