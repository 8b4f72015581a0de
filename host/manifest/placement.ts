// The `placement:` section of a service in services.yaml (issue 13): the fleet placement spec,
// read with file:line:col errors, normalized (every field explicit, so equal specs are equal
// JSON), and encoded as the PLACEMENT record (tag 0x84; assembly/manifest/sections/placement.ts
// has the layout and the kernel's checks, docs/manifest-format.md the YAML).
import type { LNode } from "./tree.ts";
import { describe } from "./tree.ts";
import { parseSize } from "./values.ts";
import { Context, asMap, checkKeys, scalar, optNumber, optDuration, optEnum, items, readName, TIMEOUT_MS_MAX, type MapNode } from "./fields.ts";
import { PLACEMENT_CLASSES, TIERS, RESOURCES, RULE_ACTIONS, type PlacementClass, type Resource, type RuleAction, type PlacementSpec, type PlacementRuleSpec, type Tier } from "../kernel/placement.ts";

export const PLACEMENT_KEYS = ["class", "assignment", "nodes", "migration", "requests", "rules", "max-per-node", "spread", "scoring", "deployment"];
export const MIGRATION_KEYS = ["strategy", "batch", "interval", "health-gate", "downtime"];
export const DEPLOYMENT_KEYS = ["model", "shards", "rebalance", "backups", "traits"];
export const RULE_KEYS = ["tier", "label", "zone", "load-above", "load-below", "trust-at-least", "action", "priority"];
export const ASSIGNMENTS = ["automatic", "rules", "direct"] as const;
export const MIGRATIONS = ["blue-green", "rolling", "live"] as const;
export const DEPLOYMENTS = ["standard", "native", "replicated", "auto"] as const;
export const CONDITIONS = ["tier", "label", "load-above", "load-below", "trust-at-least"] as const;
/** What `deployment: auto` reads (bit 1, 2, 4 in the kernel). */
export const TRAITS = ["own-consensus", "needs-ha", "needs-os"] as const;
/** The units of a request: memory and storage in MiB (a size is rounded up), bandwidth in kbit/s. */
const MIB = new Set<Resource>(["memory", "storage", "scratch"]);
const U32 = 0xffffffff;
/** The kernel's per-service limits (assembly/placement/tables.ts): rules beyond the label sets, direct nodes, backups. */
export const RULES_MAX = 8;
export const DIRECT_MAX = 4;
export const BACKUPS_MAX = 3;

export interface PlacementRule {
  condition: (typeof CONDITIONS)[number];
  /** tier: a tier name; label: `key=value` (a zone rule is its `zone=` label); load and trust: a percent. */
  value: string | number;
  action: RuleAction;
  priority: number;
}

export interface PlacementSection {
  class: PlacementClass;
  assignment: (typeof ASSIGNMENTS)[number];
  /** Direct assignment: the primary, then the backups in order. */
  nodes: string[];
  /** ms: blue-green's health gate, rolling's interval, live's downtime tolerance. */
  migration: { strategy: (typeof MIGRATIONS)[number]; batch: number; ms: number };
  requests: Partial<Record<Resource, number>>;
  rules: PlacementRule[];
  maxPerNode: number;
  spread: "none" | "zone";
  scoring: "binpack" | "spread";
  deployment: { model: (typeof DEPLOYMENTS)[number]; shards: number; rebalance: number; backups: number; traits: (typeof TRAITS)[number][] };
}

const get = (map: MapNode | null, key: string): LNode | undefined => map?.entries.get(key)?.value;

function readRequests(node: LNode | undefined, ctx: Context): PlacementSection["requests"] {
  const map = node && asMap(node, "placement.requests", ctx);
  if (!map) return {};
  checkKeys(map, [...RESOURCES], "placement.requests", ctx);
  const out: PlacementSection["requests"] = {};
  for (const [key, { value }] of map.entries) {
    const resource = key as Resource;
    if (!RESOURCES.includes(resource)) continue;
    const field = `placement.requests.${key}`;
    const size = MIB.has(resource) && typeof scalar(value) === "string" ? parseSize(scalar(value)) : undefined;
    const amount = size !== undefined ? Math.ceil(size / 2 ** 20) : optNumber(value, field, 0, U32, ctx, undefined, MIB.has(resource) ? "MiB or a size (e.g. 512MiB)" : "");
    if (amount !== undefined && amount > U32) ctx.error(value.loc, field, `${amount} MiB is out of range 0..${U32}`);
    else if (amount !== undefined) out[resource] = amount;
  }
  return out;
}

function readRule(node: LNode, k: number, ctx: Context): PlacementRule | undefined {
  const field = `placement.rules[${k}]`;
  const map = asMap(node, field, ctx);
  if (!map) return undefined;
  checkKeys(map, RULE_KEYS, field, ctx);
  const given = RULE_KEYS.slice(0, 6).filter((key) => map.entries.has(key));
  if (given.length !== 1) { ctx.error(map.loc, field, `a rule needs exactly one condition (tier, label, zone, load-above, load-below, trust-at-least); got ${given.length ? given.join(", ") : "none"}`); return undefined; }
  const action = optEnum(get(map, "action"), `${field}.action`, RULE_ACTIONS, ctx);
  if (!get(map, "action")) ctx.error(map.loc, `${field}.action`, "a rule needs an action (require, forbid, prefer, avoid)");
  const priority = optNumber(get(map, "priority"), `${field}.priority`, 0, 100, ctx) ?? 50;
  const key = given[0];
  const at = get(map, key)!;
  let rule: Omit<PlacementRule, "action" | "priority"> | undefined;
  if (key === "tier") { const tier = optEnum(at, `${field}.tier`, TIERS, ctx); if (tier) rule = { condition: "tier", value: tier }; }
  else if (key === "label" || key === "zone") {
    const text = scalar(at);
    const label = key === "zone" ? `zone=${String(text)}` : String(text);
    if (typeof text !== "string" || !/^[^=]+=.+$/.test(label) || label.length > 32) ctx.error(at.loc, `${field}.${key}`, `expected ${key === "zone" ? "a zone name" : "a key=value label"} (1..32 bytes in all), got ${describe(at)}`);
    else rule = { condition: "label", value: label };
  } else { const percent = optNumber(at, `${field}.${key}`, 0, 100, ctx); if (percent !== undefined) rule = { condition: key as PlacementRule["condition"], value: percent }; }
  return rule && action ? { ...rule, action, priority } : undefined;
}

function readMigration(node: LNode | undefined, ctx: Context): PlacementSection["migration"] {
  const fallback: PlacementSection["migration"] = { strategy: "rolling", batch: 1, ms: 0 };
  const map = node && asMap(node, "placement.migration", ctx);
  if (!map) return fallback;
  checkKeys(map, MIGRATION_KEYS, "placement.migration", ctx);
  const strategy = optEnum(get(map, "strategy"), "placement.migration.strategy", MIGRATIONS, ctx) ?? "rolling";
  const durationKey = strategy === "blue-green" ? "health-gate" : strategy === "rolling" ? "interval" : "downtime";
  for (const key of ["interval", "health-gate", "downtime"]) {
    if (key !== durationKey && map.entries.has(key)) ctx.error(map.entries.get(key)!.keyLoc, `placement.migration.${key}`, `'${key}' is not a setting of ${strategy} (it takes ${durationKey})`);
  }
  if (strategy !== "rolling" && map.entries.has("batch")) ctx.error(map.entries.get("batch")!.keyLoc, "placement.migration.batch", `'batch' is a setting of rolling, not ${strategy}`);
  return {
    strategy,
    batch: optNumber(get(map, "batch"), "placement.migration.batch", 1, 65535, ctx) ?? 1,
    ms: optDuration(get(map, durationKey), `placement.migration.${durationKey}`, TIMEOUT_MS_MAX, ctx) ?? 0,
  };
}

function readDeployment(node: LNode | undefined, ctx: Context): PlacementSection["deployment"] {
  const out: PlacementSection["deployment"] = { model: "standard", shards: 0, rebalance: 0, backups: 0, traits: [] };
  if (!node) return out;
  if (node.kind === "scalar") { out.model = optEnum(node, "placement.deployment", DEPLOYMENTS, ctx) ?? "standard"; return check(out, node, ctx); }
  const map = asMap(node, "placement.deployment", ctx);
  if (!map) return out;
  checkKeys(map, DEPLOYMENT_KEYS, "placement.deployment", ctx);
  out.model = optEnum(get(map, "model"), "placement.deployment.model", DEPLOYMENTS, ctx) ?? "standard";
  out.shards = optNumber(get(map, "shards"), "placement.deployment.shards", 1, 65535, ctx) ?? 0;
  out.rebalance = optNumber(get(map, "rebalance"), "placement.deployment.rebalance", 1, 65535, ctx) ?? 0;
  out.backups = optNumber(get(map, "backups"), "placement.deployment.backups", 0, BACKUPS_MAX, ctx) ?? 0;
  const traits = get(map, "traits");
  if (traits) out.traits = items(traits, "placement.deployment.traits", ctx).flatMap((t) => optEnum(t, "placement.deployment.traits", TRAITS, ctx) ?? []).sort();
  for (const [key, model] of [["shards", "native"], ["rebalance", "native"], ["backups", "replicated"], ["traits", "auto"]] as const) {
    if (map.entries.has(key) && out.model !== model && out.model !== "auto") ctx.error(map.entries.get(key)!.keyLoc, `placement.deployment.${key}`, `'${key}' is a setting of ${model} (or auto), not ${out.model}`);
  }
  return check(out, map, ctx);
}

function check(out: PlacementSection["deployment"], node: LNode, ctx: Context): PlacementSection["deployment"] {
  if (out.model === "native" && (out.shards < 1 || out.rebalance < 1)) ctx.error(node.loc, "placement.deployment", "native needs shards (how many) and rebalance (shards moved per step at most)");
  return out;
}

export function readPlacement(node: LNode | undefined, ctx: Context): PlacementSection | undefined {
  const map = node && asMap(node, "placement", ctx);
  if (!map) return undefined;
  checkKeys(map, PLACEMENT_KEYS, "placement", ctx);
  const assignment = optEnum(get(map, "assignment"), "placement.assignment", ASSIGNMENTS, ctx) ?? "automatic";
  const nodesNode = get(map, "nodes");
  const nodes = nodesNode ? items(nodesNode, "placement.nodes", ctx).flatMap((n) => readName(n, "placement.nodes", ctx) ?? []) : [];
  if (nodesNode && assignment !== "direct") ctx.error(nodesNode.loc, "placement.nodes", `nodes are named only by a direct assignment (this one is ${assignment})`);
  if (assignment === "direct" && nodes.length === 0) ctx.error(get(map, "assignment")!.loc, "placement.assignment", "direct needs nodes: the primary, then the backups in order");
  if (nodes.length > DIRECT_MAX) ctx.error(nodesNode!.loc, "placement.nodes", `${nodes.length} nodes; at most ${DIRECT_MAX} (a primary and its backups)`);
  if (new Set(nodes).size !== nodes.length) ctx.error(nodesNode!.loc, "placement.nodes", "a node is named twice");
  const rulesNode = get(map, "rules");
  const rules = rulesNode ? items(rulesNode, "placement.rules", ctx).flatMap((r, k) => readRule(r, k, ctx) ?? []) : [];
  const listed = rules.filter((r) => r.condition !== "label" || r.action === "prefer" || r.action === "avoid").length;
  if (listed > RULES_MAX) ctx.error(rulesNode!.loc, "placement.rules", `${listed} tier, load, trust or weighted label rules; at most ${RULES_MAX}`);
  for (const rule of rules) {
    const other = rule.action === "require" ? "forbid" : rule.action === "forbid" ? "require" : undefined;
    if (other && rules.some((r) => r.condition === "label" && rule.condition === "label" && r.value === rule.value && r.action === other)) {
      ctx.error(rulesNode!.loc, "placement.rules", `label '${rule.value}' is both required and forbidden`);
      break;
    }
  }
  const spread = get(map, "spread");
  return {
    class: optEnum(get(map, "class"), "placement.class", PLACEMENT_CLASSES, ctx) ?? "client",
    assignment, nodes,
    migration: readMigration(get(map, "migration"), ctx),
    requests: readRequests(get(map, "requests"), ctx),
    rules,
    maxPerNode: optNumber(get(map, "max-per-node"), "placement.max-per-node", 0, 65535, ctx) ?? 0,
    spread: spread ? (optEnum(spread, "placement.spread", ["none", "zone"] as const, ctx) ?? "none") : "none",
    scoring: optEnum(get(map, "scoring"), "placement.scoring", ["binpack", "spread"] as const, ctx) ?? "binpack",
    deployment: readDeployment(get(map, "deployment"), ctx),
  };
}

// ---- the PLACEMENT record ----

type Out = { u8(v: number): Out; u16(v: number): Out; u32(v: number): Out; raw(b: Uint8Array): Out };
type In = { u8(): number; u16(): number; u32(): number; raw(n: number): Uint8Array };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function writePlacement(w: Out, p: PlacementSection): void {
  w.u8(PLACEMENT_CLASSES.indexOf(p.class)).u8(p.scoring === "spread" ? 1 : 0).u16(p.maxPerNode).u8(p.spread === "zone" ? 1 : 0)
    .u8(ASSIGNMENTS.indexOf(p.assignment)).u8(MIGRATIONS.indexOf(p.migration.strategy)).u16(p.migration.batch).u32(p.migration.ms)
    .u8(DEPLOYMENTS.indexOf(p.deployment.model)).u16(p.deployment.shards).u16(p.deployment.rebalance).u8(p.deployment.backups)
    .u8(p.deployment.traits.reduce((bits, t) => bits | (1 << TRAITS.indexOf(t)), 0));
  const requests = RESOURCES.filter((r) => p.requests[r] !== undefined);
  w.u8(requests.length);
  for (const r of requests) w.u8(RESOURCES.indexOf(r)).u32(p.requests[r]!);
  w.u8(p.rules.length);
  for (const rule of p.rules) {
    const text = rule.condition === "label" ? encoder.encode(String(rule.value)) : new Uint8Array(0);
    const value = rule.condition === "tier" ? TIERS.indexOf(rule.value as (typeof TIERS)[number]) : rule.condition === "label" ? 0 : Number(rule.value);
    w.u8(CONDITIONS.indexOf(rule.condition)).u8(RULE_ACTIONS.indexOf(rule.action)).u8(rule.priority).u8(value).u8(text.length).raw(text);
  }
  w.u8(p.nodes.length);
  for (const name of p.nodes) { const b = encoder.encode(name); w.u8(b.length).raw(b); }
}

export function readPlacementRecord(r: In): PlacementSection {
  const cls = r.u8(), scoring = r.u8(), maxPerNode = r.u16(), spread = r.u8(), assignment = r.u8(), strategy = r.u8(), batch = r.u16(), ms = r.u32();
  const model = r.u8(), shards = r.u16(), rebalance = r.u16(), backups = r.u8(), traitBits = r.u8();
  const requests: PlacementSection["requests"] = {};
  for (let n = r.u8(); n > 0; n--) { const resource = RESOURCES[r.u8()]; requests[resource] = r.u32(); }
  const rules: PlacementRule[] = [];
  for (let n = r.u8(); n > 0; n--) {
    const condition = CONDITIONS[r.u8()], action = RULE_ACTIONS[r.u8()], priority = r.u8(), value = r.u8(), text = decoder.decode(r.raw(r.u8()));
    rules.push({ condition, action, priority, value: condition === "tier" ? TIERS[value] : condition === "label" ? text : value });
  }
  const nodes: string[] = [];
  for (let n = r.u8(); n > 0; n--) nodes.push(decoder.decode(r.raw(r.u8())));
  return {
    class: PLACEMENT_CLASSES[cls], assignment: ASSIGNMENTS[assignment], nodes, migration: { strategy: MIGRATIONS[strategy], batch, ms },
    requests, rules, maxPerNode, spread: spread ? "zone" : "none", scoring: scoring ? "spread" : "binpack",
    deployment: { model: DEPLOYMENTS[model], shards, rebalance, backups, traits: TRAITS.filter((_, i) => traitBits & (1 << i)) },
  };
}

/** The section as the typed Fleet view takes it (a fleet coordinator places with it). */
export function fleetSpecOf(p: PlacementSection): PlacementSpec {
  const rules = p.rules.map((rule): PlacementRuleSpec => {
    const head = { action: rule.action, priority: rule.priority };
    switch (rule.condition) {
      case "tier": return { ...head, tier: rule.value as Tier };
      case "label": return { ...head, label: String(rule.value) };
      case "load-above": return { ...head, loadAbove: Number(rule.value) };
      case "load-below": return { ...head, loadBelow: Number(rule.value) };
      default: return { ...head, trustAtLeast: Number(rule.value) };
    }
  });
  return {
    class: p.class, scoring: p.scoring, maxPerNode: p.maxPerNode, spreadZone: p.spread === "zone", request: p.requests, rules,
    assignment: p.assignment, nodes: p.nodes, migration: p.migration, deployment: p.deployment,
  };
}
