// A services.yaml for a fleet: the same manifest `myco run` takes, `placement:` sections included
// (host/manifest/placement.ts reads them for both). Each service is checked by the same parser as
// `myco run`, with `instances:` counted fleet-wide rather than by one node's table, then becomes
// the record the coordinator places and the agents run.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { parseHostManifest } from "../supervisor/host-manifest.ts";
import { formatDiagnostic } from "../manifest/diagnostics.ts";
import { fleetSpecOf } from "../manifest/placement.ts";
import { RESOURCES, type PlacementSpec, type ResourceVector } from "../kernel/placement.ts";
import { NAME, type ServiceRecord } from "./keys.ts";
import { parseStateHook, type StateHook } from "./state-hook.ts";

export class FleetManifestError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}:\n${problems.join("\n")}`);
  }
}

/** Instances of one service across the fleet (each node's kernel runs its own share). */
export const MAX_INSTANCES = 10_000;

export function loadFleetManifest(file: string): ServiceRecord[] {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new FleetManifestError(file, [`cannot read it: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const services = (doc?.services ?? {}) as Record<string, Record<string, unknown>>;
  const counts = new Map<string, number>();
  const hooks = new Map<string, StateHook | undefined>();
  const stripped: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(services)) {
    if (!NAME.test(name)) problems.push(`${file}: service '${name}': a fleet service name is 1..26 of [A-Za-z0-9._-] (its instances are named NAME-N)`);
    const { instances, state, ...rest } = service ?? {};
    stripped[name] = rest;
    try {
      counts.set(name, countOf(instances));
    } catch (error) {
      problems.push(`${file}: service '${name}': ${(error as Error).message}`);
    }
    try {
      hooks.set(name, parseStateHook(name, state));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  const { hostManifest, diagnostics } = parseHostManifest(stringify({ ...doc, services: stripped }), file, dirname(resolve(file)));
  problems.push(...diagnostics.map(formatDiagnostic));
  if (problems.length || !hostManifest) throw new FleetManifestError(file, problems);
  const unplaced: PlacementSpec = { class: "user" };
  return hostManifest.manifest.services.map((s) => {
    const { placement: _, ...spec } = stripped[s.name] as Record<string, unknown>;
    const state = hooks.get(s.name);
    return { name: s.name, instances: counts.get(s.name)!, placement: s.placement ? fleetSpecOf(s.placement) : unplaced, spec, base: hostManifest.dir, ...(state ? { state } : {}) };
  });
}

/** The fleet-wide instance count (`instances: N` or `{ count: N }`; default 1): not bounded by one kernel's table. */
function countOf(raw: unknown): number {
  const n = raw === undefined ? 1 : typeof raw === "object" && raw !== null ? (raw as { count?: unknown }).count : raw;
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_INSTANCES) throw new Error(`instances '${JSON.stringify(n)}' is not a count 0..${MAX_INSTANCES}`);
  return n as number;
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
