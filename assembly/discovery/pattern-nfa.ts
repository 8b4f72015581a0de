// Thompson's construction and simulation (Russ Cox, "Regular Expression Matching Can Be Simple
// And Fast", 2007): the postfix tokens become an NFA in the program columns, and a match runs
// every state at once over two state lists, with an explicit closure stack: O(input x states)
// steps, no backtracking, no recursion, no allocation.
import { PATTERN_STATES_MAX } from "../limits";
import { OK } from "../errors";
import {
  OP_CHAR, OP_ANY, OP_CLASS, OP_SPLIT, OP_EMPTY, OP_BOL, OP_EOL, OP_MATCH, T_CONCAT, T_ALT, T_STAR, T_QUEST, NONE,
  stateOp, stateArg, stateOut, stateOut1, postKind, postArg, postfixLength, classHas, syntax, tooComplex, sourceEnd,
} from "./pattern-program";
import { fillAll } from "../util/fill";

const STACK_MAX: i32 = PATTERN_STATES_MAX * 2 + 4;
let stateCount: i32 = 0;
let startState: i32 = 0;

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

/** Steps (state visits) of the last match: the linear-time proof reads this. */
export function patternSteps(): u32 { return steps; }

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

/** Builds the program from the postfix tokens. */
export function construct(): i32 {
  stateCount = 0;
  let depth = 0;
  for (let i = 0, postLength = postfixLength(); i < postLength; i++) {
    const kind = postKind[i];
    if (stateCount >= PATTERN_STATES_MAX - 1) return tooComplex("states");
    if (kind < T_CONCAT) {
      const s = newState(kind, postArg[i], 0, 0);
      fragmentStart[depth] = <u16>s; fragmentOuts[depth] = outList(s, 0); depth++;
    } else if (depth < (kind == T_CONCAT || kind == T_ALT ? 2 : 1)) {
      return syntax(sourceEnd(), "malformed pattern");
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
  if (depth != 1) return syntax(sourceEnd(), "malformed pattern");
  const accept = newState(OP_MATCH, 0, NONE, NONE);
  patch(fragmentOuts[0], accept);
  startState = fragmentStart[0];
  return OK;
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
  if (listId == 0) { fillAll(mark, 0); listId = 1; }
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
