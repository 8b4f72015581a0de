// Reads the kernel's imports and checks them against the layer order written once in
// assembly/layers.json: no import may run from a layer to one above it, and no import cycle may
// form. Used by test/kernel/layers.test.ts.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve, posix } from "node:path";
import ts from "typescript";

export interface Layer { name: string; files: string[] }
export interface Import { from: string; to: string; line: number; text: string }

export const KERNEL = resolve(import.meta.dirname, "../../assembly");

export function readLayers(root = KERNEL): Layer[] {
  return (JSON.parse(readFileSync(join(root, "layers.json"), "utf8")) as { layers: Layer[] }).layers;
}

/** Every non-test .ts file under `root`, as a path relative to it with "/" separators. */
export function kernelFiles(root = KERNEL): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) { if (name !== "__tests__") walk(path); }
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(relative(root, path).split("\\").join("/"));
    }
  };
  walk(root);
  return files;
}

/** The relative imports and re-exports of each file, resolved to kernel files. */
export function readImports(files: string[], root = KERNEL): Import[] {
  const known = new Set(files);
  const imports: Import[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
    for (const statement of source.statements) {
      const specifier = (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) ? statement.moduleSpecifier : undefined;
      if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(file), specifier.text));
      const to = known.has(`${target}.ts`) ? `${target}.ts` : `${target}/index.ts`;
      if (!known.has(to)) throw new Error(`${file}: import '${specifier.text}' names no kernel file`);
      const line = source.getLineAndCharacterOfPosition(statement.getStart(source)).line + 1;
      imports.push({ from: file, to, line, text: statement.getText(source).replace(/\s+/g, " ") });
    }
  }
  return imports;
}

/** The layer index of `file`: the entry that names it most specifically (a file beats its folder). */
export function layerOf(file: string, layers: Layer[]): number {
  let best = -1, bestLength = -1;
  layers.forEach((layer, index) => {
    for (const entry of layer.files) {
      const matches = entry.endsWith("/") ? file.startsWith(entry) : file === entry;
      if (matches && entry.length > bestLength) { best = index; bestLength = entry.length; }
    }
  });
  return best;
}

/** Every problem, one line each: files in no layer, upward imports, import cycles. */
export function layeringProblems(files: string[], imports: Import[], layers: Layer[]): string[] {
  const problems: string[] = [];
  const layer = new Map(files.map((file) => [file, layerOf(file, layers)]));
  for (const file of files) if (layer.get(file)! < 0) problems.push(`${file} belongs to no layer of assembly/layers.json`);
  for (const i of imports) {
    const from = layer.get(i.from)!, to = layer.get(i.to)!;
    if (from >= 0 && to > from) {
      problems.push(`upward import: ${i.from}:${i.line} (${layers[from].name}) imports ${i.to} (${layers[to].name}): ${i.text}`);
    }
  }
  for (const cycle of importCycles(files, imports)) problems.push(`import cycle: ${cycle.join(" -> ")}`);
  return problems;
}

/** The import cycles (Tarjan's strongly connected components), each as a closed path of files. */
export function importCycles(files: string[], imports: Import[]): string[][] {
  const edges = new Map(files.map((file) => [file, [] as string[]]));
  for (const i of imports) edges.get(i.from)!.push(i.to);
  let counter = 0;
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], onStack = new Set<string>();
  const cycles: string[][] = [];
  const strong = (v: string): void => {
    index.set(v, counter); low.set(v, counter++); stack.push(v); onStack.add(v);
    for (const w of edges.get(v)!) {
      if (!index.has(w)) { strong(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
    if (component.length > 1 || edges.get(v)!.includes(v)) cycles.push(closedPath(component, edges));
  };
  for (const file of files) if (!index.has(file)) strong(file);
  return cycles;
}

/** One cycle through a strongly connected component, as a path that returns to its start. */
function closedPath(component: string[], edges: Map<string, string[]>): string[] {
  const inside = new Set(component);
  const start = [...component].sort()[0];
  const previous = new Map<string, string>([[start, ""]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const next of edges.get(at)!) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let v = at; v !== start; v = previous.get(v)!) path.splice(1, 0, v);
        return [...path, start];
      }
      if (!previous.has(next)) { previous.set(next, at); queue.push(next); }
    }
  }
  return [...component, component[0]];
}

