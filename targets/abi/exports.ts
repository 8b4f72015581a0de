// The kernel's exported ABI as the targets see it: every `export function` and `export const`
// of assembly/index.ts, read with the TypeScript parser (AssemblyScript is TypeScript syntax).
// The WIT world, the component's adapters and the C API are all generated from this list, so a
// new scalar export reaches every target without editing anything here.
import ts from "typescript";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { basename, dirname, relative, resolve } from "node:path";

export const KERNEL_INDEX = fileURLToPath(new URL("../../assembly/index.ts", import.meta.url));

/** The AssemblyScript scalar types the ABI may use (DESIGN.md: exports take and return scalars). */
export const SCALAR_TYPES = ["i8", "u8", "i16", "u16", "i32", "u32", "i64", "u64", "f32", "f64", "bool", "usize", "void"] as const;
export type ScalarType = (typeof SCALAR_TYPES)[number];

export interface ExportedParam { name: string; type: ScalarType }

export interface ExportedFunction {
  name: string;
  params: ExportedParam[];
  result: ScalarType;
  /** The doc comment above the function, without comment markers ("" when there is none). */
  doc: string;
  /** The file that defines it, relative to assembly/ and without `.ts` ("index", "balance/abi"). */
  module: string;
}

export interface ExportedConstant { name: string; value: number; module: string }

export interface KernelExports { functions: ExportedFunction[]; constants: ExportedConstant[] }

function scalar(node: ts.TypeNode | undefined, where: string): ScalarType {
  const text = node?.getText() ?? "void";
  if (!(SCALAR_TYPES as readonly string[]).includes(text)) {
    throw new Error(`${where}: type '${text}' is not a scalar the ABI can carry (${SCALAR_TYPES.join(", ")})`);
  }
  return text as ScalarType;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function docOf(node: ts.Node, text: string): string {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const docs = ranges.map((r) => text.slice(r.pos, r.end)).filter((c) => c.startsWith("/**"));
  const last = docs.at(-1) ?? "";
  return last.replace(/^\/\*\*|\*\/$/g, "").split("\n").map((l) => l.replace(/^\s*\*\s?/, "").trim()).filter(Boolean).join(" ");
}

function constantValue(init: ts.Expression | undefined): number | undefined {
  if (!init) return undefined;
  if (ts.isNumericLiteral(init)) return Number(init.text.replace(/_/g, ""));
  if (ts.isPrefixUnaryExpression(init) && init.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(init.operand)) {
    return -Number(init.operand.text.replace(/_/g, ""));
  }
  return undefined;
}

const ASSEMBLY = dirname(KERNEL_INDEX);

function moduleOf(path: string): string {
  const name = relative(ASSEMBLY, path).replace(/\\/g, "/").replace(/\.ts$/, "");
  return name.startsWith("..") ? basename(path, ".ts") : name;
}

function readInto(path: string, out: KernelExports, only: Map<string, string> | null, seen: Set<string>): void {
  if (seen.has(path)) return;
  seen.add(path);
  const text = readFileSync(path, "utf8");
  const module = moduleOf(path);
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const wanted = (name: string) => (only ? only.get(name) : name);
  for (const statement of file.statements) {
    // `export * from "./x"` and `export { a, b as c } from "./x"`: the module's exports, in place.
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
      const target = resolve(dirname(path), `${statement.moduleSpecifier.text}.ts`);
      const clause = statement.exportClause;
      const names = clause && ts.isNamedExports(clause)
        ? new Map(clause.elements.map((e) => [(e.propertyName ?? e.name).text, e.name.text])) : null;
      readInto(target, out, names, new Set(seen));
      continue;
    }
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      const name = wanted(statement.name.text);
      if (!name) continue;
      const params = statement.parameters.map((p) => ({
        name: p.name.getText(),
        type: scalar(p.type, `${name}(${p.name.getText()})`),
      }));
      out.functions.push({ name, params, result: scalar(statement.type, `${name}()`), doc: docOf(statement, text), module });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        const name = wanted(declaration.name.getText());
        const value = constantValue(declaration.initializer);
        if (name && value !== undefined) out.constants.push({ name, value, module });
      }
    }
  }
}

/**
 * Parses the exported functions and numeric constants of assembly/index.ts (or `path`),
 * following its re-exports (`export * from "./balance/abi"`).
 */
export function readKernelExports(path: string = KERNEL_INDEX): KernelExports {
  const out: KernelExports = { functions: [], constants: [] };
  readInto(path, out, null, new Set());
  if (out.functions.length === 0) throw new Error(`${path}: no exported functions found`);
  return out;
}

/** The WebAssembly value type a scalar travels as. */
export function wasmType(type: ScalarType): "i32" | "i64" | "f32" | "f64" | "none" {
  switch (type) {
    case "i64": case "u64": return "i64";
    case "f32": return "f32";
    case "f64": return "f64";
    case "void": return "none";
    default: return "i32";
  }
}
