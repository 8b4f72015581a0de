// Reading `version:` and `compatible:` of a service (host/manifest/versions.ts has the syntax),
// and their COMPAT record in the blob (tag 0x89, assembly/manifest/sections/compat.ts):
//   u8 flags (1: a version) | u16 major, minor, patch | u8 n | n x (u16 dependency index,
//   u8 bound flags, u16 x 3 low, u16 x 3 high)
import type { Service } from "./types.ts";
import type { LNode } from "./tree.ts";
import { Context, asMap, scalar } from "./fields.ts";
import { didYouMean } from "./diagnostics.ts";
import { parseVersion, parseRange, formatRange, formatVersion, intervalFlags, intervalOf, type Version } from "./versions.ts";

/** Rows a profile's kernel holds at most (assembly/limits.ts COMPAT_CONSTRAINTS_MAX, release); one service's n is a u8. */
export const ROWS_PER_SERVICE_MAX = 255;

export function readVersions(
  versionNode: LNode | undefined, compatibleNode: LNode | undefined, deps: { name: string }[], service: Service, ctx: Context,
): void {
  if (versionNode) {
    const version = parseVersion(scalar(versionNode));
    if (typeof version === "string") ctx.error(versionNode.loc, "version", `service '${service.name}': version ${version}`);
    else service.version = formatVersion(version);
  }
  const map = compatibleNode && asMap(compatibleNode, "compatible", ctx);
  if (!map) return;
  const names = deps.map((d) => d.name);
  const compatible: { name: string; range: string }[] = [];
  let rows = 0;
  for (const [name, { keyLoc, value }] of map.entries) {
    const field = `compatible.${name}`;
    if (!names.includes(name)) {
      ctx.error(keyLoc, field, `service '${service.name}' declares versions of '${name}', which is not one of its dependencies (requires, wants, after)${didYouMean(name, names)}`);
      continue;
    }
    const range = parseRange(scalar(value));
    if (typeof range === "string") { ctx.error(value.loc, field, `service '${service.name}': ${field} ${range}`); continue; }
    rows += range.length;
    if (rows > ROWS_PER_SERVICE_MAX) { ctx.error(value.loc, field, `service '${service.name}' has more than ${ROWS_PER_SERVICE_MAX} version ranges`); continue; }
    compatible.push({ name, range: formatRange(range) });
  }
  if (compatible.length) service.compatible = compatible.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The COMPAT payload of a service, or undefined when it declares neither. */
export function compatPayloadOf(service: Service, indexOf: Map<string, number>): Uint8Array | undefined {
  if (!service.version && !service.compatible) return undefined;
  const rows: number[][] = [];
  for (const { name, range } of service.compatible ?? []) {
    const index = indexOf.get(name);
    const intervals = parseRange(range);
    if (index === undefined) throw new Error(`service '${service.name}': compatible '${name}' is not in the manifest`);
    if (typeof intervals === "string") throw new Error(`service '${service.name}': compatible.${name}: ${intervals}`);
    for (const i of intervals) rows.push([index, intervalFlags(i), ...(i.low ?? [0, 0, 0]), ...(i.high ?? [0, 0, 0])]);
  }
  const bytes = new Uint8Array(8 + 15 * rows.length);
  const view = new DataView(bytes.buffer);
  const version = service.version ? (parseVersion(service.version) as Version) : [0, 0, 0];
  view.setUint8(0, service.version ? 1 : 0);
  version.forEach((part, k) => view.setUint16(1 + 2 * k, part, true));
  view.setUint8(7, rows.length);
  rows.forEach((row, r) => {
    const at = 8 + 15 * r;
    view.setUint16(at, row[0], true);
    view.setUint8(at + 2, row[1]);
    for (let k = 0; k < 6; k++) view.setUint16(at + 3 + 2 * k, row[2 + k], true);
  });
  return bytes;
}

/** Reads a COMPAT payload back: the version, and the ranges by dependency index (resolved to names by the caller). */
export function compatFromPayload(bytes: Uint8Array): { version?: string; ranges: { index: number; range: string }[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const triple = (at: number): Version => [view.getUint16(at, true), view.getUint16(at + 2, true), view.getUint16(at + 4, true)];
  const n = view.getUint8(7);
  const byIndex = new Map<number, ReturnType<typeof intervalOf>[]>();
  for (let r = 0; r < n; r++) {
    const at = 8 + 15 * r;
    const index = view.getUint16(at, true);
    byIndex.set(index, [...(byIndex.get(index) ?? []), intervalOf(view.getUint8(at + 2), triple(at + 3), triple(at + 9))]);
  }
  return {
    version: view.getUint8(0) ? formatVersion(triple(1)) : undefined,
    ranges: [...byIndex].map(([index, intervals]) => ({ index, range: formatRange(intervals) })),
  };
}
