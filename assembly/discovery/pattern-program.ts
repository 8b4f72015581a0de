// The compiled pattern (see pattern.ts): the source text being compiled, the postfix token
// buffer the parser fills (pattern-parse.ts), the byte classes, and the Thompson program's state
// columns the construction fills and the simulation reads (pattern-nfa.ts). Reserved once at
// init; every compile overwrites them.
//
//   program state:  op | arg | out | out1      (u8, u16, u16, u16 columns)
//   class:          32 bytes, one bit per byte value
import { PATTERN_STATES_MAX, PATTERN_CLASSES_MAX } from "../limits";
import { E_PATTERN_SYNTAX, E_PATTERN_TOO_COMPLEX } from "../errors";
import { fail } from "../util/detail";

export const OP_CHAR: u8 = 1;
export const OP_ANY: u8 = 2;
export const OP_CLASS: u8 = 3;
export const OP_SPLIT: u8 = 4;
export const OP_EMPTY: u8 = 5;
export const OP_BOL: u8 = 6;
export const OP_EOL: u8 = 7;
export const OP_MATCH: u8 = 8;

// Postfix tokens: atoms carry an op (OP_CHAR..OP_EOL, OP_EMPTY); operators are these.
export const T_CONCAT: u8 = 20;
export const T_ALT: u8 = 21;
export const T_STAR: u8 = 22;
export const T_PLUS: u8 = 23;
export const T_QUEST: u8 = 24;

export const NONE: u16 = 0xffff;
const CLASS_BYTES: i32 = 32;

export const stateOp = new StaticArray<u8>(PATTERN_STATES_MAX);
export const stateArg = new StaticArray<u16>(PATTERN_STATES_MAX);
export const stateOut = new StaticArray<u16>(PATTERN_STATES_MAX);
export const stateOut1 = new StaticArray<u16>(PATTERN_STATES_MAX);
const classBits = new StaticArray<u8>(PATTERN_CLASSES_MAX * CLASS_BYTES);
let classCount: i32 = 0;

export const postKind = new StaticArray<u8>(PATTERN_STATES_MAX);
export const postArg = new StaticArray<u16>(PATTERN_STATES_MAX);
let postLength: i32 = 0;

// Where the source text of the pattern being compiled is (for error details).
let sourcePtr: usize = 0;
let sourceLength: i32 = 0;

/** Starts compiling `len` bytes at `ptr`: no tokens, no classes yet. */
export function programBegin(ptr: usize, len: i32): void {
  sourcePtr = ptr;
  sourceLength = len;
  postLength = 0;
  classCount = 0;
}

export function sourceEnd(): i32 { return sourceLength; }

@inline export function byteAt(i: i32): i32 { return <i32>load<u8>(sourcePtr + <usize>i); }

export function syntax(at: i32, what: string): i32 {
  return fail(E_PATTERN_SYNTAX).text("pattern '").raw(sourcePtr, sourceLength).text("': ").text(what)
    .text(" at byte ").int(at).code();
}

export function tooComplex(what: string): i32 {
  return fail(E_PATTERN_TOO_COMPLEX).text("pattern '").raw(sourcePtr, sourceLength).text("' needs more ").text(what)
    .text(" than the limit (").int(what == "classes" ? PATTERN_CLASSES_MAX : PATTERN_STATES_MAX).text(")").code();
}

// ---- postfix output -----------------------------------------------------------------------

export function postfixLength(): i32 { return postLength; }

export function emit(kind: u8, arg: i32): bool {
  if (postLength >= PATTERN_STATES_MAX - 1) return false;
  postKind[postLength] = kind;
  postArg[postLength] = <u16>arg;
  postLength++;
  return true;
}

// ---- classes ------------------------------------------------------------------------------

@inline export function classSet(klass: i32, c: i32): void {
  const at = klass * CLASS_BYTES + (c >> 3);
  classBits[at] = classBits[at] | <u8>(1 << <u8>(c & 7));
}

@inline export function classHas(klass: i32, c: i32): bool {
  return ((<i32>classBits[klass * CLASS_BYTES + (c >> 3)] >> (c & 7)) & 1) != 0;
}

export function classRange(klass: i32, low: i32, high: i32): void {
  for (let c = low; c <= high; c++) classSet(klass, c);
}

/** Adds \d, \w or \s (lowercase letter) to a class; false for another letter. */
export function classShorthand(klass: i32, letter: i32): bool {
  if (letter == 0x64) { classRange(klass, 0x30, 0x39); return true; }
  if (letter == 0x77) {
    classRange(klass, 0x30, 0x39); classRange(klass, 0x41, 0x5a); classRange(klass, 0x61, 0x7a); classSet(klass, 0x5f);
    return true;
  }
  if (letter == 0x73) { classRange(klass, 9, 13); classSet(klass, 0x20); return true; }
  return false;
}

/** A new empty class, or -1 when the class table is full. */
export function classNew(): i32 {
  if (classCount >= PATTERN_CLASSES_MAX) return -1;
  const klass = classCount++;
  for (let i = 0; i < CLASS_BYTES; i++) classBits[klass * CLASS_BYTES + i] = 0;
  return klass;
}

export function classInvert(klass: i32): void {
  for (let i = 0; i < CLASS_BYTES; i++) classBits[klass * CLASS_BYTES + i] = ~classBits[klass * CLASS_BYTES + i];
}
