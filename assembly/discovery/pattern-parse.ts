// The two front ends of the pattern compiler (see pattern.ts for the syntax): wildcard/glob and
// the regex subset, parsed left to right into postfix tokens (Russ Cox's re2post: implicit
// concatenation from the atom count, an explicit group stack, no recursion).
import { PATTERN_BYTES_MAX } from "../limits";
import { OK } from "../errors";
import {
  OP_CHAR, OP_ANY, OP_CLASS, OP_EMPTY, OP_BOL, OP_EOL, T_CONCAT, T_ALT, T_STAR, T_PLUS, T_QUEST,
  emit, byteAt, syntax, tooComplex, classNew, classSet, classRange, classShorthand, classInvert,
} from "./pattern-program";

// Parser group stack (alternatives and atoms pending at each open group).
const groupAlternatives = new StaticArray<i32>(PATTERN_BYTES_MAX + 2);
const groupAtoms = new StaticArray<i32>(PATTERN_BYTES_MAX + 2);
let groupDepth: i32 = 0;
let alternatives: i32 = 0;
let atoms: i32 = 0;

export function parseBegin(): void {
  groupDepth = 0;
  alternatives = 0;
  atoms = 0;
}

// ---- postfix output (re2post: implicit concatenation from the atom count) -------------------

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

/** Closes the outermost alternatives: the postfix program is complete. */
export function closeAll(): bool {
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

export function parseRegex(start: i32, end: i32): i32 {
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

export function parseGlob(start: i32, end: i32, full: bool): i32 {
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
