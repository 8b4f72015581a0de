// A kernel trap, as every host reports it: one kind name (the same set the C host derives from
// wasm_rt_trap_t) and, when the kernel called hal.abort first, its message and source position.
import type { AbortReport } from "./hal.ts";

export type TrapKind =
  | "unreachable" | "out-of-bounds" | "integer-overflow" | "divide-by-zero" | "invalid-conversion"
  | "call-indirect" | "stack-exhausted" | "unknown";

export class KernelTrap extends Error {
  constructor(readonly kind: TrapKind, readonly abort: AbortReport | null, options?: { cause?: unknown }) {
    super(`kernel trapped: ${kind}${abort ? ` (abort: ${abort.message} at ${abort.file}:${abort.line}:${abort.column})` : ""}`, options);
    this.name = "KernelTrap";
  }
}

/** The trap kind of an error thrown out of wasm code, or null when it is not a trap. */
export function trapKindOf(error: unknown): TrapKind | null {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return "stack-exhausted";
  if (!(error instanceof WebAssembly.RuntimeError)) return null;
  const text = error.message;
  if (/unreachable/.test(text)) return "unreachable";
  if (/out of bounds/.test(text)) return "out-of-bounds";
  if (/by zero/.test(text)) return "divide-by-zero";
  if (/float unrepresentable/.test(text)) return "invalid-conversion";
  if (/integer overflow/.test(text)) return "integer-overflow";
  if (/null function|signature mismatch|indirect call|table index/.test(text)) return "call-indirect";
  return "unknown";
}
