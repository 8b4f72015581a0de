// The coordinator's one use of the kernel's placement (host/kernel/placement.ts, `Fleet`): nodes
// in and out, load, drains, services' specs and counts, and the per-node counts the kernel
// decided. Kept in this one file so a change of the Fleet API touches nothing else. The kernel
// decides where instances go and where a dead or drained node's instances go next; this only
// encodes what the store says and reads back the kernel's assignments.
import { Kernel } from "../kernel/kernel.ts";
import type { Profile } from "../kernel/module.ts";
import { RealHal } from "../hal/real.ts";
import { Fleet, type NodeSpec, type PlacementSpec } from "../kernel/placement.ts";
import { MycoError } from "../kernel/errors.ts";

export type Counts = Map<string, Map<string, number>>;

export class Placement {
  readonly kernel: Kernel;
  readonly fleet: Fleet;
  private readonly nodes = new Map<string, { draining: boolean }>();
  private readonly specs = new Map<string, { json: string; instances: number }>();
  /** The last refusal per service that could not get all its instances. */
  readonly refused = new Map<string, string>();

  constructor(profile: Profile = "bench") {
    this.kernel = new Kernel({ hal: new RealHal(), profile });
    this.fleet = new Fleet(this.kernel);
  }

  hasNode(name: string): boolean { return this.nodes.has(name); }
  nodeNames(): string[] { return [...this.nodes.keys()]; }

  addNode(name: string, spec: NodeSpec): void {
    if (this.nodes.has(name)) return;
    this.fleet.addNode(name, spec);
    this.nodes.set(name, { draining: false });
    this.fill();
  }

  /** The node is gone: the kernel re-places its instances (some may wait for room). */
  removeNode(name: string): void {
    if (!this.nodes.delete(name)) return;
    this.fleet.removeNode(name);
    this.fill();
  }

  setLoad(name: string, percent: number): void { if (this.nodes.has(name)) this.fleet.setLoad(name, percent); }

  /** Draining: the kernel moves the node's instances elsewhere and places nothing new on it. */
  setDraining(name: string, draining: boolean): void {
    const node = this.nodes.get(name);
    if (!node || node.draining === draining) return;
    node.draining = draining;
    this.fleet.setState(name, draining ? "draining" : "alive");
    this.fill();
  }

  isDraining(name: string): boolean { return this.nodes.get(name)?.draining ?? false; }

  /** A service's spec and instance count: new, changed count (more placed, newest removed), or a new spec (placed anew). */
  setService(name: string, instances: number, placement: PlacementSpec): void {
    const json = JSON.stringify(placement);
    const old = this.specs.get(name);
    if (old && old.json !== json) this.removeService(name);
    if (!this.specs.has(name)) {
      this.kernel.register(name);
      this.fleet.spec(name, placement);
    }
    this.specs.set(name, { json, instances });
    const have = this.fleet.count(name, undefined) + this.placedCount(name);
    if (have > instances) this.fleet.remove(name, have - instances);
    this.fill();
  }

  removeService(name: string): void {
    if (!this.specs.delete(name)) return;
    this.kernel.unregister(name);
    this.refused.delete(name);
  }

  /**
   * Puts `count` instances of a service on one node (a new leader restoring what is assigned, an
   * operator's move): the other nodes take nothing new meanwhile. Returns how many it placed.
   */
  pin(service: string, node: string, count: number): number {
    if (!this.specs.has(service) || !this.nodes.has(node) || this.isDraining(node) || count <= 0) return 0;
    const others = [...this.nodes].filter(([name, n]) => name !== node && !n.draining).map(([name]) => name);
    for (const other of others) this.fleet.setState(other, "suspect");
    let placed = 0;
    try {
      for (; placed < count; placed++) this.fleet.place(service, 1);
    } catch (error) {
      if (!(error instanceof MycoError)) throw error;
    } finally {
      for (const other of others) this.fleet.setState(other, "alive");
    }
    return placed;
  }

  /** Moves one instance of the service to the node (the kernel's newest goes); false when the node cannot take it. */
  move(service: string, node: string): boolean {
    if (!this.specs.has(service) || this.placedCount(service) === 0) return false;
    this.fleet.remove(service, 1);
    if (this.pin(service, node, 1) === 1) return true;
    this.fill();
    return false;
  }

  /** Places what each service still lacks, as far as the nodes allow (the kernel places all or none per call). */
  fill(): void {
    for (const [name, { instances }] of this.specs) {
      let missing = instances - this.placedCount(name) - this.fleet.count(name, undefined);
      if (missing <= 0) continue;
      try {
        this.fleet.place(name, missing);
        this.refused.delete(name);
      } catch (error) {
        if (!(error instanceof MycoError)) throw error;
        this.refused.set(name, error.message);
        try {
          for (; missing > 0; missing--) this.fleet.place(name, 1); // as many as fit
        } catch { /* the rest waits for a node */ }
      }
    }
  }

  private placedCount(service: string): number {
    let n = 0;
    for (const a of this.fleet.assignments()) if (a.service === service && a.node !== undefined) n++;
    return n;
  }

  /** Instances per service per node, as the kernel has them (waiting ones left out). */
  counts(): Counts {
    const out: Counts = new Map();
    for (const a of this.fleet.assignments()) {
      if (a.node === undefined) continue;
      const perNode = out.get(a.service) ?? new Map<string, number>();
      perNode.set(a.node, (perNode.get(a.node) ?? 0) + 1);
      out.set(a.service, perNode);
    }
    return out;
  }

  /** Instances the kernel holds but could not place, per service. */
  waiting(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [name, { instances }] of this.specs) {
      const placed = this.placedCount(name);
      if (placed < instances) out.set(name, instances - placed);
    }
    return out;
  }
}
