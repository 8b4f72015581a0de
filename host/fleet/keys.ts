// The fleet's key layout in the store (FLEET.md), and the records under each key, decoded with
// checks: a malformed value is a MalformedValueError naming the key and what is wrong, which
// the agent and coordinator report and skip, never a crash.
//
//   /myco/<cluster>/nodes/<node>            lease-bound: tier, capacity, labels, zone, pid
//   /myco/<cluster>/load/<node>             lease-bound: load percent, instances
//   /myco/<cluster>/services/<service>      the desired spec: instances, placement, the manifest's service
//   /myco/<cluster>/assign/<node>/<inst>    what a node must run (service, epoch of the coordinator)
//   /myco/<cluster>/status/<node>/<inst>    lease-bound: what the node runs
//   /myco/<cluster>/drain/<node>            an operator's drain (kept until undone)
//   /myco/<cluster>/requests/<id>           an operator's move, done and deleted by the leader
//   /myco/<cluster>/audit/<id>              what the leader did for an operator, with the reason
//   /myco/<cluster>/election/<lease>        the coordinators' election
//   /myco/<cluster>/routes/<service>        which copies serve (node/instance), switched at once by a migration
//   /myco/<cluster>/moves/leader            the leader's moves: in flight and recently ended (fenced; `myco fleet status`)
import { createHash } from "node:crypto";
import { TIERS, PLACEMENT_CLASSES, RESOURCES, type NodeSpec, type PlacementSpec, type ResourceVector } from "../kernel/placement.ts";

export const KINDS = ["nodes", "load", "services", "assign", "status", "drain", "requests", "audit", "election", "routes", "moves"] as const;
export type Kind = (typeof KINDS)[number];

export class MalformedValueError extends Error {
  constructor(readonly key: string, problem: string) {
    super(`malformed value at ${key}: ${problem}`);
  }
}

export class Keys {
  readonly root: string;
  constructor(readonly cluster: string) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(cluster)) throw new Error(`cluster name '${cluster}' must be letters, digits, '.', '_' or '-'`);
    this.root = `/myco/${cluster}/`;
  }
  prefix(kind: Kind): string { return `${this.root}${kind}/`; }
  node(node: string): string { return `${this.root}nodes/${node}`; }
  load(node: string): string { return `${this.root}load/${node}`; }
  service(service: string): string { return `${this.root}services/${service}`; }
  assign(node: string, instance?: string): string { return `${this.root}assign/${node}/${instance ?? ""}`; }
  status(node: string, instance?: string): string { return `${this.root}status/${node}/${instance ?? ""}`; }
  drain(node: string): string { return `${this.root}drain/${node}`; }
  request(id: string): string { return `${this.root}requests/${id}`; }
  audit(id: string): string { return `${this.root}audit/${id}`; }
  election(): string { return `${this.root}election`; }
  route(service: string): string { return `${this.root}routes/${service}`; }
  moves(): string { return `${this.prefix("moves")}leader`; }

  /** The kind of a key and its parts after the kind (node, or node and instance). */
  parse(key: string): { kind: Kind; parts: string[] } | undefined {
    if (!key.startsWith(this.root)) return undefined;
    const [kind, ...parts] = key.slice(this.root.length).split("/");
    return (KINDS as readonly string[]).includes(kind) ? { kind: kind as Kind, parts } : undefined;
  }
}

/** A service or node name; a service's instance names (`name-N`) must still fit the manifest's 32 characters. */
export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,25}$/;

/** A node as its agent registers it; `logs` is its log endpoint and the token it wants. */
export interface NodeRecord extends NodeSpec { pid: number; startedAtMs: number; logs?: { url: string; token: string } }
export interface LoadRecord { load: number; instances: number }
export interface ServiceRecord {
  name: string;
  instances: number;
  placement: PlacementSpec;
  /** The manifest's service (its `run:` too), without `placement:`. */
  spec: Record<string, unknown>;
  /** The manifest's directory: relative paths in `run:` resolve against it. */
  base: string;
  /** The service's snapshot hook (live migrations), from its fleet-only `state:` section. */
  state?: { dump: string[]; load: string[] };
}
/** `spec`: a pinned revision of the service (a staged rollout runs it on this node before the fleet's spec changes). */
export interface AssignRecord { service: string; epoch: number; spec?: ServiceRecord }
/** `revision`: the spec the instance runs (specRevision of its record). */
export interface StatusRecord { service: string; state: string; pid?: number; sinceMs: number; revision?: string }
export interface MoveRequest { service: string; to: string; reason: string; requester: string }
/** An operator's staged rollout of a new spec, done by the leader (host/fleet/rollout.ts). */
export interface RolloutRequest { type: "rollout"; spec: ServiceRecord; gateMs?: number; stageTimeoutMs?: number; canary?: string; requester: string }

type Check = (key: string, value: Record<string, unknown>) => void;

function decode<T>(key: string, text: string, check: Check): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MalformedValueError(key, `not JSON: ${JSON.stringify(text.slice(0, 40))}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new MalformedValueError(key, "not a JSON object");
  check(key, value as Record<string, unknown>);
  return value as T;
}

function need(key: string, ok: boolean, problem: string): void {
  if (!ok) throw new MalformedValueError(key, problem);
}

const isCount = (v: unknown, max = 1e9) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

function checkVector(key: string, field: string, v: unknown): void {
  need(key, v === undefined || (typeof v === "object" && v !== null), `${field} is not an object`);
  for (const [r, amount] of Object.entries((v ?? {}) as ResourceVector)) {
    need(key, (RESOURCES as readonly string[]).includes(r), `${field}.${r} is not a resource (${RESOURCES.join(", ")})`);
    need(key, isCount(amount, 2 ** 32), `${field}.${r} = ${JSON.stringify(amount)} is not a count`);
  }
}

export const decodeNode = (key: string, text: string) => decode<NodeRecord>(key, text, (k, v) => {
  need(k, (TIERS as readonly string[]).includes(v.tier as string), `tier ${JSON.stringify(v.tier)} is not one of ${TIERS.join(", ")}`);
  checkVector(k, "capacity", v.capacity);
  need(k, v.labels === undefined || (Array.isArray(v.labels) && v.labels.every((l) => typeof l === "string" && l.includes("="))), "labels are not key=value strings");
  need(k, isCount(v.pid), "pid is not a number");
});

export const decodeLoad = (key: string, text: string) => decode<LoadRecord>(key, text, (k, v) => {
  need(k, isCount(v.load, 100), `load ${JSON.stringify(v.load)} is not 0..100`);
});

export const decodeService = (key: string, text: string) => decode<ServiceRecord>(key, text, (k, v) => {
  need(k, typeof v.name === "string" && NAME.test(v.name), `name ${JSON.stringify(v.name)} is not a service name`);
  need(k, isCount(v.instances, 10_000), `instances ${JSON.stringify(v.instances)} is not a count`);
  const p = v.placement as Record<string, unknown> | undefined;
  need(k, typeof p === "object" && p !== null && (PLACEMENT_CLASSES as readonly string[]).includes(p.class as string), `placement.class is not one of ${PLACEMENT_CLASSES.join(", ")}`);
  checkVector(k, "placement.request", p!.request);
  need(k, typeof v.spec === "object" && v.spec !== null, "spec is not an object");
  need(k, typeof v.base === "string", "base is not a directory");
});

export const decodeAssign = (key: string, text: string) => decode<AssignRecord>(key, text, (k, v) => {
  need(k, typeof v.service === "string" && NAME.test(v.service), `service ${JSON.stringify(v.service)} is not a service name`);
  need(k, isCount(v.epoch, Number.MAX_SAFE_INTEGER), "epoch is not a revision");
  if (v.spec !== undefined) {
    decodeService(`${k} (spec)`, JSON.stringify(v.spec));
    need(k, (v.spec as ServiceRecord).name === v.service, "spec is of another service");
  }
});

/** A short name of what a service record runs (its manifest service and directory). */
export const specRevision = (record: ServiceRecord): string =>
  createHash("sha256").update(JSON.stringify([record.spec, record.base])).digest("hex").slice(0, 12);

export const decodeStatus = (key: string, text: string) => decode<StatusRecord>(key, text, (k, v) => {
  need(k, typeof v.service === "string" && typeof v.state === "string", "service or state missing");
});

export const decodeRollout = (key: string, text: string) => decode<RolloutRequest>(key, text, (k, v) => {
  need(k, v.type === "rollout", "type is not rollout");
  decodeService(`${k} (spec)`, JSON.stringify(v.spec));
  for (const f of ["gateMs", "stageTimeoutMs"]) need(k, v[f] === undefined || isCount(v[f], 3_600_000), `${f} is not a duration in ms`);
  need(k, v.canary === undefined || (typeof v.canary === "string" && NAME.test(v.canary)), "canary is not a node name");
});

export const decodeMove = (key: string, text: string) => decode<MoveRequest>(key, text, (k, v) => {
  need(k, typeof v.service === "string" && typeof v.to === "string", "service or to missing");
  need(k, typeof v.reason === "string" && v.reason.length > 0, "a move needs a reason");
});

/** One move as the leader publishes it (host/fleet/plan-executor.ts movesView). */
export interface MoveRow {
  instance: string; service: string; ordinal: number; from: string; to: string; strategy: string; trigger: string;
  state: "moving" | "done" | "failed" | "gave-up"; failures: number; startedAtMs: number; endedAtMs?: number; reason?: string;
}

export const MOVE_ROW_STATES = ["moving", "done", "failed", "gave-up"] as const;

export const decodeMoves = (key: string, text: string) => decode<{ moves: MoveRow[]; epoch: number }>(key, text, (k, v) => {
  need(k, Array.isArray(v.moves), "moves is not a list");
  for (const m of v.moves as Record<string, unknown>[]) {
    need(k, typeof m === "object" && m !== null, "a move is not an object");
    for (const f of ["instance", "service", "from", "to", "strategy", "trigger"]) need(k, typeof m[f] === "string", `a move's ${f} is not a string`);
    need(k, (MOVE_ROW_STATES as readonly unknown[]).includes(m.state), `move state ${JSON.stringify(m.state)} is not one of ${MOVE_ROW_STATES.join(", ")}`);
    need(k, isCount(m.failures, 255) && isCount(m.ordinal), "a move's failures or ordinal is not a count");
  }
});
