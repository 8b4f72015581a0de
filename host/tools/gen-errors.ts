// Generates the TypeScript and C mirrors of assembly/errors.ts (the one source of the table).
import { readFile, writeFile } from "node:fs/promises";

const source = new URL("../../assembly/errors.ts", import.meta.url);
const tsOut = new URL("../kernel/error-codes.ts", import.meta.url);
const cOut = new URL("../../targets/firmware/include/myco_errors.h", import.meta.url);

export interface ErrorEntry { name: string; code: number; message: string }

export function parseErrorTable(text: string): ErrorEntry[] {
  const codes = new Map<string, number>();
  for (const m of text.matchAll(/^export const (E_\w+): i32 = (-\d+);$/gm)) codes.set(m[1], Number(m[2]));
  const entries: ErrorEntry[] = [];
  for (const m of text.matchAll(/^\s+case (E_\w+): return out\.text\("((?:[^"\\]|\\.)*)"\);$/gm)) {
    const code = codes.get(m[1]);
    if (code === undefined) throw new Error(`errors.ts: case ${m[1]} has no constant`);
    entries.push({ name: m[1], code, message: m[2] });
  }
  if (entries.length !== codes.size) throw new Error(`errors.ts: ${codes.size} codes but ${entries.length} messages`);
  return entries.sort((a, b) => b.code - a.code);
}

const HEADER = "Generated from assembly/errors.ts by host/tools/gen-errors.ts (npm run build). Do not edit.";

function typescript(entries: ErrorEntry[]): string {
  const lines = entries.map((e) => `  ${e.name}: { code: ${e.code}, message: ${JSON.stringify(e.message)} },`);
  return `// ${HEADER}\nexport const ERROR_CODES = {\n${lines.join("\n")}\n} as const;\n\nexport type ErrorName = keyof typeof ERROR_CODES;\n`;
}

function cHeader(entries: ErrorEntry[]): string {
  const defines = entries.map((e) => `#define MYCO_${e.name} (${e.code}) /* ${e.message.replace(/\*\//g, "* /")} */`);
  return `/* ${HEADER} */\n#ifndef MYCO_ERRORS_H\n#define MYCO_ERRORS_H\n\n#define MYCO_OK (0)\n${defines.join("\n")}\n\n#endif\n`;
}

async function writeIfChanged(url: URL, text: string): Promise<void> {
  const current = await readFile(url, "utf8").catch(() => "");
  if (current !== text) await writeFile(url, text);
}

export async function generateErrorMirrors(): Promise<void> {
  const entries = parseErrorTable(await readFile(source, "utf8"));
  await writeIfChanged(tsOut, typescript(entries));
  const { mkdir } = await import("node:fs/promises");
  await mkdir(new URL(".", cOut), { recursive: true });
  await writeIfChanged(cOut, cHeader(entries));
}
