// Typed wrapper over the kernel's fleet placement (assembly/placement/): nodes with tier,
// capacity, labels, zone, state and load; services' placement specs; placing and removing
// instances; assignments and free capacity. The kernel decides and explains; this only encodes.
// Not in the mcu profile (its exports answer an error).
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { PlacementExports } from "./exports.ts";

export const TIERS = ["sclerotia", "rhizomorph", "hyphae"] as const;
export type Tier = (typeof TIERS)[number];
export const NODE_STATES = ["", "alive", "suspect", "draining", "dead"] as const;
export type NodeState = Exclude<(typeof NODE_STATES)[number], "">;
export const PLACEMENT_CLASSES = ["critical", "user", "client", "distributed"] as const;
export type PlacementClass = (typeof PLACEMENT_CLASSES)[number];
export const RESOURCES = ["cpu", "memory", "storage", "scratch", "iops", "bandwidth", "connections", "gpu", "fds", "pids"] as const;
export type Resource = (typeof RESOURCES)[number];
export type ResourceVector = Partial<Record<Resource, number>>;
export const RULE_ACTIONS = ["require", "forbid", "prefer", "avoid"] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];
/** The reasons a refusal counts nodes under (kernel order): then one per resource. */
export const REFUSAL_REASONS = ["not-alive", "tier", "require", "forbid", "max-per-node"] as const;
/** Counted after the resources: not among a direct assignment's nodes; a tier, load or trust rule. */
export const REFUSAL_REASONS_AFTER = ["direct", "rule"] as const;

export interface NodeSpec {
  tier: Tier;
  capacity?: ResourceVector;
  labels?: string[];
  /** A `key=value` label that is the node's zone (it also carries it). */
  zone?: string;
  /** 0..100, default 50. */
  trust?: number;
  reliability?: number;
}

export const ASSIGNMENTS = ["automatic", "rules", "direct"] as const;
export type AssignmentStrategy = (typeof ASSIGNMENTS)[number];
export const MIGRATIONS = ["blue-green", "rolling", "live"] as const;
export type Migration = (typeof MIGRATIONS)[number];
export const DEPLOYMENTS = ["standard", "native", "replicated", "auto"] as const;
export type Deployment = (typeof DEPLOYMENTS)[number];
/** What `deployment: auto` reads: bit 1, 2, 4 in the kernel. */
export const DEPLOY_TRAITS = ["own-consensus", "needs-ha", "needs-os"] as const;
export type DeployTrait = (typeof DEPLOY_TRAITS)[number];
/** Why `auto` chose its model (the kernel's rationale code 1..4; 0: declared), one line each. */
export const DEPLOY_RATIONALES = [
  "declared",
  "natively distributed with its own consensus: native shards",
  "a single process that needs high availability: replicated with a backup",
  "a legacy program that needs a whole OS: replicated in a VM executor (on paper until one exists)",
  "a single process without a high-availability need: standard replicas",
] as const;

/** A rule: one condition (a label, a tier, load above or below a percent, trust at least), an action and a priority 0..100 (a soft rule's weight; 50 by default). */
export type PlacementRuleSpec = { action: RuleAction; priority?: number } & (
  { label: string } | { tier: Tier } | { loadAbove: number } | { loadBelow: number } | { trustAtLeast: number }
);

export interface PlacementSpec {
  class: PlacementClass;
  scoring?: "binpack" | "spread";
  maxPerNode?: number;
  spreadZone?: boolean;
  request?: ResourceVector;
  rules?: PlacementRuleSpec[];
  /** automatic (default), rules, or direct on `nodes` (the primary, then the backups in order). */
  assignment?: AssignmentStrategy;
  nodes?: string[];
  /** ms: blue-green's health gate, rolling's interval, live's downtime tolerance. */
  migration?: { strategy: Migration; batch?: number; ms?: number };
  deployment?: { model: Deployment; shards?: number; rebalance?: number; backups?: number; traits?: DeployTrait[] };
}

export interface SpecView {
  class: PlacementClass; scoring: "binpack" | "spread"; maxPerNode: number; spreadZone: boolean; assignment: AssignmentStrategy;
  migration: { strategy: Migration; batch: number; ms: number };
  deployment: { declared: Deployment; model: Deployment; rationale: string; shards: number; rebalance: number };
  backups: number; conditionRules: number;
}

/** The node of an assignment waiting for a node (and of a backup not there). */
const WAITING = 0xffff;
/** Backup nodes one instance can have (assembly/placement/tables.ts). */
export const BACKUPS_PER_SLOT = 3;

export interface NodeView { id: number; name: string; tier: Tier; state: NodeState; trust: number; reliability: number; load: number; zone: string | undefined }

export interface Assignment { slot: number; service: string; node: string | undefined; backups: string[]; reserved: boolean }

export class Fleet {
  private readonly names = new Map<number, string>();
  private readonly labels = new Map<number, string>();

  constructor(readonly kernel: Kernel) {}

  private get x(): PlacementExports { return this.kernel.exports; }
  private check(status: number | bigint): number { return this.kernel.check(Number(status)); }

  /** The id of a `key=value` label (interned once). */
  label(text: string): number {
    const id = this.check(this.x.placementLabel(this.kernel.put(text)));
    this.labels.set(id, text);
    return id;
  }

  addNode(name: string, spec: NodeSpec): number {
    const id = this.check(this.x.nodeRegister(this.kernel.put(name), TIERS.indexOf(spec.tier), spec.trust ?? 50, spec.reliability ?? 50));
    this.names.set(id, name);
    try {
      // Labels and zone before capacity: capacity makes room, and waiting instances may land at once.
      for (const label of spec.labels ?? []) this.check(this.x.nodeLabel(id, this.label(label), 1));
      if (spec.zone !== undefined) this.check(this.x.nodeLocation(id, this.label(spec.zone)));
      this.setCapacity(id, spec.capacity ?? {});
    } catch (error) {
      this.removeNode(id); // nothing half-applied
      throw error;
    }
    return id;
  }

  node(ref: string | number): number {
    return typeof ref === "number" ? ref : this.check(this.x.nodeFind(this.kernel.put(ref)));
  }

  nodeName(id: number): string { return this.names.get(id) ?? `#${id}`; }

  /** Removes a node; its instances go elsewhere. Returns how many wait for a node. */
  removeNode(ref: string | number): number {
    const id = this.node(ref);
    const waiting = this.check(this.x.nodeRemove(id));
    this.names.delete(id);
    return waiting;
  }

  setCapacity(ref: string | number, capacity: ResourceVector): void {
    const id = this.node(ref);
    for (const [resource, amount] of Object.entries(capacity)) {
      this.check(this.x.nodeCapacity(id, RESOURCES.indexOf(resource as Resource), BigInt(amount)));
    }
  }

  setLabel(ref: string | number, label: string, on: boolean): void { this.check(this.x.nodeLabel(this.node(ref), this.label(label), on ? 1 : 0)); }

  setLoad(ref: string | number, percent: number): void { this.check(this.x.nodeLoad(this.node(ref), percent)); }

  /** Returns how many instances wait for a node afterwards. */
  setState(ref: string | number, state: NodeState): number { return this.check(this.x.nodeState(this.node(ref), NODE_STATES.indexOf(state))); }

  nodeView(ref: string | number): NodeView {
    const id = this.node(ref);
    const field = (f: number) => this.check(this.x.nodeField(id, f));
    const zone = this.x.nodeField(id, 5);
    return {
      id, name: this.nodeName(id), tier: TIERS[field(0)], state: NODE_STATES[field(1)] as NodeState, trust: field(2), reliability: field(3), load: field(4),
      zone: zone < 0 ? undefined : this.labels.get(zone),
    };
  }

  capacity(ref: string | number): Record<Resource, number> { return this.vector(this.node(ref), 0); }
  used(ref: string | number): Record<Resource, number> { return this.vector(this.node(ref), 1); }
  /** What blue-green and live moves off the node still under way hold there (their old instances still run): no placement may take it. */
  held(ref: string | number): Record<Resource, number> { return this.vector(this.node(ref), 2); }
  free(ref: string | number): Record<Resource, number> {
    const capacity = this.capacity(ref), used = this.used(ref), held = this.held(ref);
    return Object.fromEntries(RESOURCES.map((r) => [r, capacity[r] - used[r] - held[r]])) as Record<Resource, number>;
  }

  private vector(id: number, used: number): Record<Resource, number> {
    return Object.fromEntries(RESOURCES.map((r, i) => [r, this.check(this.x.nodeResource(id, i, used))])) as Record<Resource, number>;
  }

  spec(service: ServiceRef, spec: PlacementSpec): void {
    const id = this.kernel.id(service);
    this.check(this.x.placementClear(id)); // a spec replaces the previous one
    this.check(this.x.placementSpec(id, PLACEMENT_CLASSES.indexOf(spec.class), spec.scoring === "spread" ? 1 : 0, spec.maxPerNode ?? 0, spec.spreadZone ? 1 : 0));
    for (const [resource, amount] of Object.entries(spec.request ?? {})) {
      this.check(this.x.placementRequest(id, RESOURCES.indexOf(resource as Resource), BigInt(amount)));
    }
    for (const rule of spec.rules ?? []) this.rule(id, rule);
    const migration = spec.migration ?? { strategy: "rolling" };
    this.check(this.x.placementAssign(id, ASSIGNMENTS.indexOf(spec.assignment ?? "automatic"), MIGRATIONS.indexOf(migration.strategy), migration.batch ?? 1, BigInt(migration.ms ?? 0)));
    for (const node of spec.nodes ?? []) this.check(this.x.placementDirect(id, this.kernel.put(node)));
    const d = spec.deployment;
    if (d) {
      const traits = (d.traits ?? []).reduce((bits, t) => bits | (1 << DEPLOY_TRAITS.indexOf(t)), 0);
      this.check(this.x.placementDeploy(id, DEPLOYMENTS.indexOf(d.model), d.shards ?? 0, d.rebalance ?? 0, d.backups ?? 0, traits));
    }
  }

  private rule(id: number, rule: PlacementRuleSpec): void {
    const action = RULE_ACTIONS.indexOf(rule.action), priority = rule.priority ?? 50;
    if ("label" in rule) {
      const label = this.label(rule.label);
      if (rule.priority === undefined) this.check(this.x.placementRule(id, label, action));
      else this.check(this.x.placementRuleWhen(id, 1, action, priority, label));
    } else if ("tier" in rule) this.check(this.x.placementRuleWhen(id, 0, action, priority, TIERS.indexOf(rule.tier)));
    else if ("loadAbove" in rule) this.check(this.x.placementRuleWhen(id, 2, action, priority, rule.loadAbove));
    else if ("loadBelow" in rule) this.check(this.x.placementRuleWhen(id, 3, action, priority, rule.loadBelow));
    else this.check(this.x.placementRuleWhen(id, 4, action, priority, rule.trustAtLeast));
  }

  /** The spec in force, as the kernel holds it (the deployment `auto` chose, with its rationale). */
  specOf(service: ServiceRef): SpecView {
    const id = this.kernel.id(service);
    const f = (field: number) => this.check(this.x.placementSpecField(id, field));
    return {
      class: PLACEMENT_CLASSES[f(0)], scoring: f(1) ? "spread" : "binpack", maxPerNode: f(2), spreadZone: f(3) === 1, assignment: ASSIGNMENTS[f(4)],
      migration: { strategy: MIGRATIONS[f(5)], batch: f(6), ms: f(7) },
      deployment: { declared: DEPLOYMENTS[f(8)], model: DEPLOYMENTS[f(9)], rationale: DEPLOY_RATIONALES[f(10)], shards: f(11), rebalance: f(12) },
      backups: f(13), conditionRules: f(14),
    };
  }

  /** Backups missing over the placed instances of a service (undefined: every service). */
  backupsMissing(service?: ServiceRef): number {
    return this.check(this.x.placementBackupsMissing(service === undefined ? -1 : this.kernel.id(service)));
  }

  /** Places `count` more instances, all or none (a refusal throws with the kernel's reasons); returns how many the service has. */
  place(service: ServiceRef, count: number): number { return this.check(this.x.placementPlace(this.kernel.id(service), count)); }

  /**
   * Two-phase placement: reserves `count` more instances (all or none, their capacity held) for
   * `ttlMs` of kernel time; returns the reservation id for commit() or release(). An uncommitted
   * reservation expires on the kernel's clock and its instances go.
   */
  reserve(service: ServiceRef, count: number, ttlMs: number): number {
    return this.check(this.x.placementReserve(this.kernel.id(service), count, BigInt(ttlMs)));
  }

  /** Commits a reservation (its instances become ordinary assignments); returns how many. */
  commit(reservation: number): number { return this.check(this.x.placementCommit(reservation)); }

  /** Releases a reservation (its instances go); returns how many. */
  release(reservation: number): number { return this.check(this.x.placementRelease(reservation)); }

  /** A reservation's instance count while pending, undefined once committed, released or expired. */
  reservation(reservation: number): number | undefined {
    const count = this.x.placementReservation(reservation); // -1: not pending (not an error code)
    return count < 0 ? undefined : count;
  }

  /** A manual move of the instance in an assignment slot to a node (refused with the reason when the node cannot take it). */
  move(slot: number, node: string | number): void { this.check(this.x.placementMove(slot, this.node(node))); }

  /** Removes the service's newest `count` instances; returns how many it has left. */
  remove(service: ServiceRef, count: number): number { return this.check(this.x.placementRemove(this.kernel.id(service), count)); }

  /** Instances of a service (undefined: every service) on a node (undefined: waiting for a node). */
  count(service: ServiceRef | undefined, node: string | number | undefined): number {
    return this.check(this.x.placementCount(service === undefined ? -1 : this.kernel.id(service), node === undefined ? -1 : this.node(node)));
  }

  /** Every assignment in slot order. */
  assignments(): Assignment[] {
    const out: Assignment[] = [];
    for (let slot = 0, n = this.x.placementSlots(); slot < n; slot++) {
      const service = this.x.placementSlotService(slot);
      if (service < 0) continue;
      const node = this.check(this.x.placementSlotNode(slot));
      const backups: string[] = [];
      for (let k = 0; k < BACKUPS_PER_SLOT; k++) {
        const backup = this.check(this.x.placementBackup(slot, k));
        if (backup !== WAITING) backups.push(this.nodeName(backup));
      }
      const reserved = this.check(this.x.placementSlotReserved(slot)) === 1;
      out.push({ slot, service: this.kernel.name(service), node: node === WAITING ? undefined : this.nodeName(node), backups, reserved });
    }
    return out;
  }

  /** The last refusal: nodes excluded per reason (resources by name). */
  refusal(): Record<string, number> {
    const reasons = [...REFUSAL_REASONS, ...RESOURCES, ...REFUSAL_REASONS_AFTER];
    return Object.fromEntries(reasons.map((reason, i) => [reason, this.check(this.x.placementRefusal(i))]).filter(([, n]) => (n as number) > 0));
  }

  /** The node table's size in this profile (0: no placement). */
  get nodesMax(): number { return this.x.placementNodes(); }
}
