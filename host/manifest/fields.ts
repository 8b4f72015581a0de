// Reading services.yaml's fields: the diagnostics context, key checks with a "did you mean",
// and typed readers that report wrong types and ranges at the node's line and column. A reader
// given no node returns undefined (the field is absent: the kernel's default) or, for the few
// fields that are not kernel records, the fallback it is given.
import { type Diagnostic, didYouMean } from "./diagnostics.ts";
import { describe, type LNode, type Location } from "./tree.ts";
import { parseDuration, parseInteger } from "./values.ts";

export const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
export const SAFE = Number.MAX_SAFE_INTEGER;
export const U32 = 0xffffffff;
/** The kernel's limits that hold in every build profile (assembly/limits.ts): `myco check` catches them. */
export const TIMEOUT_MS_MAX = 86_400_000;
export const THRESHOLD_MAX = 100;
export const WEIGHT_MAX = 1000;
export const INSTANCES_MAX = 64;

export type MapNode = LNode & { kind: "map" };
export type Layer = { node: MapNode; from: string };

export class Context {
  readonly diagnostics: Diagnostic[] = [];
  service?: string;
  error(loc: Location, field: string | undefined, message: string): void {
    this.diagnostics.push({ ...loc, service: this.service, field, message });
  }
}

export function checkKeys(node: MapNode, known: string[], what: string, ctx: Context): void {
  for (const [key, { keyLoc }] of node.entries) {
    if (!known.includes(key)) ctx.error(keyLoc, key, `unknown key '${key}' in ${what}${didYouMean(key, known)}; expected one of: ${known.join(", ")}`);
  }
}

export function asMap(node: LNode, field: string, ctx: Context): MapNode | null {
  if (node.kind === "map") return node;
  ctx.error(node.loc, field, `expected a map, got ${describe(node)}`);
  return null;
}

/** A map node's sub-map (checked against its keys), or null when absent or not a map. */
export function subMap(parent: MapNode | null | undefined, key: string, field: string, keys: string[], ctx: Context): MapNode | null {
  const node = parent?.entries.get(key)?.value;
  const map = node ? asMap(node, field, ctx) : null;
  if (map) checkKeys(map, keys, field, ctx);
  return map;
}

export function scalar(node: LNode | undefined): unknown { return node?.kind === "scalar" ? node.value : undefined; }

/** The number at `node`, undefined when absent or wrong (wrong is reported). */
export function optNumber(
  node: LNode | undefined, field: string, min: number, max: number, ctx: Context, parse = parseInteger, unit = "",
): number | undefined {
  if (!node) return undefined;
  const value = parse(scalar(node));
  if (value === undefined) { ctx.error(node.loc, field, `expected ${unit || "an integer"}, got ${describe(node)}`); return undefined; }
  if (value < min || value > max) { ctx.error(node.loc, field, `${value} is out of range ${min}..${max}`); return undefined; }
  return value;
}

export function readNumber(
  node: LNode | undefined, field: string, min: number, max: number, fallback: number, ctx: Context, parse = parseInteger, unit = "",
): number {
  return optNumber(node, field, min, max, ctx, parse, unit) ?? fallback;
}

export function optDuration(node: LNode | undefined, field: string, max: number, ctx: Context, min = 0): number | undefined {
  return optNumber(node, field, min, max, ctx, parseDuration, "a duration (e.g. 500ms, 5s, 2m)");
}

export function optEnum<T extends string>(node: LNode | undefined, field: string, choices: readonly T[], ctx: Context): T | undefined {
  if (!node) return undefined;
  const value = scalar(node);
  if (typeof value === "string" && (choices as readonly string[]).includes(value)) return value as T;
  ctx.error(node.loc, field, `expected one of ${choices.join(", ")}, got ${describe(node)}${typeof value === "string" ? didYouMean(value, choices) : ""}`);
  return undefined;
}

export function readEnum<T extends string>(node: LNode | undefined, field: string, choices: readonly T[], fallback: T, ctx: Context): T {
  return optEnum(node, field, choices, ctx) ?? fallback;
}

export function readName(node: LNode, field: string, ctx: Context): string | null {
  const value = scalar(node);
  if (typeof value === "string" && NAME.test(value)) return value;
  ctx.error(node.loc, field, `expected a name (1..32 of [A-Za-z0-9._-], starting with a letter or digit), got ${describe(node)}`);
  return null;
}

export function readNames(node: LNode | undefined, field: string, ctx: Context): { name: string; loc: Location; node: LNode }[] {
  if (!node) return [];
  if (node.kind !== "seq") { ctx.error(node.loc, field, `expected a list, got ${describe(node)}`); return []; }
  return node.items.flatMap((item) => { const name = readName(item, field, ctx); return name ? [{ name, loc: item.loc, node: item }] : []; });
}

/** A list node's items, or [] (reported) when it is not a list. */
export function items(node: LNode, field: string, ctx: Context): LNode[] {
  if (node.kind === "seq") return node.items;
  ctx.error(node.loc, field, `expected a list, got ${describe(node)}`);
  return [];
}

/** Drops the keys whose value is undefined, so absent fields stay absent (equal manifests, equal JSON). */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
