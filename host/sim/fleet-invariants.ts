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
// One check reads the kernel once (fleet-snapshot.ts: every used slot's service, node, backups
// and move, every node's state and vectors, into flat arrays) and recomputes each invariant
// from that in one pass or with per-service tables, so checking after every step costs about
// what the kernel holds, not its square.
// test/sim/fleet-sim.test.ts proves they catch real kernel bugs: it builds kernels with a bug
// planted (assembly/features.ts PLANTED_BUG: an off-by-one in the capacity check, a forgotten
// backup) and runs the simulator on them.
import type { Fleet, Plans } from "../index.ts";
import { readFleet, readMoves, NO_NODE, type FleetSnapshot, type NodeFacts } from "./fleet-snapshot.ts";
import type { FleetModel, ServiceModel } from "./fleet-model.ts";

/** The first broken invariant, or undefined. `which`: "dead" checks only the first-round rule. */
export function checkFleet(fleet: Fleet, plans: Plans, model: FleetModel, which: "dead" | "all"): string | undefined {
  const s = readFleet(fleet, model, which === "all");
  readMoves(fleet.kernel, s);
  if (which === "dead") return checkDead(fleet, s);
  return checkCapacity(s) ?? checkHolds(s) ?? checkRules(s) ?? checkBackups(s) ?? checkPlaceable(s, plans) ?? checkDead(fleet, s);
}

const json = (cpu: number, memory: number): string => JSON.stringify({ cpu, memory });

function checkCapacity(s: FleetSnapshot): string | undefined {
  const sum = new Map<number, { cpu: number; memory: number }>();
  for (const slot of s.slots) {
    const node = s.node[slot];
    if (node === NO_NODE) continue;
    const r = s.model[slot].request;
    const u = sum.get(node) ?? { cpu: 0, memory: 0 };
    u.cpu += r.cpu; u.memory += r.memory;
    sum.set(node, u);
  }
  for (const f of s.facts) {
    const u = sum.get(f.id) ?? { cpu: 0, memory: 0 };
    if (u.cpu !== f.used.cpu || u.memory !== f.used.memory) return `capacity: node ${f.name} reports used ${json(f.used.cpu, f.used.memory)}, its instances request ${json(u.cpu, u.memory)}`;
    if (u.cpu + f.held.cpu > f.capacity.cpu || u.memory + f.held.memory > f.capacity.memory) {
      return `capacity: node ${f.name} is over-committed: ${json(u.cpu, u.memory)} used and ${json(f.held.cpu, f.held.memory)} held by moves under way, of ${json(f.capacity.cpu, f.capacity.memory)}`;
    }
  }
  return undefined;
}

/** Every unit a node holds belongs to a move under way off it: an instance that runs there and is wanted elsewhere. */
function checkHolds(s: FleetSnapshot): string | undefined {
  const leaving = new Map<number, { cpu: number; memory: number }>();
  for (const slot of s.slots) {
    const from = s.moveFrom[slot];
    if (from === NO_NODE || from === s.node[slot]) continue;
    const r = s.model[slot].request, u = leaving.get(from) ?? { cpu: 0, memory: 0 };
    u.cpu += r.cpu; u.memory += r.memory;
    leaving.set(from, u);
  }
  for (const f of s.facts) {
    const most = leaving.get(f.id) ?? { cpu: 0, memory: 0 };
    if (f.held.cpu > most.cpu || f.held.memory > most.memory) return `hold: node ${f.name} holds ${json(f.held.cpu, f.held.memory)} for moves off it, more than the ${json(most.cpu, most.memory)} its leaving instances request`;
  }
  return undefined;
}

function checkRules(s: FleetSnapshot): string | undefined {
  for (const slot of s.slots) {
    const node = s.node[slot];
    if (node === NO_NODE) continue;
    const m = s.model[slot], f = s.byId.get(node);
    if (!f) return `rules: ${m.name} (slot ${slot}) on node #${node}, which the simulator does not know`;
    const where = `rules: ${m.name} (slot ${slot}) on ${f.state} ${f.tier} ${f.name}`;
    if (f.state !== "alive" && f.state !== "suspect") return where;
    if (f.tier === "hyphae" && m.class !== "client") return `${where}: hyphae host only client services`;
    if (m.class === "critical" && f.tier !== "sclerotia") return `${where}: critical runs only on sclerotia`;
    if (m.forbid && f.labels.has(m.forbid)) return `${where}: it carries the forbidden ${m.forbid}`;
    if (m.maxPerNode > 0 && s.countOn(m.name, node) > m.maxPerNode) return `${where}: more than max-per-node ${m.maxPerNode}`;
  }
  return undefined;
}

/** Could a node take one more instance of `s` (alive, tier, rule, capacity, max-per-node) with `count` of them on it. */
function fits(s: ServiceModel, f: NodeFacts, count: number): boolean {
  if (f.state !== "alive") return false;
  if (f.tier === "hyphae" && s.class !== "client") return false;
  if (s.class === "critical" && f.tier !== "sclerotia") return false;
  if (s.forbid && f.labels.has(s.forbid)) return false;
  if (s.maxPerNode > 0 && count >= s.maxPerNode) return false;
  return f.used.cpu + f.held.cpu + s.request.cpu <= f.capacity.cpu && f.used.memory + f.held.memory + s.request.memory <= f.capacity.memory;
}

function checkBackups(s: FleetSnapshot): string | undefined {
  const standbys = new Map<string, NodeFacts[]>(); // per critical service: the sclerotia that could stand by for one of its instances
  for (const slot of s.slots) {
    const m = s.model[slot], node = s.node[slot];
    if (m.class !== "critical" || node === NO_NODE) continue;
    let could = standbys.get(m.name);
    if (!could) standbys.set(m.name, could = s.facts.filter((f) => f.tier === "sclerotia" && f.state === "alive" && fits(m, f, 0)));
    const other = could.filter((f) => f.id !== node);
    if (other.length === 0) continue;
    let backed = false;
    for (let k = 0; k < s.backupsPerSlot; k++) {
      const b = s.backups[slot * s.backupsPerSlot + k];
      if (b !== NO_NODE && b !== node && s.byId.get(b)?.tier === "sclerotia") backed = true;
    }
    if (!backed) {
      return `backup: critical ${m.name} (slot ${slot}) on ${s.nameOf(node)} has no backup on another sclerotia while ${other.map((f) => f.name).join(", ")} could stand by`;
    }
  }
  return undefined;
}

/** A waiting instance has no node that could take it, except the targets the kernel excluded for it after failed moves. */
function checkPlaceable(s: FleetSnapshot, plans: Plans): string | undefined {
  for (const slot of s.slots) {
    if (s.node[slot] !== NO_NODE || s.reserved[slot]) continue;
    const m = s.model[slot];
    const excluded = plans.move(slot).excludedNodes;
    const could = s.facts.find((f) => !excluded.includes(f.id) && fits(m, f, s.countOn(m.name, f.id)));
    if (could) return `placeable: ${m.name} (slot ${slot}) waits for a node while ${could.name} could take it`;
  }
  return undefined;
}

function checkDead(fleet: Fleet, s: FleetSnapshot): string | undefined {
  for (const slot of s.slots) {
    const node = s.node[slot], from = s.moveFrom[slot];
    if (node === NO_NODE || from === NO_NODE || !s.moveIdle[slot] || from === node) continue; // an idle move's target is the slot's node
    const state = s.stateOf(from);
    if (state === "dead" || state === "removed") return `dead: ${s.model[slot].name} (slot ${slot}) still runs on ${state} node #${from} after a planning round, with ${fleet.nodeName(node)} to go to`;
  }
  return undefined;
}
