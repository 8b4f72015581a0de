// The placement layer's fixed tables, reserved once at init and only in a profile with the layer
// (features.ts WITH_PLACEMENT): nodes (tier, state, scores, labels, zone, capacity and used
// vectors), per-service specs (class, scoring, rules as label sets, requests) and assignments
// (instance slot -> service, node). Vectors are RESOURCES u32 per row.
import { PLACEMENT_NODES_MAX, PLACEMENT_SLOTS_MAX, PLACEMENT_LABELS_MAX, PLACEMENT_SERVICES } from "../limits";
import { WITH_PLACEMENT } from "../features";
import { NameTable } from "../registry/names";

import { RESOURCES } from "../resources/vector";
import { fillAll } from "../util/fill";
export { RESOURCES, resourceName } from "../resources/vector";
export const NONE: u16 = 0xFFFF;

/** Why a node was excluded: not alive, tier, a required label missing, a forbidden label, max-per-node, then one per resource. */
export const REASON_STATE: i32 = 0;
export const REASON_TIER: i32 = 1;
export const REASON_REQUIRE: i32 = 2;
export const REASON_FORBID: i32 = 3;
export const REASON_MAX_PER_NODE: i32 = 4;
export const REASON_RESOURCE: i32 = 5;
/** A direct assignment: the node is not one the operator named (or the named ones are unavailable). */
export const REASON_DIRECT: i32 = REASON_RESOURCE + RESOURCES;
/** A hard rule on tier, load or trust (a label rule counts under require/forbid). */
export const REASON_RULE: i32 = REASON_DIRECT + 1;
/** The instance's moves failed there too often (exclusions.ts). */
export const REASON_RETRY: i32 = REASON_RULE + 1;
export const REASONS: i32 = REASON_RETRY + 1;

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

export const ASSIGN_AUTOMATIC: u8 = 0;
export const ASSIGN_RULES: u8 = 1;
export const ASSIGN_DIRECT: u8 = 2;

export const MIGRATE_BLUE_GREEN: u8 = 0;
export const MIGRATE_ROLLING: u8 = 1;
export const MIGRATE_LIVE: u8 = 2;

export const DEPLOY_STANDARD: u8 = 0;
export const DEPLOY_NATIVE: u8 = 1;
export const DEPLOY_REPLICATED: u8 = 2;
export const DEPLOY_AUTO: u8 = 3;
/** What `deployment: auto` reads: the service's declared traits. */
export const TRAIT_OWN_CONSENSUS: u8 = 1;
export const TRAIT_NEEDS_HA: u8 = 2;
export const TRAIT_NEEDS_OS: u8 = 4;

/** Rule conditions beyond a label set: tier is, load above, load below, trust at least (a label or zone rule is a label set). */
export const COND_TIER: u8 = 0;
export const COND_LABEL: u8 = 1;
export const COND_LOAD_ABOVE: u8 = 2;
export const COND_LOAD_BELOW: u8 = 3;
export const COND_TRUST_AT_LEAST: u8 = 4;
/** Condition rules per service (beyond the label sets); direct nodes per service (primary, then backups in order). */
export const RULES_PER_SERVICE: i32 = 8;
export const DIRECT_PER_SERVICE: i32 = 4;
/** Backup nodes one instance can have (replicated's backup count is capped here). */
export const BACKUPS_PER_SLOT: i32 = 3;
/** A soft rule's weight per priority point (priority 50, the default, weighs 2000). */
export const PRIORITY_WEIGHT: i64 = 40;

export const SCORE_BINPACK: u8 = 0;
export const SCORE_SPREAD: u8 = 1;

/** The end of a slot list (slots.ts). */
export const NO_SLOT: i32 = -1;
/** The list of instances waiting for a node is kept as one more node's list. */
export const WAITING: i32 = PLACEMENT_NODES_MAX;
const FREE_WORDS: i32 = (PLACEMENT_SLOTS_MAX + 63) >> 6;
const SUMMARY_WORDS: i32 = (FREE_WORDS + 63) >> 6;

/** A name table's index size: a power of two at least twice its names (the table masks its hash with it). */
const NODE_NAME_SLOTS: i32 = PLACEMENT_NODES_MAX <= 1 ? 2 : 1 << (32 - <i32>clz(2 * PLACEMENT_NODES_MAX - 1));

/** Label ids at least this many: a power of two at least twice the labels. */
const LABEL_SLOTS: i32 = PLACEMENT_LABELS_MAX * 2;

export class PlacementTables {
  readonly nodeNames: NameTable = new NameTable(PLACEMENT_NODES_MAX, NODE_NAME_SLOTS);
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
  /** Capacity held on a node by blue-green and live moves off it still under way (hold.ts); every check counts used + held. */
  readonly held: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_NODES_MAX * RESOURCES);
  /** Each node's hold era and each slot's hold (the era of the node it holds on; 0: none); a u16 era wraps after 65,535 drops. */
  readonly nodeEra: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  readonly slotHoldEra: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  eraNext: i32 = 1;
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
  /** The resources the service requests (request not 0), RESOURCES a row, and how many: what filter and score walk. */
  readonly requested: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES * RESOURCES);
  readonly requestedCount: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly specAssign: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly specMigration: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  /** Rolling: instances per batch. */
  readonly specBatch: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SERVICES);
  /** Blue-green: the health gate's duration; rolling: the interval between batches; live: the downtime tolerance (ms). */
  readonly specMigrationMs: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_SERVICES);
  readonly specDeploy: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly specTraits: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly specShards: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SERVICES);
  readonly specRebalance: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SERVICES);
  /** Replicated: backup nodes per instance (critical and user have at least one). */
  readonly specBackups: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  /** Condition rules: count, then per rule condition, action, priority and value (tier, percent or trust). */
  readonly ruleCount: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES);
  readonly ruleCondition: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES * RULES_PER_SERVICE);
  readonly ruleAction: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES * RULES_PER_SERVICE);
  readonly rulePriority: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SERVICES * RULES_PER_SERVICE);
  readonly ruleValue: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES * RULES_PER_SERVICE);
  /** Direct assignment: names the operator gave (ids in directNames, -1 none), primary first. */
  readonly directNames: NameTable = new NameTable(PLACEMENT_NODES_MAX, NODE_NAME_SLOTS);
  directNameCount: i32 = 0;
  readonly specDirect: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES * DIRECT_PER_SERVICE);

  /** Assignment slots: the service (NONE: free) and its node (NONE: waiting for a node). */
  readonly slotService: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  readonly slotNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  /** Each slot's backup nodes (NONE: none), BACKUPS_PER_SLOT a row: designated, not reserved (see backups.ts). */
  readonly slotBackup: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX * BACKUPS_PER_SLOT);
  /**
   * The reverse of slotBackup (slots.ts): per node, a doubly linked list of the backup entries
   * (slot * BACKUPS_PER_SLOT + k) naming it, so a node's change re-checks only the instances it
   * stands by for. Each slot's backups its class wants and lacks, and their sum.
   */
  readonly backedHead: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_NODES_MAX);
  readonly nextBacked: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX * BACKUPS_PER_SLOT);
  readonly prevBacked: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX * BACKUPS_PER_SLOT);
  readonly slotShort: StaticArray<u8> = new StaticArray<u8>(PLACEMENT_SLOTS_MAX);
  backupsShort: i32 = 0;
  slotsUsed: i32 = 0;
  /** The pending reservation holding each slot (NONE: committed or free; reserve.ts). */
  readonly slotReservation: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SLOTS_MAX);
  /** Scratch: the slots one placement call took (released together when a later instance fails). */
  readonly callSlots: StaticArray<u32> = new StaticArray<u32>(PLACEMENT_SLOTS_MAX);

  /**
   * Indexes over the assignment table (slots.ts), so no operation scans every slot: each
   * service's slots and each node's slots (WAITING: the instances waiting for a node) as doubly
   * linked lists with their lengths, and the free slots as a two-level bitmap (1: free) whose
   * lowest set bit is the slot the next placement takes (the same slot a scan from 0 would).
   */
  readonly serviceHead: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES);
  readonly serviceInstances: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SERVICES);
  readonly nextOfService: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX);
  readonly prevOfService: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX);
  readonly nodeHead: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_NODES_MAX + 1);
  readonly nodeInstances: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_NODES_MAX + 1);
  readonly nextOnNode: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX);
  readonly prevOnNode: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_SLOTS_MAX);
  readonly freeBits: StaticArray<u64> = new StaticArray<u64>(FREE_WORDS);
  readonly freeSummary: StaticArray<u64> = new StaticArray<u64>(SUMMARY_WORDS);
  /** The registered nodes, dense (the order sampling walks), and each node's position in it. */
  readonly nodeOrder: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  readonly nodePosition: StaticArray<i32> = new StaticArray<i32>(PLACEMENT_NODES_MAX);
  /** perNode/perZone hold the counts of this service (-1: none); place.ts keeps them exact while it stays. */
  preparedFor: i32 = -1;
  /** The node each service's last instance went to (NONE: none yet): sampling scores it too, so binpack keeps filling it. */
  readonly lastNode: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_SERVICES);
  /** Scratch: the nodes whose perNode entry is not 0 (cleared by walking them, not the whole row). */
  readonly touched: StaticArray<u16> = new StaticArray<u16>(PLACEMENT_NODES_MAX);
  readonly touchedMark: StaticArray<bool> = new StaticArray<bool>(PLACEMENT_NODES_MAX);
  touchedCount: i32 = 0;

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
    fillAll(this.nodeState, STATE_ABSENT);
    fillAll(this.nodeZone, -1);
    fillAll(this.capacity, 0);
    fillAll(this.used, 0);
    fillAll(this.held, 0);
    fillAll(this.nodeEra, 1);
    fillAll(this.slotHoldEra, 0);
    this.eraNext = 1;
    fillAll(this.nodeLabels, 0);
    for (let s = 0; s < PLACEMENT_SERVICES; s++) this.specDefaults(s);
    fillAll(this.slotService, NONE);
    fillAll(this.slotNode, NONE);
    fillAll(this.slotBackup, NONE);
    fillAll(this.backedHead, NO_SLOT);
    fillAll(this.slotShort, 0);
    this.backupsShort = 0;
    fillAll(this.slotReservation, NONE);
    this.slotsUsed = 0;
    this.directNames.clear();
    this.directNameCount = 0;
    fillAll(this.serviceHead, NO_SLOT);
    fillAll(this.serviceInstances, 0);
    fillAll(this.nodeHead, NO_SLOT);
    fillAll(this.nodeInstances, 0);
    fillAll(this.freeBits, u64.MAX_VALUE);
    const tail = PLACEMENT_SLOTS_MAX & 63;
    if (tail != 0) this.freeBits[FREE_WORDS - 1] = (<u64>1 << <u64>tail) - 1;
    fillAll(this.freeSummary, u64.MAX_VALUE);
    const summaryTail = FREE_WORDS & 63;
    if (summaryTail != 0 && SUMMARY_WORDS > 0) this.freeSummary[SUMMARY_WORDS - 1] = (<u64>1 << <u64>summaryTail) - 1;
    fillAll(this.perNode, 0);
    fillAll(this.perZone, 0);
    this.preparedFor = -1;
    fillAll(this.touchedMark, false);
    this.touchedCount = 0;
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
    this.requestedCount[service] = 0;
    this.lastNode[service] = NONE;
    this.specAssign[service] = ASSIGN_AUTOMATIC;
    this.specMigration[service] = MIGRATE_ROLLING;
    this.specBatch[service] = 1;
    this.specMigrationMs[service] = 0;
    this.specDeploy[service] = DEPLOY_STANDARD;
    this.specTraits[service] = 0;
    this.specShards[service] = 0;
    this.specRebalance[service] = 0;
    this.specBackups[service] = 0;
    this.ruleCount[service] = 0;
    for (let k = 0; k < DIRECT_PER_SERVICE; k++) this.specDirect[service * DIRECT_PER_SERVICE + k] = -1;
  }
}

/** The tables, allocated only when the profile has the layer (a null reference otherwise, never used). */
export const fleet: PlacementTables = WITH_PLACEMENT ? new PlacementTables() : changetype<PlacementTables>(0);

