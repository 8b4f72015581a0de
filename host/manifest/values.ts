// Scalar value parsing shared by the manifest and the config sources: durations, sizes, bools,
// and the host-side twin of the kernel's name patterns (wildcard, glob:, regex:).

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1, k: 1000, kb: 1000, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3,
};

/** Milliseconds from a number (ms) or text such as "250ms", "5s", "2m", "1h"; undefined if malformed. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(value);
  if (!m) return undefined;
  const ms = Number(m[1]) * DURATION_UNITS[(m[2] ?? "ms").toLowerCase()];
  return Number.isInteger(ms) ? ms : Math.round(ms);
}

/** Bytes from a number or text such as "512", "4KiB", "1MB"; undefined if malformed. */
export function parseSize(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== "string") return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = SIZE_UNITS[(m[2] || "b").toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value !== "string") return undefined;
  const v = value.trim().toLowerCase();
  if (["true", "yes", "on", "1"].includes(v)) return true;
  if (["false", "no", "off", "0"].includes(v)) return false;
  return undefined;
}

export function parseInteger(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== "string" || !/^\s*-?\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function escapeRegex(c: string): string { return c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"); }

/** A glob or wildcard as a JavaScript RegExp source (whole-string), the kernel's semantics. */
export function globToRegex(glob: string, full: boolean): string {
  let out = "^";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") { out += ".*"; while (glob[i + 1] === "*") i++; }
    else if (c === "?") out += ".";
    else if (full && c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) throw new SyntaxError(`unclosed [ at byte ${i}`);
      let body = glob.slice(i + 1, end);
      if (body.startsWith("!")) body = "^" + body.slice(1);
      out += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (full && c === "{") { out += "(?:"; braces++; }
    else if (full && c === "," && braces > 0) out += "|";
    else if (full && c === "}" && braces > 0) { out += ")"; braces--; }
    else if (full && c === "\\" && i + 1 < glob.length) out += escapeRegex(glob[++i]);
    else out += escapeRegex(c);
  }
  if (braces > 0) throw new SyntaxError("unclosed {");
  return out + "$";
}

/** The kernel's pattern syntax as a JavaScript RegExp (throws SyntaxError when malformed). */
export function patternToRegExp(pattern: string): RegExp {
  if (pattern.startsWith("regex:")) return new RegExp(pattern.slice(6));
  if (pattern.startsWith("glob:")) return new RegExp(globToRegex(pattern.slice(5), true));
  return new RegExp(globToRegex(pattern, false));
}
