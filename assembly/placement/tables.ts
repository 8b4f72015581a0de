// The placement layer's fixed tables, reserved once at init and only in a profile with the layer
// (features.ts WITH_PLACEMENT): nodes (tier, state, scores, labels, zone, capacity and used
// vectors), per-service specs (class, scoring, rules as label sets, requests) and assignments
// (instance slot -> service, node). Vectors are RESOURCES u32 per row.
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX, PLACEMENT_LABELS_MAX, PLACEMENT_SERVICES } from "../limits";
import { WITH_PLACEMENT } from "../features";
import { NameTable } from "../registry/names";

import { RESOURCES } from "../resources/vector";
export { RESOURCES, resourceName } from "../resources/vector";
export const NONE: u16 = 0xFFFF;

/** Why a node was excluded: not alive, tier, a required label missing, a forbidden label, max-per-node, then one per resource. */
export const REASON_STATE: i32 = 0;
export const REASON_TIER: i32 = 1;
export const REASON_REQUIRE: i32 = 2;
export const REASON_FORBID: i32 = 3;
export const REASON_MAX_PER_NODE: i32 = 4;
export const REASON_RESOURCE: i32 = 5;
export const REASONS: i32 = REASON_RESOURCE + RESOURCES;

export const TIER_SCLEROTIA: u8 = 0;
export const TIER_RHIZOMORPH: u8 = 1;
export const TIER_HYPHAE: u8 = 2;

export const STATE_ABSENT: u8 = 0;
export const STATE_ALIVE: u8 = 1;
export const STATE_SUSPECT: u8 = 2;
export const STATE_DRAINING: u8 = 3;
export const STATE_DEAD: u8 = 4;

export const CLASS_CRITICAL: u8 = 0;
export const CLASS_USER: u8 = 1;
export const CLASS_CLIENT: u8 = 2;
export const CLASS_DISTRIBUTED: u8 = 3;

export const SCORE_BINPACK: u8 = 0;
export const SCORE_SPREAD: u8 = 1;

/** Label ids at least this many: a power of two at least twice the labels. */
const LABEL_SLOTS: i32 = PLACEMENT_LABELS_MAX * 2;

export class PlacementTables {
  readonly nodeNames: NameTable = new NameTable(PLACEMENT_NODES_MAX, 2 * PLACEMENT_NODES_MAX);
  readonly labelNames: NameTable = new NameTable(PLACEMENT_LABELS_MAX, LABEL_SLOTS);
  labelCount: i32 = 0;
  nodeCount: i32 = 0;
  readonly nodeState: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  readonly nodeTier: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  readonly nodeTrust: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  readonly nodeReliability: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  readonly nodeLoad: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_NODES_MAX);
  /** The node's zone as a label id, or -1. */
  readonly nodeZone: StaticArray<i8> = new StaticArray<i8>(PLACEMENT_NODES_MAX);
  readonly nodeLabels: StaticArray<u64> = new StaticArray<u64>(PLACEMENT_NODES_MAX);
  readonly capacity: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_NODES_MAX * RESOURCES);
  readonly used: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_NODES_MAX * RESOURCES);
  /** Scratch: instances of the service being placed, per node and per zone label. */
  readonly perNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  readonly perZone: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_LABELS_MAX);

  readonly specClass: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly specScore: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  /** 0: no limit. */
  readonly specMaxPerNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SERVICES);
  readonly specSpreadZone: StaticArray<bool> = new StaticArray<bool>(PLACEMENT_SERVICES);
  readonly specRequire: StaticArray<u64> = new StaticArray<u64>(PLACEMENT_SERVICES);
  readonly specForbid: StaticArray<u64> = new StaticArray<u64>(PLACEMENT_SERVICES);
  readonly specPrefer: StaticArray<u64> = new StaticArray<u64>(PLACEMENT_SERVICES);
  readonly specAvoid: StaticArray<u64> = new StaticArray<u64>(PLACEMENT_SERVICES);
  readonly request: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_SERVICES * RESOURCES);

  /** Assignment slots: the service (NONE: free) and its node (NONE: waiting for a node). */
  readonly slotService: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  readonly slotNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  slotsUsed: i32 = 0;
  /** Scratch: the slots one placement call took (released together when a later instance fails). */
  readonly callSlots: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);

  /** The last refusal: nodes excluded per reason (REASON_*), and per resource the need and the largest free. */
  readonly refusal: StaticArray<u32> = new StaticArray<u32>(REASONS);
  readonly refusalNeed: StaticArray<u32> = new StaticArray<u32>(RESOURCES);
  readonly refusalLargest: StaticArray<u32> = new StaticArray<u32>(RESOURCES);
  readonly refusalLargestNode: StaticArray<i32> = new StaticArray<i32>(RESOURCES);

  constructor() { this.reset(); }

  reset(): void {
    this.nodeNames.clear();
    this.labelNames.clear();
    this.labelCount = 0;
    this.nodeCount = 0;
    this.nodeState.fill(STATE_ABSENT);
    this.nodeZone.fill(-1);
    this.capacity.fill(0);
    this.used.fill(0);
    this.nodeLabels.fill(0);
    for (let s = 0; s < PLACEMENT_SERVICES; s++) this.specDefaults(s);
    this.slotService.fill(NONE);
    this.slotNode.fill(NONE);
    this.slotsUsed = 0;
  }

  specDefaults(service: i32): void {
    this.specClass[service] = CLASS_CLIENT;
    this.specScore[service] = SCORE_BINPACK;
    this.specMaxPerNode[service] = 0;
    this.specSpreadZone[service] = false;
    this.specRequire[service] = 0;
    this.specForbid[service] = 0;
    this.specPrefer[service] = 0;
    this.specAvoid[service] = 0;
    for (let r = 0; r < RESOURCES; r++) this.request[service * RESOURCES + r] = 0;
  }
}

/** The tables, allocated only when the profile has the layer (a null reference otherwise, never used). */
export const fleet: PlacementTables = WITH_PLACEMENT ? new PlacementTables() : changetype<PlacementTables>(0);

