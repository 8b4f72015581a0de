// The fleet simulator's invariants, recomputed from the kernel's assignments and the simulator's
// own model of the services (never from the kernel's counters):
//   capacity   every node's used vector is the sum of its instances' requests; used plus what
//              blue-green and live moves off it hold (their old instances still run) is within
//              capacity, and every held unit belongs to a move still under way off that node
//   rules      no instance on a node that is not alive/suspect, on a forbidden label, on hyphae
//              unless client, critical only on sclerotia
//   backup     every critical instance has a backup on another sclerotia while one can take it
//   dead       after the first planning round, no instance still runs on a dead node when it
//              has a node to go to
//   placeable  an instance waits for a node only when no node could take it
// test/sim/fleet-sim.test.ts proves they catch real kernel bugs: it builds kernels with a bug
// planted (assembly/features.ts PLANTED_BUG: an off-by-one in the capacity check, a forgotten
// backup) and runs the simulator on them.
import type { Fleet, Plans, Tier, PlacementClass, Assignment } from "../index.ts";

export interface ServiceModel { name: string; class: PlacementClass; request: { cpu: number; memory: number }; maxPerNode: number; forbid?: string }
export interface FleetModel { services: Map<string, ServiceModel>; nodes: Map<string, Tier>; labels: Map<string, Set<string>> }

interface NodeFacts {
  id: number; tier: Tier; state: string; labels: Set<string>; capacity: { cpu: number; memory: number }; used: { cpu: number; memory: number }; held: { cpu: number; memory: number };
}

/** The first broken invariant, or undefined. `which`: "dead" checks only the first-round rule. */
export function checkFleet(fleet: Fleet, plans: Plans, model: FleetModel, which: "dead" | "all"): string | undefined {
  const assignments = fleet.assignments();
  if (which === "dead") return checkDead(fleet, plans, assignments);
  const facts = new Map<string, NodeFacts>();
  for (const name of model.nodes.keys()) {
    const view = fleet.nodeView(name), cap = fleet.capacity(name), used = fleet.used(name), held = fleet.held(name);
    facts.set(name, {
      id: fleet.node(name), held: { cpu: held.cpu, memory: held.memory }, tier: view.tier, state: view.state, labels: model.labels.get(name) ?? new Set(),
      capacity: { cpu: cap.cpu, memory: cap.memory }, used: { cpu: used.cpu, memory: used.memory },
    });
  }
  return checkCapacity(model, facts, assignments) ?? checkHolds(plans, model, facts, assignments) ?? checkRules(model, facts, assignments) ?? checkBackups(model, facts, assignments)
    ?? checkPlaceable(model, facts, assignments) ?? checkDead(fleet, plans, assignments);
}

function checkCapacity(model: FleetModel, facts: Map<string, NodeFacts>, assignments: Assignment[]): string | undefined {
  const sum = new Map<string, { cpu: number; memory: number }>();
  for (const a of assignments) {
    if (a.node === undefined) continue;
    const r = model.services.get(a.service)!.request;
    const u = sum.get(a.node) ?? { cpu: 0, memory: 0 };
    u.cpu += r.cpu; u.memory += r.memory;
    sum.set(a.node, u);
  }
  for (const [node, f] of facts) {
    const u = sum.get(node) ?? { cpu: 0, memory: 0 };
    if (u.cpu !== f.used.cpu || u.memory !== f.used.memory) return `capacity: node ${node} reports used ${JSON.stringify(f.used)}, its instances request ${JSON.stringify(u)}`;
    if (u.cpu + f.held.cpu > f.capacity.cpu || u.memory + f.held.memory > f.capacity.memory) {
      return `capacity: node ${node} is over-committed: ${JSON.stringify(u)} used and ${JSON.stringify(f.held)} held by moves under way, of ${JSON.stringify(f.capacity)}`;
    }
  }
  return undefined;
}

/** Every unit a node holds belongs to a move under way off it: an instance that runs there and is wanted elsewhere. */
function checkHolds(plans: Plans, model: FleetModel, facts: Map<string, NodeFacts>, assignments: Assignment[]): string | undefined {
  const leaving = new Map<number, { cpu: number; memory: number }>();
  for (const a of assignments) {
    const m = plans.move(a.slot);
    if (m.from === undefined || m.from === (a.node === undefined ? undefined : facts.get(a.node)?.id)) continue;
    const r = model.services.get(a.service)!.request, u = leaving.get(m.from) ?? { cpu: 0, memory: 0 };
    u.cpu += r.cpu; u.memory += r.memory;
    leaving.set(m.from, u);
  }
  for (const [node, f] of facts) {
    const most = leaving.get(f.id) ?? { cpu: 0, memory: 0 };
    if (f.held.cpu > most.cpu || f.held.memory > most.memory) return `hold: node ${node} holds ${JSON.stringify(f.held)} for moves off it, more than the ${JSON.stringify(most)} its leaving instances request`;
  }
  return undefined;
}

function checkRules(model: FleetModel, facts: Map<string, NodeFacts>, assignments: Assignment[]): string | undefined {
  const perNode = new Map<string, number>();
  for (const a of assignments) {
    if (a.node === undefined) continue;
    const s = model.services.get(a.service)!, f = facts.get(a.node)!;
    const where = `rules: ${a.service} (slot ${a.slot}) on ${f.state} ${f.tier} ${a.node}`;
    if (f.state !== "alive" && f.state !== "suspect") return where;
    if (f.tier === "hyphae" && s.class !== "client") return `${where}: hyphae host only client services`;
    if (s.class === "critical" && f.tier !== "sclerotia") return `${where}: critical runs only on sclerotia`;
    if (s.forbid && f.labels.has(s.forbid)) return `${where}: it carries the forbidden ${s.forbid}`;
    const key = `${a.service}@${a.node}`;
    perNode.set(key, (perNode.get(key) ?? 0) + 1);
    if (s.maxPerNode > 0 && perNode.get(key)! > s.maxPerNode) return `${where}: more than max-per-node ${s.maxPerNode}`;
  }
  return undefined;
}

/** Could `node` take one more instance of `s` (alive, tier, rule, capacity, max-per-node). */
function fits(s: ServiceModel, f: NodeFacts, count: number): boolean {
  if (f.state !== "alive") return false;
  if (f.tier === "hyphae" && s.class !== "client") return false;
  if (s.class === "critical" && f.tier !== "sclerotia") return false;
  if (s.forbid && f.labels.has(s.forbid)) return false;
  if (s.maxPerNode > 0 && count >= s.maxPerNode) return false;
  return f.used.cpu + f.held.cpu + s.request.cpu <= f.capacity.cpu && f.used.memory + f.held.memory + s.request.memory <= f.capacity.memory;
}

function countOn(assignments: Assignment[], service: string, node: string): number {
  return assignments.filter((a) => a.service === service && a.node === node).length;
}

function checkBackups(model: FleetModel, facts: Map<string, NodeFacts>, assignments: Assignment[]): string | undefined {
  for (const a of assignments) {
    const s = model.services.get(a.service)!;
    if (s.class !== "critical" || a.node === undefined) continue;
    const other = [...facts].filter(([n, f]) => n !== a.node && f.tier === "sclerotia" && f.state === "alive" && fits(s, f, 0));
    if (other.length > 0 && !a.backups.some((b) => b !== a.node && facts.get(b)?.tier === "sclerotia")) {
      return `backup: critical ${a.service} (slot ${a.slot}) on ${a.node} has no backup on another sclerotia while ${other.map(([n]) => n).join(", ")} could stand by`;
    }
  }
  return undefined;
}

function checkPlaceable(model: FleetModel, facts: Map<string, NodeFacts>, assignments: Assignment[]): string | undefined {
  for (const a of assignments) {
    if (a.node !== undefined || a.reserved) continue;
    const s = model.services.get(a.service)!;
    const could = [...facts].find(([n, f]) => fits(s, f, countOn(assignments, a.service, n)));
    if (could) return `placeable: ${a.service} (slot ${a.slot}) waits for a node while ${could[0]} could take it`;
  }
  return undefined;
}

function checkDead(fleet: Fleet, plans: Plans, assignments: Assignment[]): string | undefined {
  for (const a of assignments) {
    if (a.node === undefined) continue;
    const m = plans.move(a.slot);
    if (m.from === undefined || m.state !== "none" || m.from === m.to) continue;
    let state: string;
    try { state = fleet.nodeView(m.from).state; } catch { state = "removed"; }
    if (state === "dead" || state === "removed") return `dead: ${a.service} (slot ${a.slot}) still runs on ${state} node #${m.from} after a planning round, with ${a.node} to go to`;
  }
  return undefined;
}
