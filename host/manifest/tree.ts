// YAML parsed with `yaml`, turned into a small located tree: every map, list and scalar keeps
// the file, line and column it came from, so errors found after templates are merged still
// point at the line that caused them.
import { parseDocument, LineCounter, isMap, isSeq, isScalar, isPair, type Node } from "yaml";
import type { Diagnostic } from "./diagnostics.ts";

export interface Location { file: string; line: number; col: number }

export type LNode =
  | { kind: "map"; loc: Location; entries: Map<string, { keyLoc: Location; value: LNode }> }
  | { kind: "seq"; loc: Location; items: LNode[] }
  | { kind: "scalar"; loc: Location; value: string | number | boolean | null };

export interface ParsedYaml { root: LNode | null; diagnostics: Diagnostic[] }

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const locate = (offset: number | undefined): Location => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { file, line, col };
  };
  const diagnostics: Diagnostic[] = doc.errors.map((error) => {
    const loc = locate(error.pos[0]);
    const message = error.code === "DUPLICATE_KEY" ? "this key is declared twice (duplicate key)" : error.message.split("\n")[0];
    return { ...loc, message };
  });
  if (diagnostics.length > 0) return { root: null, diagnostics };
  const convert = (node: unknown): LNode => {
    const range = (node as Node | null)?.range;
    const loc = locate(range?.[0]);
    if (isMap(node)) {
      const entries = new Map<string, { keyLoc: Location; value: LNode }>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyLoc = locate((pair.key as Node | null)?.range?.[0]);
        entries.set(key, { keyLoc, value: pair.value === null ? { kind: "scalar", loc: keyLoc, value: null } : convert(pair.value) });
      }
      return { kind: "map", loc, entries };
    }
    if (isSeq(node)) return { kind: "seq", loc, items: node.items.map(convert) };
    if (isScalar(node)) {
      const value = node.value;
      return { kind: "scalar", loc, value: typeof value === "bigint" ? Number(value) : (value as string | number | boolean | null) };
    }
    return { kind: "scalar", loc, value: null };
  };
  return { root: doc.contents ? convert(doc.contents) : null, diagnostics };
}

export function describe(node: LNode): string {
  if (node.kind === "map") return "a map";
  if (node.kind === "seq") return "a list";
  if (node.value === null) return "nothing";
  return `${typeof node.value} ${JSON.stringify(node.value)}`;
}
