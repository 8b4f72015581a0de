// The kernel's error table as the generators read it: assembly/errors.ts, the one source of the
// codes and their messages (one `export const E_NAME: i32 = -N;` per line, one
// `case E_NAME: return out.text("...");` per code, and ERROR_CODE_MIN naming the lowest code).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const KERNEL_ERRORS = fileURLToPath(new URL("../../assembly/errors.ts", import.meta.url));

export interface ErrorEntry { name: string; code: number; message: string }

/** The codes with their messages, from the highest (-1) down; refuses a table out of step. */
export function parseErrorTable(text: string): ErrorEntry[] {
  const codes = new Map<string, number>();
  for (const m of text.matchAll(/^export const (E_\w+): i32 = (-\d+);$/gm)) {
    if ([...codes.values()].includes(Number(m[2]))) throw new Error(`assembly/errors.ts: ${m[1]} reuses code ${m[2]}`);
    codes.set(m[1], Number(m[2]));
  }
  const entries: ErrorEntry[] = [];
  for (const m of text.matchAll(/^\s+case (E_\w+): (?:if \(WITH_\w+\) )?return out\.text\("((?:[^"\\]|\\.)*)"\);(?: break;)?$/gm)) {
    const code = codes.get(m[1]);
    if (code === undefined) throw new Error(`assembly/errors.ts: case ${m[1]} has no constant`);
    entries.push({ name: m[1], code, message: m[2] });
  }
  if (entries.length !== codes.size) {
    const missing = [...codes.keys()].filter((name) => !entries.some((e) => e.name === name));
    throw new Error(`assembly/errors.ts: ${codes.size} codes but ${entries.length} messages (no message: ${missing.join(", ")})`);
  }
  const lowest = entries.reduce((low, e) => (e.code < low.code ? e : low));
  const min = /^export const ERROR_CODE_MIN: i32 = (E_\w+|-\d+);$/m.exec(text)?.[1];
  if (min !== lowest.name && Number(min) !== lowest.code) {
    throw new Error(`assembly/errors.ts: ERROR_CODE_MIN is ${min ?? "missing"}, but the lowest code is ${lowest.name} (${lowest.code}): the errors spec walks down to ERROR_CODE_MIN`);
  }
  return entries.sort((a, b) => b.code - a.code);
}

export function readErrorTable(path: string = KERNEL_ERRORS): ErrorEntry[] {
  return parseErrorTable(readFileSync(path, "utf8"));
}
