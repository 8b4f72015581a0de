// Name patterns, compiled to a Thompson NFA and matched by simulating every state at once (Russ
// Cox, "Regular Expression Matching Can Be Simple And Fast", 2007): O(input x states) steps for
// any pattern, so `(a*)*b` on a long input costs what `ab` does, per byte. No backtracking, no
// recursion (the parser keeps an explicit group stack, the closure an explicit state stack), no
// allocation (one program, reserved at init, recompiled per use).
//
// Syntax (the prefix chooses it):
//   name, web-*, cache-?   wildcard: `*` any run, `?` one byte, everything else literal; whole name
//   glob:*cache*          glob: `*`, `?`, `[a-z]`, `[!a-z]`, `{a,b}`, `\x` literal; whole name
//   regex:web-.*          regex subset: literals, `.`, `[...]`, `\d \w \s` (and negations), `*`,
//                         `+`, `?` (a trailing lazy `?` is accepted), `|`, `(...)`, `(?:...)`,
//                         `^`, `$`; JavaScript RegExp.test semantics (a match anywhere)
//
//   program state:  op | arg | out | out1      (u8, u16, u16, u16 columns)
import { PATTERN_BYTES_MAX, PATTERN_STATES_MAX, PATTERN_CLASSES_MAX } from "../limits";
import { OK, E_PATTERN_SYNTAX, E_PATTERN_TOO_COMPLEX } from "../errors";
import { fail } from "../util/detail";

const OP_CHAR: u8 = 1;
const OP_ANY: u8 = 2;
const OP_CLASS: u8 = 3;
const OP_SPLIT: u8 = 4;
const OP_EMPTY: u8 = 5;
const OP_BOL: u8 = 6;
const OP_EOL: u8 = 7;
const OP_MATCH: u8 = 8;

// Postfix tokens: atoms carry an op (OP_CHAR..OP_EOL, OP_EMPTY); operators are these.
const T_CONCAT: u8 = 20;
const T_ALT: u8 = 21;
const T_STAR: u8 = 22;
const T_PLUS: u8 = 23;
const T_QUEST: u8 = 24;

export const MODE_WILDCARD: i32 = 0;
export const MODE_GLOB: i32 = 1;
export const MODE_REGEX: i32 = 2;

const NONE: u16 = 0xffff;
const CLASS_BYTES: i32 = 32;
const STACK_MAX: i32 = PATTERN_STATES_MAX * 2 + 4;

const stateOp = new StaticArray<u8>(PATTERN_STATES_MAX);
const stateArg = new StaticArray<u16>(PATTERN_STATES_MAX);
const stateOut = new StaticArray<u16>(PATTERN_STATES_MAX);
const stateOut1 = new StaticArray<u16>(PATTERN_STATES_MAX);
const classBits = new StaticArray<u8>(PATTERN_CLASSES_MAX * CLASS_BYTES);
let stateCount: i32 = 0;
let classCount: i32 = 0;
let startState: i32 = 0;

const postKind = new StaticArray<u8>(PATTERN_STATES_MAX);
const postArg = new StaticArray<u16>(PATTERN_STATES_MAX);
let postLength: i32 = 0;

// Parser group stack (alternatives and atoms pending at each open group).
const groupAlternatives = new StaticArray<i32>(PATTERN_BYTES_MAX + 2);
const groupAtoms = new StaticArray<i32>(PATTERN_BYTES_MAX + 2);
let groupDepth: i32 = 0;
let alternatives: i32 = 0;
let atoms: i32 = 0;

// Compiler fragment stack: start state, and the head of its list of dangling outs.
const fragmentStart = new StaticArray<u16>(PATTERN_STATES_MAX);
const fragmentOuts = new StaticArray<i32>(PATTERN_STATES_MAX);

// Simulation: two state lists, a mark per state, an explicit closure stack.
const listA = new StaticArray<u16>(PATTERN_STATES_MAX);
const listB = new StaticArray<u16>(PATTERN_STATES_MAX);
const mark = new StaticArray<u32>(PATTERN_STATES_MAX);
const closureStack = new StaticArray<u16>(STACK_MAX);
let listId: u32 = 0;
let steps: u32 = 0;
let compiledMode: i32 = MODE_WILDCARD;

// Where the source text of the pattern being compiled is (for error details).
let sourcePtr: usize = 0;
let sourceLength: i32 = 0;

/** Steps (state visits) of the last match: the linear-time proof reads this. */
export function patternSteps(): u32 { return steps; }
export function patternStates(): i32 { return stateCount; }
export function patternMode(): i32 { return compiledMode; }

function syntax(at: i32, what: string): i32 {
  return fail(E_PATTERN_SYNTAX).text("pattern '").raw(sourcePtr, sourceLength).text("': ").text(what)
    .text(" at byte ").int(at).code();
}

function tooComplex(what: string): i32 {
  return fail(E_PATTERN_TOO_COMPLEX).text("pattern '").raw(sourcePtr, sourceLength).text("' needs more ").text(what)
    .text(" than the limit (").int(what == "classes" ? PATTERN_CLASSES_MAX : PATTERN_STATES_MAX).text(")").code();
}

// ---- postfix output (re2post: implicit concatenation from the atom count) -------------------

function emit(kind: u8, arg: i32): bool {
  if (postLength >= PATTERN_STATES_MAX - 1) return false;
  postKind[postLength] = kind;
  postArg[postLength] = <u16>arg;
  postLength++;
  return true;
}

function atom(op: u8, arg: i32): bool {
  if (atoms > 1) { atoms--; if (!emit(T_CONCAT, 0)) return false; }
  atoms++;
  return emit(op, arg);
}

/** Closes the current alternative: concatenates its atoms (an empty one matches the empty string). */
function closeAlternative(): bool {
  if (atoms == 0 && !atom(OP_EMPTY, 0)) return false;
  while (--atoms > 0) if (!emit(T_CONCAT, 0)) return false;
  return true;
}

function openGroup(): bool {
  if (atoms > 1) { atoms--; if (!emit(T_CONCAT, 0)) return false; }
  groupAlternatives[groupDepth] = alternatives;
  groupAtoms[groupDepth] = atoms;
  groupDepth++;
  alternatives = 0;
  atoms = 0;
  return true;
}

function alternative(): bool {
  if (!closeAlternative()) return false;
  alternatives++;
  return true;
}

function closeAll(): bool {
  if (!closeAlternative()) return false;
  for (; alternatives > 0; alternatives--) if (!emit(T_ALT, 0)) return false;
  return true;
}

function closeGroup(): bool {
  if (!closeAll()) return false;
  groupDepth--;
  alternatives = groupAlternatives[groupDepth];
  atoms = groupAtoms[groupDepth] + 1;
  return true;
}

// ---- classes ------------------------------------------------------------------------------

@inline function classSet(klass: i32, c: i32): void {
  const at = klass * CLASS_BYTES + (c >> 3);
  classBits[at] = classBits[at] | <u8>(1 << <u8>(c & 7));
}

@inline function classHas(klass: i32, c: i32): bool {
  return ((<i32>classBits[klass * CLASS_BYTES + (c >> 3)] >> (c & 7)) & 1) != 0;
}

function classRange(klass: i32, low: i32, high: i32): void {
  for (let c = low; c <= high; c++) classSet(klass, c);
}

/** Adds \d, \w or \s (lowercase letter) to a class; false for another letter. */
function classShorthand(klass: i32, letter: i32): bool {
  if (letter == 0x64) { classRange(klass, 0x30, 0x39); return true; }
  if (letter == 0x77) {
    classRange(klass, 0x30, 0x39); classRange(klass, 0x41, 0x5a); classRange(klass, 0x61, 0x7a); classSet(klass, 0x5f);
    return true;
  }
  if (letter == 0x73) { classRange(klass, 9, 13); classSet(klass, 0x20); return true; }
  return false;
}

function classNew(): i32 {
  if (classCount >= PATTERN_CLASSES_MAX) return -1;
  const klass = classCount++;
  for (let i = 0; i < CLASS_BYTES; i++) classBits[klass * CLASS_BYTES + i] = 0;
  return klass;
}

function classInvert(klass: i32): void {
  for (let i = 0; i < CLASS_BYTES; i++) classBits[klass * CLASS_BYTES + i] = ~classBits[klass * CLASS_BYTES + i];
}

@inline function byteAt(i: i32): i32 { return <i32>load<u8>(sourcePtr + <usize>i); }

/** Parses `[...]` starting after the `[`; returns the index after `]`, or an error (< 0). */
function parseClass(at: i32, end: i32, negateBang: bool): i32 {
  const klass = classNew();
  if (klass < 0) return tooComplex("classes");
  let i = at;
  let negate = false;
  if (i < end && (byteAt(i) == 0x5e || (negateBang && byteAt(i) == 0x21))) { negate = true; i++; }
  let first = true;
  while (true) {
    if (i >= end) return syntax(at - 1, "unclosed [");
    let c = byteAt(i);
    if (c == 0x5d && (!first || !negateBang)) { i++; break; } // JavaScript: `[]` is empty; globs take a leading ]
    first = false;
    if (c == 0x5c) {
      if (i + 1 >= end) return syntax(i, "dangling \\");
      const e = byteAt(i + 1);
      i += 2;
      if (negateBang) {
        c = e; // a glob escape is the byte itself
      } else {
        if (e == 0x64 || e == 0x77 || e == 0x73) { classShorthand(klass, e); continue; }
        if (e == 0x44 || e == 0x57 || e == 0x53) return syntax(i - 2, "negated shorthand inside [] is not supported");
        c = escapeLiteral(e);
        if (c < 0) return syntax(i - 2, "unsupported escape");
      }
    } else {
      i++;
    }
    if (i + 1 < end && byteAt(i) == 0x2d && byteAt(i + 1) != 0x5d) {
      let high = byteAt(i + 1);
      let next = i + 2;
      if (high == 0x5c) {
        if (i + 2 >= end) return syntax(i + 1, "dangling \\");
        high = escapeLiteral(byteAt(i + 2));
        if (high < 0) return syntax(i + 1, "unsupported escape in a range");
        next = i + 3;
      }
      if (high < c) return syntax(i, "range out of order");
      classRange(klass, c, high);
      i = next;
    } else {
      classSet(klass, c);
    }
  }
  if (negate) classInvert(klass);
  if (!atom(OP_CLASS, klass)) return tooComplex("states");
  return i;
}

/** The byte an escape stands for: punctuation as itself, \n \r \t \f \v; -1 otherwise. */
function escapeLiteral(e: i32): i32 {
  if (e == 0x6e) return 10;
  if (e == 0x72) return 13;
  if (e == 0x74) return 9;
  if (e == 0x66) return 12;
  if (e == 0x76) return 11;
  const alnum = (e >= 0x30 && e <= 0x39) || ((e | 0x20) >= 0x61 && (e | 0x20) <= 0x7a);
  return alnum || e >= 0x80 ? -1 : e;
}

// ---- the two front ends -------------------------------------------------------------------

function parseRegex(start: i32, end: i32): i32 {
  let i = start;
  let afterAnchor = false;
  while (i < end) {
    const c = byteAt(i);
    afterAnchor = i > start && (byteAt(i - 1) == 0x5e || byteAt(i - 1) == 0x24) && (i < start + 2 || byteAt(i - 2) != 0x5c);
    if (c == 0x28) {
      if (groupDepth >= PATTERN_BYTES_MAX) return tooComplex("states");
      if (i + 1 < end && byteAt(i + 1) == 0x3f) {
        if (i + 2 < end && byteAt(i + 2) == 0x3a) i += 2;
        else return syntax(i, "only (?: groups are supported");
      }
      if (!openGroup()) return tooComplex("states");
      i++;
      continue;
    }
    if (c == 0x29) {
      if (groupDepth == 0) return syntax(i, "unmatched )");
      if (!closeGroup()) return tooComplex("states");
      i++;
      continue;
    }
    if (c == 0x7c) { if (!alternative()) return tooComplex("states"); i++; continue; }
    if (c == 0x2a || c == 0x2b || c == 0x3f) {
      if (atoms == 0 || afterAnchor) return syntax(i, "nothing to repeat");
      if (!emit(c == 0x2a ? T_STAR : c == 0x2b ? T_PLUS : T_QUEST, 0)) return tooComplex("states");
      i++;
      if (i < end && byteAt(i) == 0x3f) i++; // lazy: the same yes/no answer
      if (i < end && (byteAt(i) == 0x2a || byteAt(i) == 0x2b || byteAt(i) == 0x3f)) return syntax(i, "nothing to repeat");
      continue;
    }
    if (c == 0x7b) return syntax(i, "{n,m} is not in the regex subset");
    if (c == 0x5b) {
      const next = parseClass(i + 1, end, false);
      if (next < 0) return next;
      i = next;
      continue;
    }
    let ok = true;
    if (c == 0x2e) ok = atom(OP_ANY, 0);
    else if (c == 0x5e) ok = atom(OP_BOL, 0);
    else if (c == 0x24) ok = atom(OP_EOL, 0);
    else if (c == 0x5c) {
      if (i + 1 >= end) return syntax(i, "dangling \\");
      const e = byteAt(++i);
      const lower = e | 0x20;
      if (lower == 0x64 || lower == 0x77 || lower == 0x73) {
        const klass = classNew();
        if (klass < 0) return tooComplex("classes");
        classShorthand(klass, lower);
        if (e != lower) classInvert(klass);
        ok = atom(OP_CLASS, klass);
      } else {
        const literal = escapeLiteral(e);
        if (literal < 0) return syntax(i - 1, "unsupported escape");
        ok = atom(OP_CHAR, literal);
      }
    } else ok = atom(OP_CHAR, c);
    if (!ok) return tooComplex("states");
    i++;
  }
  if (groupDepth > 0) return syntax(end, "unclosed (");
  return OK;
}

function parseGlob(start: i32, end: i32, full: bool): i32 {
  if (!atom(OP_BOL, 0)) return tooComplex("states");
  let i = start;
  let braces = 0;
  while (i < end) {
    const c = byteAt(i);
    let ok = true;
    if (c == 0x2a) {
      ok = atom(OP_ANY, 0) && emit(T_STAR, 0);
      while (i + 1 < end && byteAt(i + 1) == 0x2a) i++; // ** is * inside one name
    } else if (c == 0x3f) ok = atom(OP_ANY, 0);
    else if (full && c == 0x5b) {
      const next = parseClass(i + 1, end, true);
      if (next < 0) return next;
      i = next;
      continue;
    } else if (full && c == 0x7b) {
      if (groupDepth >= PATTERN_BYTES_MAX) return tooComplex("states");
      ok = openGroup();
      braces++;
    } else if (full && c == 0x2c && braces > 0) ok = alternative();
    else if (full && c == 0x7d && braces > 0) { ok = closeGroup(); braces--; }
    else if (full && c == 0x5c) {
      if (i + 1 >= end) return syntax(i, "dangling \\");
      ok = atom(OP_CHAR, byteAt(++i));
    } else ok = atom(OP_CHAR, c);
    if (!ok) return tooComplex("states");
    i++;
  }
  if (braces > 0) return syntax(end, "unclosed {");
  if (!atom(OP_EOL, 0)) return tooComplex("states");
  return OK;
}

// ---- Thompson construction ----------------------------------------------------------------

function newState(op: u8, arg: u16, out: u16, out1: u16): i32 {
  const s = stateCount++;
  stateOp[s] = op;
  stateArg[s] = arg;
  stateOut[s] = out;
  stateOut1[s] = out1;
  return s;
}

// A dangling-out list is threaded through the out fields themselves: element = state*2 + which
// (0: out, 1: out1); the field holds the next element + 1 (0 ends the list).
@inline function outList(state: i32, which: i32): i32 { return state * 2 + which; }

function listNext(element: i32): i32 {
  const s = element >> 1;
  return ((element & 1) == 0 ? <i32>stateOut[s] : <i32>stateOut1[s]) - 1;
}

function listSet(element: i32, value: i32): void {
  const s = element >> 1;
  if ((element & 1) == 0) stateOut[s] = <u16>value; else stateOut1[s] = <u16>value;
}

function listAppend(first: i32, second: i32): i32 {
  let at = first;
  for (let n = 0; n < STACK_MAX; n++) {
    const next = listNext(at);
    if (next < 0) break;
    at = next;
  }
  listSet(at, second + 1);
  return first;
}

function patch(list: i32, target: i32): void {
  let at = list;
  for (let n = 0; n < STACK_MAX && at >= 0; n++) {
    const next = listNext(at);
    listSet(at, target);
    at = next;
  }
}

function construct(): i32 {
  stateCount = 0;
  let depth = 0;
  for (let i = 0; i < postLength; i++) {
    const kind = postKind[i];
    if (stateCount >= PATTERN_STATES_MAX - 1) return tooComplex("states");
    if (kind < T_CONCAT) {
      const s = newState(kind, postArg[i], 0, 0);
      fragmentStart[depth] = <u16>s; fragmentOuts[depth] = outList(s, 0); depth++;
    } else if (depth < (kind == T_CONCAT || kind == T_ALT ? 2 : 1)) {
      return syntax(sourceLength, "malformed pattern");
    } else if (kind == T_CONCAT) {
      depth--;
      patch(fragmentOuts[depth - 1], fragmentStart[depth]);
      fragmentOuts[depth - 1] = fragmentOuts[depth];
    } else if (kind == T_ALT) {
      depth--;
      const s = newState(OP_SPLIT, 0, fragmentStart[depth - 1], fragmentStart[depth]);
      fragmentOuts[depth - 1] = listAppend(fragmentOuts[depth - 1], fragmentOuts[depth]);
      fragmentStart[depth - 1] = <u16>s;
    } else {
      const s = newState(OP_SPLIT, 0, fragmentStart[depth - 1], 0);
      if (kind == T_QUEST) {
        fragmentOuts[depth - 1] = listAppend(fragmentOuts[depth - 1], outList(s, 1));
        fragmentStart[depth - 1] = <u16>s;
      } else {
        patch(fragmentOuts[depth - 1], s);
        fragmentOuts[depth - 1] = outList(s, 1);
        if (kind == T_STAR) fragmentStart[depth - 1] = <u16>s;
      }
    }
  }
  if (depth != 1) return syntax(sourceLength, "malformed pattern");
  const accept = newState(OP_MATCH, 0, NONE, NONE);
  patch(fragmentOuts[0], accept);
  startState = fragmentStart[0];
  return OK;
}

/**
 * Compiles `len` bytes at `ptr` into the one program (replacing the previous pattern).
 * An empty pattern matches every name.
 */
export function patternCompile(ptr: usize, len: i32): i32 {
  sourcePtr = ptr;
  sourceLength = len;
  if (len > PATTERN_BYTES_MAX) {
    return fail(E_PATTERN_TOO_COMPLEX).text("pattern '").raw(ptr, min(len, 64)).text("...' is ").int(len)
      .text(" bytes; the limit is ").int(PATTERN_BYTES_MAX).code();
  }
  postLength = 0; groupDepth = 0; alternatives = 0; atoms = 0; classCount = 0;
  let result: i32;
  if (hasPrefix(ptr, len, "regex:")) { compiledMode = MODE_REGEX; result = parseRegex(6, len); }
  else if (hasPrefix(ptr, len, "glob:")) { compiledMode = MODE_GLOB; result = parseGlob(5, len, true); }
  else if (len == 0) { compiledMode = MODE_REGEX; result = OK; }
  else { compiledMode = MODE_WILDCARD; result = parseGlob(0, len, false); }
  if (result < 0) return result;
  if (!closeAll()) return tooComplex("states");
  return construct();
}

function hasPrefix(ptr: usize, len: i32, prefix: string): bool {
  const n = prefix.length;
  if (len < n) return false;
  for (let i = 0; i < n; i++) if (<i32>load<u8>(ptr + <usize>i) != prefix.charCodeAt(i)) return false;
  return true;
}

// ---- simulation ---------------------------------------------------------------------------

/** Adds `s` and its epsilon closure at position `pos`; returns the new list length, or -1 on MATCH. */
function addClosure(list: StaticArray<u16>, length: i32, s: i32, pos: i32, inputLength: i32): i32 {
  let top = 0;
  closureStack[top++] = <u16>s;
  while (top > 0) {
    const at = <i32>closureStack[--top];
    if (mark[at] == listId) continue;
    mark[at] = listId;
    steps++;
    const op = stateOp[at];
    if (op == OP_MATCH) return -1;
    if (op == OP_SPLIT) {
      closureStack[top++] = stateOut1[at];
      closureStack[top++] = stateOut[at];
    } else if (op == OP_EMPTY || (op == OP_BOL && pos == 0) || (op == OP_EOL && pos == inputLength)) {
      closureStack[top++] = stateOut[at];
    } else if (op == OP_CHAR || op == OP_ANY || op == OP_CLASS) {
      list[length++] = <u16>at;
    }
  }
  return length;
}

@inline function accepts(s: i32, c: i32): bool {
  const op = stateOp[s];
  if (op == OP_CHAR) return <i32>stateArg[s] == c;
  if (op == OP_ANY) return c != 10 && c != 13;
  return classHas(<i32>stateArg[s], c);
}

function nextListId(): void {
  listId++;
  if (listId == 0) { mark.fill(0); listId = 1; }
}

/** Does the compiled pattern match `len` bytes at `ptr`? Counts steps in patternSteps(). */
export function patternMatches(ptr: usize, len: i32): bool {
  steps = 0;
  let current = listA;
  let next = listB;
  nextListId();
  let count = addClosure(current, 0, startState, 0, len);
  if (count < 0) return true;
  for (let pos = 0; pos < len; pos++) {
    const c = <i32>load<u8>(ptr + <usize>pos);
    nextListId();
    let nextCount = 0;
    for (let i = 0; i < count; i++) {
      const s = <i32>current[i];
      steps++;
      if (!accepts(s, c)) continue;
      nextCount = addClosure(next, nextCount, <i32>stateOut[s], pos + 1, len);
      if (nextCount < 0) return true;
    }
    // Unanchored search: a match may also begin at the next byte.
    nextCount = addClosure(next, nextCount, startState, pos + 1, len);
    if (nextCount < 0) return true;
    const swap = current; current = next; next = swap;
    count = nextCount;
  }
  return false;
}
