// One read of the kernel's placement state for the fleet simulator's invariants
// (fleet-invariants.ts): every used slot's service, node, backups, reservation and move, and
// every node of the simulator's model with its tier, state, labels (from the model) and its cpu
// and memory capacity, use and hold, straight from the scalar exports into flat arrays indexed by
// slot and node id. Nothing here is a kernel counter: the invariants recompute from these.
import type { Fleet, Tier, Kernel } from "../index.ts";
import { TIERS, NODE_STATES, BACKUPS_PER_SLOT } from "../index.ts";
import type { FleetModel, ServiceModel } from "./fleet-invariants.ts";

/** No node: a slot waiting for one, no backup, no running node (the kernel's 0xFFFF). */
export const NO_NODE = 0xffff;

export interface NodeFacts {
  id: number; name: string; tier: Tier; state: string; labels: Set<string>;
  capacity: { cpu: number; memory: number }; used: { cpu: number; memory: number }; held: { cpu: number; memory: number };
}

export interface FleetSnapshot {
  /** The used slots, ascending. */
  slots: number[];
  /** Per slot: its service's model, node (NO_NODE: waiting), reservation, move (running node, no move under way). */
  model: ServiceModel[]; node: Int32Array; reserved: Uint8Array; moveFrom: Int32Array; moveIdle: Uint8Array;
  backups: Int32Array; backupsPerSlot: number;
  /** The model's nodes (empty when only the dead-node rule is checked) and the same by id. */
  facts: NodeFacts[]; byId: Map<number, NodeFacts>;
  /** Instances of a service on a node. */
  countOn(service: string, node: number): number;
  nameOf(node: number): string;
  /** A node's state now, "removed" when the id names no node. */
  stateOf(node: number): string;
}

const CPU = 0, MEMORY = 1;

/** Reads the slots (and, with `nodes`, the model's nodes); readMoves adds the moves. */
export function readFleet(fleet: Fleet, model: FleetModel, nodes: boolean): FleetSnapshot {
  const kernel = fleet.kernel, x = kernel.exports;
  const n = x.placementSlots();
  const services = new Map<number, ServiceModel>();
  for (const m of model.services.values()) services.set(kernel.id(m.name), m);
  const s: FleetSnapshot = {
    slots: [], model: new Array<ServiceModel>(n), node: new Int32Array(n), reserved: new Uint8Array(n), moveFrom: new Int32Array(n), moveIdle: new Uint8Array(n),
    backups: new Int32Array(n * BACKUPS_PER_SLOT), backupsPerSlot: BACKUPS_PER_SLOT, facts: [], byId: new Map(),
    countOn: () => 0, nameOf: (node) => fleet.nodeName(node), stateOf: (node) => stateOf(kernel, node),
  };
  const perNode = new Map<string, number>();
  for (let slot = 0; slot < n; slot++) {
    const service = x.placementSlotService(slot);
    if (service < 0) continue;
    const m = services.get(service);
    if (!m) throw new Error(`fleet invariants: slot ${slot} holds service #${service} (${kernel.name(service)}), which the simulator never placed`);
    const node = kernel.check(x.placementSlotNode(slot));
    s.slots.push(slot);
    s.model[slot] = m;
    s.node[slot] = node;
    s.reserved[slot] = kernel.check(x.placementSlotReserved(slot));
    for (let k = 0; k < BACKUPS_PER_SLOT; k++) s.backups[slot * BACKUPS_PER_SLOT + k] = kernel.check(x.placementBackup(slot, k));
    if (node !== NO_NODE) perNode.set(`${m.name}@${node}`, (perNode.get(`${m.name}@${node}`) ?? 0) + 1);
  }
  s.countOn = (service, node) => perNode.get(`${service}@${node}`) ?? 0;
  if (!nodes) return s;
  for (const name of model.nodes.keys()) {
    const id = fleet.node(name);
    const vector = (which: number) => ({ cpu: kernel.check(Number(x.nodeResource(id, CPU, which))), memory: kernel.check(Number(x.nodeResource(id, MEMORY, which))) });
    const f: NodeFacts = {
      id, name, tier: TIERS[kernel.check(x.nodeField(id, 0))], state: NODE_STATES[kernel.check(x.nodeField(id, 1))], labels: model.labels.get(name) ?? new Set(),
      capacity: vector(0), used: vector(1), held: vector(2),
    };
    s.facts.push(f);
    s.byId.set(id, f);
  }
  return s;
}

/** Each used slot's move: the node it runs on (NO_NODE: none yet) and whether no move of it is under way. */
export function readMoves(kernel: Kernel, s: FleetSnapshot): void {
  const x = kernel.exports;
  for (const slot of s.slots) {
    s.moveIdle[slot] = kernel.check(x.planMove(slot, 0)) === 0 ? 1 : 0;
    s.moveFrom[slot] = kernel.check(x.planMove(slot, 1));
  }
}

function stateOf(kernel: Kernel, node: number): string {
  const state = kernel.exports.nodeField(node, 1);
  return state < 0 ? "removed" : NODE_STATES[state];
}
