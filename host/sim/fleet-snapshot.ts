// One read of the kernel's placement state for the fleet simulator's invariants
// (fleet-invariants.ts): every used slot's service, node, backups, reservation and move, and
// every node of the simulator's model with its tier, state, labels (from the model) and its cpu
// and memory capacity, use and hold, straight from the scalar exports into flat arrays indexed by
// slot and node id. Nothing here is a kernel counter: the invariants recompute from these.
import type { Fleet, Tier, Kernel } from "../index.ts";
import { TIERS, NODE_STATES, BACKUPS_PER_SLOT } from "../index.ts";
import type { FleetModel, ServiceModel } from "./fleet-model.ts";

/** No node: a slot waiting for one, no backup, no running node (the kernel's 0xFFFF). */
export const NO_NODE = 0xffff;

export interface NodeFacts {
  id: number; name: string; tier: Tier; state: string; labels: Set<string>;
  capacity: { cpu: number; memory: number }; used: { cpu: number; memory: number }; held: { cpu: number; memory: number };
}

/** The slots' and nodes' facts; its arrays are reused by the next read (a check is one synchronous pass). */
export class FleetSnapshot {
  /** The used slots, ascending. */
  slots: number[] = [];
  /** Per slot: its service's model, node (NO_NODE: waiting), reservation, move (running node, no move under way). */
  model: ServiceModel[];
  node: Int32Array; reserved: Uint8Array; moveFrom: Int32Array; moveIdle: Uint8Array; backups: Int32Array;
  readonly backupsPerSlot = BACKUPS_PER_SLOT;
  /** The model's nodes (empty when only the dead-node rule is checked) and the same by id. */
  facts: NodeFacts[] = [];
  byId = new Map<number, NodeFacts>();
  /** Instances per (service id, node id). */
  readonly perNode = new Map<number, number>();
  readonly serviceIds = new Map<string, number>();

  constructor(readonly fleet: Fleet, slots: number) {
    this.model = new Array<ServiceModel>(slots);
    this.node = new Int32Array(slots); this.reserved = new Uint8Array(slots); this.moveFrom = new Int32Array(slots); this.moveIdle = new Uint8Array(slots);
    this.backups = new Int32Array(slots * BACKUPS_PER_SLOT);
  }

  /** Instances of a service on a node. */
  countOn(service: string, node: number): number { return this.perNode.get(this.serviceIds.get(service)! * 0x10000 + node) ?? 0; }
  nameOf(node: number): string { return this.fleet.nodeName(node); }
  /** A node's state now, "removed" when the id names no node. */
  stateOf(node: number): string {
    const state = this.fleet.kernel.exports.nodeField(node, 1);
    return state < 0 ? "removed" : NODE_STATES[state];
  }
}

const CPU = 0, MEMORY = 1;
const snapshots = new WeakMap<Fleet, FleetSnapshot>();

/** Reads the slots (and, with `nodes`, the model's nodes); readMoves adds the moves. */
export function readFleet(fleet: Fleet, model: FleetModel, nodes: boolean): FleetSnapshot {
  const kernel = fleet.kernel, x = kernel.exports;
  const n = x.placementSlots();
  let s = snapshots.get(fleet);
  if (!s || s.node.length !== n) snapshots.set(fleet, s = new FleetSnapshot(fleet, n));
  s.slots = [];
  s.facts = [];
  s.byId.clear();
  s.perNode.clear();
  s.serviceIds.clear();
  const services = new Map<number, ServiceModel>();
  for (const m of model.services.values()) {
    const id = kernel.id(m.name);
    services.set(id, m);
    s.serviceIds.set(m.name, id);
  }
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
    if (node !== NO_NODE) s.perNode.set(service * 0x10000 + node, (s.perNode.get(service * 0x10000 + node) ?? 0) + 1);
  }
  if (!nodes) return s;
  for (const name of model.nodes.keys()) {
    const id = fleet.node(name);
    const f: NodeFacts = {
      id, name, tier: TIERS[kernel.check(x.nodeField(id, 0))], state: NODE_STATES[kernel.check(x.nodeField(id, 1))], labels: model.labels.get(name) ?? new Set(),
      capacity: vector(kernel, id, 0), used: vector(kernel, id, 1), held: vector(kernel, id, 2),
    };
    s.facts.push(f);
    s.byId.set(id, f);
  }
  return s;
}

/** A node's cpu and memory: 0 capacity, 1 used, 2 held. */
function vector(kernel: Kernel, id: number, which: number): { cpu: number; memory: number } {
  const x = kernel.exports;
  return { cpu: kernel.check(Number(x.nodeResource(id, CPU, which))), memory: kernel.check(Number(x.nodeResource(id, MEMORY, which))) };
}

/** Each used slot's move: the node it runs on (NO_NODE: none yet) and whether no move of it is under way. */
export function readMoves(kernel: Kernel, s: FleetSnapshot): void {
  const x = kernel.exports;
  for (const slot of s.slots) {
    s.moveIdle[slot] = kernel.check(x.planMove(slot, 0)) === 0 ? 1 : 0;
    s.moveFrom[slot] = kernel.check(x.planMove(slot, 1));
  }
}
