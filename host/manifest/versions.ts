// `version:` and `compatible:` of a service in services.yaml: the service's own version and the
// versions of its dependencies it works with, compiled into the COMPAT record (manifest tag
// 0x89, assembly/manifest/sections/compat.ts) that the kernel checks before a reload or an undo
// changes a version.
//
//   db:
//     version: 2.4.1                 # major.minor.patch, each 0..65535 (2 and 2.4 mean 2.0.0, 2.4.0)
//   web:
//     version: 1.0.0
//     requires: [db]
//     compatible:
//       db: ">=2.1 <3"               # npm-style ranges over the dependency's version:
//                                    #   comparators >=, >, <=, <, = (space-separated: all must hold)
//                                    #   2.x / 2 (>=2.0.0 <3.0.0), 2.4.x, ^2.4.1 (>=2.4.1 <3.0.0),
//                                    #   ~2.4.1 (>=2.4.1 <2.5.0), * (any version), a || b (either)
//
// A range is kept in its canonical form (">=2.1.0 <3.0.0"), which is also how a blob dumps.

export type Version = [number, number, number];
export interface Interval { low?: Version; lowInclusive: boolean; high?: Version; highInclusive: boolean }

const PART_MAX = 65535;
export const BOUND_LOW = 1, BOUND_LOW_INCLUSIVE = 2, BOUND_HIGH = 4, BOUND_HIGH_INCLUSIVE = 8;

/** "2", "2.4", "2.4.1" (a leading v allowed) as a version; `wild` x/* parts are returned as undefined. */
function parts(text: string): (number | undefined)[] | string {
  const body = text.replace(/^v/, "");
  if (!/^(\d+|[xX*])(\.(\d+|[xX*])){0,2}$/.test(body)) {
    return /[-+]/.test(body) ? `'${text}' has a pre-release or build tag, which versions here do not carry` : `'${text}' is not a version major[.minor[.patch]]`;
  }
  const out = body.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : undefined));
  const big = out.find((p) => p !== undefined && p > PART_MAX);
  return big !== undefined ? `'${text}': ${big} is larger than ${PART_MAX}` : out;
}

/** A service's own version: "2.4.1", "2.4" or "2" (a YAML number 2 or 2.4 reads the same). */
export function parseVersion(value: unknown): Version | string {
  const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
  if (text === "") return `expected a version major.minor.patch, got ${JSON.stringify(value)}`;
  const p = parts(text);
  if (typeof p === "string") return p;
  if (p.some((x) => x === undefined)) return `'${text}' is a range; a service's version is one version (e.g. 2.4.1)`;
  return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
}

export function formatVersion(v: Version): string { return v.join("."); }

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
/** The version after every one starting with the given parts: 2 -> 3.0.0, 2.4 -> 2.5.0. */
function bump(p: number[], at: number): Version | undefined {
  const v: Version = [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0];
  for (let i = at + 1; i < 3; i++) v[i] = 0;
  v[at] += 1;
  return v[at] > PART_MAX ? undefined : v;
}

function tighten(into: Interval, low: Version | undefined, lowInclusive: boolean, high: Version | undefined, highInclusive: boolean): void {
  if (low && (!into.low || compare(low, into.low) > 0 || (compare(low, into.low) === 0 && !lowInclusive))) { into.low = low; into.lowInclusive = lowInclusive; }
  if (high && (!into.high || compare(high, into.high) < 0 || (compare(high, into.high) === 0 && !highInclusive))) { into.high = high; into.highInclusive = highInclusive; }
}

/** One comparator ("^2.4", ">=2", "2.x", "*") narrowed into `into`; an error text when it is not one. */
function comparator(token: string, into: Interval): string | undefined {
  const m = /^(\^|~|>=|<=|>|<|=)?(.*)$/.exec(token)!;
  const op = m[1] ?? "";
  const p = parts(m[2]);
  if (typeof p === "string") return p;
  const known = p.findIndex((x) => x === undefined);
  const given = (known < 0 ? p.length : known); // parts before the first wildcard
  const n = p.slice(0, given) as number[];
  if (given === 0) return op === "" || op === "=" || op === ">=" || op === "<=" ? undefined : `'${token}' compares with any version`;
  const floor: Version = [n[0], n[1] ?? 0, n[2] ?? 0];
  const next = given < 3 ? bump(n, given - 1) : undefined; // the first version past the partial one
  switch (op) {
    case "": case "=":
      tighten(into, floor, true, given < 3 ? next : floor, given === 3); break;
    case ">=": tighten(into, floor, true, undefined, false); break;
    case ">": if (given < 3) tighten(into, next, true, undefined, false); else tighten(into, floor, false, undefined, false); break;
    case "<": tighten(into, undefined, false, floor, false); break;
    case "<=": if (given < 3) tighten(into, undefined, false, next, false); else tighten(into, undefined, false, floor, true); break;
    case "~": tighten(into, floor, true, bump(n, Math.min(given - 1, 1)), false); break;
    case "^": {
      const at = n[0] !== 0 || given === 1 ? 0 : (n[1] ?? 0) !== 0 || given === 2 ? 1 : 2;
      tighten(into, floor, true, bump(n, at), false); break;
    }
  }
  return undefined;
}

function empty(i: Interval): boolean {
  if (!i.low || !i.high) return false;
  const c = compare(i.low, i.high);
  return c > 0 || (c === 0 && !(i.lowInclusive && i.highInclusive));
}

/** An npm-style range as intervals (alternatives); an error text when it is not one or holds no version. */
export function parseRange(value: unknown): Interval[] | string {
  if (typeof value !== "string" && typeof value !== "number") return `expected a version range such as ">=2 <3", got ${JSON.stringify(value)}`;
  const text = String(value).trim();
  if (text === "") return "expected a version range such as \">=2 <3\", got an empty text";
  const out: Interval[] = [];
  for (const alternative of text.split("||")) {
    const tokens = alternative.trim().replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1").split(/\s+/).filter(Boolean);
    if (tokens.length === 0) return `'${text}' has an empty alternative around ||`;
    const interval: Interval = { lowInclusive: false, highInclusive: false };
    for (const token of tokens) {
      const bad = comparator(token, interval);
      if (bad) return bad;
    }
    if (empty(interval)) return `'${alternative.trim()}' holds no version (its lower bound is above its upper bound)`;
    out.push(interval);
  }
  return out;
}

/** The canonical text of intervals: ">=2.1.0 <3.0.0 || >=4.0.0", "*" for any version. */
export function formatRange(intervals: Interval[]): string {
  return intervals.map((i) => {
    const bounds: string[] = [];
    if (i.low) bounds.push(`${i.lowInclusive ? ">=" : ">"}${formatVersion(i.low)}`);
    if (i.high) bounds.push(`${i.highInclusive ? "<=" : "<"}${formatVersion(i.high)}`);
    return bounds.length ? bounds.join(" ") : "*";
  }).join(" || ");
}

export function intervalFlags(i: Interval): number {
  return (i.low ? BOUND_LOW : 0) | (i.low && i.lowInclusive ? BOUND_LOW_INCLUSIVE : 0)
    | (i.high ? BOUND_HIGH : 0) | (i.high && i.highInclusive ? BOUND_HIGH_INCLUSIVE : 0);
}

export function intervalOf(flags: number, low: Version, high: Version): Interval {
  const i: Interval = { lowInclusive: (flags & BOUND_LOW_INCLUSIVE) !== 0, highInclusive: (flags & BOUND_HIGH_INCLUSIVE) !== 0 };
  if (flags & BOUND_LOW) i.low = low; else i.lowInclusive = false;
  if (flags & BOUND_HIGH) i.high = high; else i.highInclusive = false;
  return i;
}
