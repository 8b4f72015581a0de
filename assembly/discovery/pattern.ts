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
// Seams: pattern-program.ts (the compiled program and its errors), pattern-parse.ts (the front
// ends, to postfix), pattern-nfa.ts (construction and simulation); this file compiles.
import { PATTERN_BYTES_MAX } from "../limits";
import { OK, E_PATTERN_TOO_COMPLEX } from "../errors";
import { fail } from "../util/detail";
import { programBegin, tooComplex } from "./pattern-program";
import { parseBegin, parseRegex, parseGlob, closeAll } from "./pattern-parse";
import { construct } from "./pattern-nfa";

export { patternMatches, patternSteps } from "./pattern-nfa";

/**
 * Compiles `len` bytes at `ptr` into the one program (replacing the previous pattern).
 * An empty pattern matches every name.
 */
export function patternCompile(ptr: usize, len: i32): i32 {
  if (len > PATTERN_BYTES_MAX) {
    return fail(E_PATTERN_TOO_COMPLEX).text("pattern '").raw(ptr, min(len, 64)).text("...' is ").int(len)
      .text(" bytes; the limit is ").int(PATTERN_BYTES_MAX).code();
  }
  programBegin(ptr, len);
  parseBegin();
  let result: i32;
  if (hasPrefix(ptr, len, "regex:")) result = parseRegex(6, len);
  else if (hasPrefix(ptr, len, "glob:")) result = parseGlob(5, len, true);
  else if (len == 0) result = OK;
  else result = parseGlob(0, len, false);
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
