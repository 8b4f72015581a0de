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

export interface PlacementSpec {
  class: PlacementClass;
  scoring?: "binpack" | "spread";
  maxPerNode?: number;
  spreadZone?: boolean;
  request?: ResourceVector;
  rules?: { label: string; action: RuleAction }[];
}

/** The node of an assignment waiting for a node. */
const WAITING = 0xffff;

export interface NodeView { id: number; name: string; tier: Tier; state: NodeState; trust: number; reliability: number; load: number; zone: string | undefined }

export interface Assignment { slot: number; service: string; node: string | undefined }

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
  free(ref: string | number): Record<Resource, number> {
    const capacity = this.capacity(ref), used = this.used(ref);
    return Object.fromEntries(RESOURCES.map((r) => [r, capacity[r] - used[r]])) as Record<Resource, number>;
  }

  private vector(id: number, used: number): Record<Resource, number> {
    return Object.fromEntries(RESOURCES.map((r, i) => [r, this.check(this.x.nodeResource(id, i, used))])) as Record<Resource, number>;
  }

  spec(service: ServiceRef, spec: PlacementSpec): void {
    const id = this.kernel.id(service);
    this.check(this.x.placementSpec(id, PLACEMENT_CLASSES.indexOf(spec.class), spec.scoring === "spread" ? 1 : 0, spec.maxPerNode ?? 0, spec.spreadZone ? 1 : 0));
    for (const [resource, amount] of Object.entries(spec.request ?? {})) {
      this.check(this.x.placementRequest(id, RESOURCES.indexOf(resource as Resource), BigInt(amount)));
    }
    for (const rule of spec.rules ?? []) this.check(this.x.placementRule(id, this.label(rule.label), RULE_ACTIONS.indexOf(rule.action)));
  }

  /** Places `count` more instances, all or none (a refusal throws with the kernel's reasons); returns how many the service has. */
  place(service: ServiceRef, count: number): number { return this.check(this.x.placementPlace(this.kernel.id(service), count)); }

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
      out.push({ slot, service: this.kernel.name(service), node: node === WAITING ? undefined : this.nodeName(node) });
    }
    return out;
  }

  /** The last refusal: nodes excluded per reason (resources by name). */
  refusal(): Record<string, number> {
    const reasons = [...REFUSAL_REASONS, ...RESOURCES];
    return Object.fromEntries(reasons.map((reason, i) => [reason, this.check(this.x.placementRefusal(i))]).filter(([, n]) => (n as number) > 0));
  }

  /** The node table's size in this profile (0: no placement). */
  get nodesMax(): number { return this.x.placementNodes(); }
}
