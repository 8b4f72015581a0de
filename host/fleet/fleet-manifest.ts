// A services.yaml for a fleet: the same manifest `myco run` takes, where each service may also
// have a `placement:` section (class, request, max-per-node, scoring, spread-zone, rules). The
// rest of each service is checked by the same parser as `myco run` (without `placement:`, and
// with `instances:` counted fleet-wide rather than by one node's table), then
// each service becomes the record the coordinator places and the agents run.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { parseHostManifest } from "../supervisor/host-manifest.ts";
import { formatDiagnostic } from "../manifest/diagnostics.ts";
import { PLACEMENT_CLASSES, RESOURCES, RULE_ACTIONS, type PlacementSpec, type ResourceVector } from "../kernel/placement.ts";
import { NAME, type ServiceRecord } from "./keys.ts";

export class FleetManifestError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.join("\n")}`);
  }
}

/** Instances of one service across the fleet (each node's kernel runs its own share). */
export const MAX_INSTANCES = 10_000;

const PLACEMENT_KEYS = ["class", "request", "max-per-node", "scoring", "spread-zone", "rules"];

export function loadFleetManifest(file: string): ServiceRecord[] {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new FleetManifestError(file, [`cannot read it: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const services = (doc?.services ?? {}) as Record<string, Record<string, unknown>>;
  const placements = new Map<string, PlacementSpec>();
  const counts = new Map<string, number>();
  const stripped: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(services)) {
    if (!NAME.test(name)) problems.push(`${file}: service '${name}': a fleet service name is 1..26 of [A-Za-z0-9._-] (its instances are named NAME-N)`);
    const { placement, instances, ...rest } = service ?? {};
    stripped[name] = rest;
    try {
      counts.set(name, countOf(instances));
      placements.set(name, placementOf(placement));
    } catch (error) {
      problems.push(`${file}: service '${name}': ${(error as Error).message}`);
    }
  }
  const { hostManifest, diagnostics } = parseHostManifest(stringify({ ...doc, services: stripped }), file, dirname(resolve(file)));
  problems.push(...diagnostics.map(formatDiagnostic));
  if (problems.length || !hostManifest) throw new FleetManifestError(file, problems);
  return hostManifest.manifest.services.map((s) => ({
    name: s.name, instances: counts.get(s.name)!, placement: placements.get(s.name)!, spec: stripped[s.name] as Record<string, unknown>, base: hostManifest.dir,
  }));
}

/** The fleet-wide instance count (`instances: N` or `{ count: N }`; default 1): not bounded by one kernel's table. */
function countOf(raw: unknown): number {
  const n = raw === undefined ? 1 : typeof raw === "object" && raw !== null ? (raw as { count?: unknown }).count : raw;
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_INSTANCES) throw new Error(`instances '${JSON.stringify(n)}' is not a count 0..${MAX_INSTANCES}`);
  return n as number;
}

/** The `placement:` section; none: a `user` service. */
export function placementOf(raw: unknown): PlacementSpec {
  if (raw === undefined || raw === null) return { class: "user" };
  if (typeof raw !== "object" || Array.isArray(raw)) throw new Error("placement: expected a map (class, request, max-per-node, scoring, spread-zone, rules)");
  const p = raw as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!PLACEMENT_KEYS.includes(key)) throw new Error(`placement: unknown key '${key}'; expected one of: ${PLACEMENT_KEYS.join(", ")}`);
  if (!(PLACEMENT_CLASSES as readonly unknown[]).includes(p.class)) throw new Error(`placement.class '${p.class}' is not one of ${PLACEMENT_CLASSES.join(", ")}`);
  const spec: PlacementSpec = { class: p.class as PlacementSpec["class"] };
  if (p.request !== undefined) spec.request = vector(p.request, "placement.request");
  if (p["max-per-node"] !== undefined) {
    if (!Number.isInteger(p["max-per-node"]) || (p["max-per-node"] as number) < 1) throw new Error(`placement.max-per-node '${p["max-per-node"]}' is not a count of at least 1`);
    spec.maxPerNode = p["max-per-node"] as number;
  }
  if (p.scoring !== undefined) {
    if (p.scoring !== "binpack" && p.scoring !== "spread") throw new Error(`placement.scoring '${p.scoring}' is not binpack or spread`);
    spec.scoring = p.scoring;
  }
  if (p["spread-zone"] !== undefined) spec.spreadZone = p["spread-zone"] === true;
  if (p.rules !== undefined) {
    if (!Array.isArray(p.rules)) throw new Error("placement.rules: expected a list of { label: key=value, action: require|forbid|prefer|avoid }");
    spec.rules = p.rules.map((r: Record<string, unknown>, i: number) => {
      if (typeof r?.label !== "string" || !r.label.includes("=")) throw new Error(`placement.rules[${i}].label '${r?.label}' is not key=value`);
      if (!(RULE_ACTIONS as readonly unknown[]).includes(r.action)) throw new Error(`placement.rules[${i}].action '${r.action}' is not one of ${RULE_ACTIONS.join(", ")}`);
      return { label: r.label, action: r.action as (typeof RULE_ACTIONS)[number] };
    });
  }
  return spec;
}

/** `cpu=500,memory=256` or a map: a resource vector. */
export function vector(raw: unknown, field: string): ResourceVector {
  const entries = typeof raw === "string"
    ? raw.split(",").filter(Boolean).map((pair) => pair.split("=") as [string, string])
    : typeof raw === "object" && raw !== null ? Object.entries(raw as Record<string, unknown>) : undefined;
  if (!entries) throw new Error(`${field}: expected resource=amount pairs (cpu=500,memory=256)`);
  const out: ResourceVector = {};
  for (const [resource, amount] of entries) {
    if (!(RESOURCES as readonly string[]).includes(resource)) throw new Error(`${field}: '${resource}' is not a resource (${RESOURCES.join(", ")})`);
    const n = Number(amount);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${field}.${resource} '${amount}' is not a whole amount`);
    out[resource as keyof ResourceVector] = n;
  }
  return out;
}
