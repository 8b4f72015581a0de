// Dependency edges: `from` depends on `to` with a kind. Each service keeps two lists in
// insertion order (its dependencies, and its dependents), threaded through one fixed edge pool.
import { SERVICES_MAX, EDGES_MAX } from "../limits";
import { IdPool } from "../util/id-pool";
import { fillAll } from "../util/fill";

/** Hard: pulled in on start; its stop or failure stops the dependent. Orders the start. */
export const DEP_REQUIRES: u8 = 1;
/** Soft: pulled in on start; its failure does not matter. Orders the start. */
export const DEP_WANTS: u8 = 2;
/** Ordering only: if both start, the dependent starts after this one is up (or gave up). */
export const DEP_AFTER: u8 = 3;

export const NO_EDGE: i32 = -1;

export const edgeFrom = new StaticArray<u16>(EDGES_MAX);
export const edgeTo = new StaticArray<u16>(EDGES_MAX);
export const edgeKind = new StaticArray<u8>(EDGES_MAX);
/** When the dependency counts as up: 0 started, 1 healthy (manifest `condition:`; the health layer reads it). */
export const edgeCondition = new StaticArray<u8>(EDGES_MAX);
/** Next edge in `from`'s dependency list / in `to`'s dependent list. */
export const edgeNextOut = new StaticArray<i32>(EDGES_MAX);
export const edgeNextIn = new StaticArray<i32>(EDGES_MAX);

export const firstDependency = new StaticArray<i32>(SERVICES_MAX);
const lastDependency = new StaticArray<i32>(SERVICES_MAX);
export const firstDependent = new StaticArray<i32>(SERVICES_MAX);
const lastDependent = new StaticArray<i32>(SERVICES_MAX);
export const dependencyCount = new StaticArray<i32>(SERVICES_MAX);
export const dependentCount = new StaticArray<i32>(SERVICES_MAX);

const edgeSlots = new IdPool(EDGES_MAX);
/** Grows with every change, so a cached verdict about the graph knows when it is stale. */
let generation: u32 = 0;

@inline export function graphGeneration(): u32 { return generation; }
@inline export function edgesFree(): i32 { return edgeSlots.available(); }
@inline export function isDependencyKind(kind: i32): bool { return kind >= <i32>DEP_REQUIRES && kind <= <i32>DEP_AFTER; }

/** The edge from -> to, or NO_EDGE. */
export function edgeFind(from: i32, to: i32): i32 {
  for (let e = unchecked(firstDependency[from]); e != NO_EDGE; e = unchecked(edgeNextOut[e])) {
    if (<i32>unchecked(edgeTo[e]) == to) return e;
  }
  return NO_EDGE;
}

/** Appends from -> to (its condition: edgeCondition); the caller checked capacity, duplicates
 *  and self edges (hence unchecked). */
export function edgeInsert(from: i32, to: i32, kind: u8, condition: u8 = 0): void {
  const e = edgeSlots.take();
  unchecked(edgeFrom[e] = <u16>from);
  unchecked(edgeTo[e] = <u16>to);
  unchecked(edgeKind[e] = kind);
  unchecked(edgeCondition[e] = condition);
  unchecked(edgeNextOut[e] = NO_EDGE);
  unchecked(edgeNextIn[e] = NO_EDGE);
  append(e, from, edgeNextOut, firstDependency, lastDependency, dependencyCount);
  append(e, to, edgeNextIn, firstDependent, lastDependent, dependentCount);
  generation++;
}

// An edge is in two lists: its `from`'s dependencies and its `to`'s dependents. Each list is its
// owner's first and last edge, the edges' links to the next, and its owner's count.

function append(e: i32, owner: i32, next: StaticArray<i32>, first: StaticArray<i32>, last: StaticArray<i32>, count: StaticArray<i32>): void {
  const tail = unchecked(last[owner]);
  if (tail == NO_EDGE) unchecked(first[owner] = e); else unchecked(next[tail] = e);
  unchecked(last[owner] = e);
  unchecked(count[owner]++);
}

function unlink(e: i32, owner: i32, next: StaticArray<i32>, first: StaticArray<i32>, last: StaticArray<i32>, count: StaticArray<i32>): void {
  let previous = NO_EDGE;
  for (let x = first[owner]; x != e; x = next[x]) previous = x;
  if (previous == NO_EDGE) first[owner] = next[e]; else next[previous] = next[e];
  if (last[owner] == e) last[owner] = previous;
  count[owner]--;
}

export function edgeRemove(e: i32): void {
  unlink(e, <i32>edgeFrom[e], edgeNextOut, firstDependency, lastDependency, dependencyCount);
  unlink(e, <i32>edgeTo[e], edgeNextIn, firstDependent, lastDependent, dependentCount);
  edgeSlots.give(e);
  generation++;
}

/** Removes every dependency of `from` (used when it is unregistered). */
export function edgesRemoveFrom(from: i32): void {
  while (firstDependency[from] != NO_EDGE) edgeRemove(firstDependency[from]);
}

export function edgesReset(): void {
  fillAll(firstDependency, NO_EDGE);
  fillAll(lastDependency, NO_EDGE);
  fillAll(firstDependent, NO_EDGE);
  fillAll(lastDependent, NO_EDGE);
  fillAll(dependencyCount, 0);
  fillAll(dependentCount, 0);
  edgeSlots.reset();
  generation++;
}

edgesReset();
