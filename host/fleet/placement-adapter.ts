// The coordinator's one use of the kernel's placement (host/kernel/placement.ts, `Fleet`): nodes
// in and out, load, drains, services' specs and counts, and the per-node counts the kernel
// decided. Kept in this one file so a change of the Fleet API touches nothing else. The kernel
// decides where instances go and where a dead or drained node's instances go next (its plans of
// moves, executed by plan-executor.ts); this only encodes what the store says.
import { Kernel } from "../kernel/kernel.ts";
import type { Profile } from "../kernel/module.ts";
import { RealHal } from "../hal/real.ts";
import { Fleet, type NodeSpec, type PlacementSpec } from "../kernel/placement.ts";
import { MycoError } from "../kernel/errors.ts";
import { Plans } from "../kernel/plans.ts";

export class Placement {
  readonly kernel: Kernel;
  readonly fleet: Fleet;
  /** The kernel's plans of moves: drains, deaths and operators' moves come out of its rounds (plan-executor.ts). */
  readonly plans: Plans;
  private readonly nodes = new Map<string, { draining: boolean }>();
  private readonly specs = new Map<string, { json: string; instances: number }>();
  /** The last refusal per service that could not get all its instances. */
  readonly refused = new Map<string, string>();

  constructor(profile: Profile = "bench") {
    this.kernel = new Kernel({ hal: new RealHal(), profile });
    this.fleet = new Fleet(this.kernel);
    this.plans = new Plans(this.kernel, this.fleet);
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

  /**
   * An operator's move, through the kernel's manual-move plan (audited there as a `plan` event,
   * trigger manual): the service's first instance not on the node and not moving already. The
   * kernel refuses (with its reasons) when the node cannot take it; the move itself comes out of
   * the next planning round. Returns the slot.
   */
  requestMove(service: string, node: string, requester: number, reason: number): number {
    if (!this.specs.has(service)) throw new Error(`service '${service}' is not in the fleet`);
    if (!this.nodes.has(node)) throw new Error(`node '${node}' is not in the fleet`);
    const target = this.fleet.node(node);
    const slot = this.fleet.assignments().find((a) => a.service === service && a.node !== undefined && a.node !== node && this.plans.move(a.slot).state === "none")?.slot;
    if (slot === undefined) throw new Error(`service '${service}' has no placed instance off ${node} that is not moving already`);
    this.plans.request(slot, target, requester, reason);
    return slot;
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
