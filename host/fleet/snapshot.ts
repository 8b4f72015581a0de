// The fleet as the store has it, for `myco fleet status|nodes` (and the demo): nodes by tier
// with capacity and load, services with desired, assigned and running instances, the leader,
// drains, the moves in progress and the operators' moves. Malformed values are listed with their
// keys, not fatal.
import type { Store } from "./store.ts";
import { Keys, decodeNode, decodeLoad, decodeService, decodeAssign, decodeStatus, decodeMoves, type NodeRecord, type MoveRow } from "./keys.ts";
import { TIERS } from "../kernel/placement.ts";

export interface FleetSnapshot {
  revision: number;
  leader: string | undefined;
  coordinators: string[];
  nodes: (NodeRecord & { name: string; load: number; draining: boolean; instances: string[] })[];
  services: { name: string; class: string; desired: number; assigned: number; running: number; where: string[] }[];
  /** Moves in progress: an instance assigned on two nodes (a make-before-break move: the new copy beside the old). */
  moving: { instance: string; service: string; nodes: string[] }[];
  /** The leader's moves as the kernel planned them (keys.moves): in flight, then recently ended. */
  moves: MoveRow[];
  audit: Record<string, unknown>[];
  problems: string[];
}

export async function readSnapshot(store: Store, keys: Keys): Promise<FleetSnapshot> {
  const { kvs, revision } = await store.range(keys.root);
  const nodes = new Map<string, FleetSnapshot["nodes"][number]>();
  const loads = new Map<string, number>();
  const drains = new Set<string>();
  const services = new Map<string, FleetSnapshot["services"][number]>();
  const assigned: { node: string; instance: string; service: string }[] = [];
  const statuses: { key: string; service: string; state: string }[] = [];
  const candidates: { value: string; rev: number }[] = [];
  const audit: Record<string, unknown>[] = [];
  let moves: MoveRow[] = [];
  const problems: string[] = [];
  for (const kv of kvs) {
    const at = keys.parse(kv.key);
    if (!at) continue;
    try {
      switch (at.kind) {
        case "nodes": nodes.set(at.parts[0], { ...decodeNode(kv.key, kv.value), name: at.parts[0], load: 0, draining: false, instances: [] }); break;
        case "load": loads.set(at.parts[0], decodeLoad(kv.key, kv.value).load); break;
        case "drain": drains.add(at.parts[0]); break;
        case "services": { const s = decodeService(kv.key, kv.value); services.set(s.name, { name: s.name, class: s.placement.class, desired: s.instances, assigned: 0, running: 0, where: [] }); break; }
        case "assign": assigned.push({ node: at.parts[0], instance: at.parts[1], service: decodeAssign(kv.key, kv.value).service }); break;
        case "status": statuses.push({ key: `${at.parts[0]}/${at.parts[1]}`, ...decodeStatus(kv.key, kv.value) }); break;
        case "election": candidates.push({ value: kv.value, rev: kv.createRevision }); break;
        case "audit": audit.push(JSON.parse(kv.value)); break;
        case "moves": moves = decodeMoves(kv.key, kv.value).moves; break;
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const [name, node] of nodes) { node.load = loads.get(name) ?? 0; node.draining = drains.has(name); }
  for (const a of assigned) {
    const s = services.get(a.service);
    if (s) { s.assigned++; s.where.push(`${a.instance}@${a.node}`); }
    nodes.get(a.node)?.instances.push(a.instance);
  }
  // Running: a node reports it running where it is assigned now (a moved copy still stopping does not count).
  const current = new Set(assigned.map((a) => `${a.node}/${a.instance}`));
  for (const st of statuses) { const s = services.get(st.service); if (s && st.state === "running" && current.has(st.key)) s.running++; }
  const byInstance = new Map<string, { instance: string; service: string; nodes: string[] }>();
  for (const a of assigned) {
    const m = byInstance.get(a.instance) ?? byInstance.set(a.instance, { instance: a.instance, service: a.service, nodes: [] }).get(a.instance)!;
    m.nodes.push(a.node);
  }
  candidates.sort((a, b) => a.rev - b.rev);
  const order = (n: NodeRecord & { name: string }) => TIERS.indexOf(n.tier) * 1e6;
  return {
    revision, leader: candidates[0]?.value, coordinators: candidates.map((c) => c.value),
    nodes: [...nodes.values()].sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : 1)),
    services: [...services.values()], moving: [...byInstance.values()].filter((m) => m.nodes.length > 1), moves, audit, problems,
  };
}

export function formatSnapshot(s: FleetSnapshot, what: "status" | "nodes"): string {
  const lines: string[] = [];
  const cap = (c: NodeRecord["capacity"]) => Object.entries(c ?? {}).map(([k, v]) => `${k}=${v}`).join(",") || "-";
  lines.push(`NODE                  TIER        LOAD  CAPACITY                 INSTANCES`);
  for (const n of s.nodes) lines.push(`${(n.name + (n.draining ? " (drain)" : "")).padEnd(22)}${n.tier.padEnd(12)}${`${n.load}%`.padEnd(6)}${cap(n.capacity).padEnd(25)}${n.instances.sort().join(" ") || "-"}`);
  if (what === "nodes") return lines.join("\n");
  lines.push("", `SERVICE         CLASS       DESIRED  ASSIGNED  RUNNING  WHERE`);
  for (const v of s.services) lines.push(`${v.name.padEnd(16)}${v.class.padEnd(12)}${String(v.desired).padEnd(9)}${String(v.assigned).padEnd(10)}${String(v.running).padEnd(9)}${v.where.sort().join(" ") || "-"}`);
  if (s.moving.length) lines.push("", `moves in progress: ${s.moving.map((m) => `${m.instance} on ${m.nodes.sort().join(" and ")}`).join(", ")}`);
  if (s.moves.length) {
    lines.push("", `MOVE            FROM -> TO                            STRATEGY    TRIGGER    STATE    FAILURES`);
    for (const m of s.moves) {
      lines.push(`${`${m.service}#${m.ordinal}`.padEnd(16)}${`${m.from} -> ${m.to}`.padEnd(38)}${m.strategy.padEnd(12)}${m.trigger.padEnd(11)}${m.state.padEnd(9)}${m.failures}`);
    }
  }
  lines.push("", `leader: ${s.leader ?? "none"}; coordinators: ${s.coordinators.join(", ") || "none"}; revision ${s.revision}`);
  for (const p of s.problems) lines.push(`problem: ${p}`);
  return lines.join("\n");
}
