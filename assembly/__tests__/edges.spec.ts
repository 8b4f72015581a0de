// graph/edges.ts: the edge pool with per-service dependency and dependent lists.
import {
  edgeFind, edgeInsert, edgeRemove, edgesRemoveFrom, edgesReset, edgesFree, isDependencyKind, graphGeneration,
  firstDependency, firstDependent, edgeNextOut, edgeNextIn, edgeTo, edgeFrom, edgeKind, dependencyCount, dependentCount,
  NO_EDGE, DEP_REQUIRES, DEP_WANTS, DEP_AFTER,
} from "../graph/edges";
import { EDGES_MAX } from "../limits";

/** "to:kind,to:kind" along `from`'s dependency list. */
function dependenciesOf(from: i32): string {
  let s = "";
  for (let e = firstDependency[from]; e != NO_EDGE; e = edgeNextOut[e]) {
    s += (s.length > 0 ? "," : "") + edgeTo[e].toString() + ":" + edgeKind[e].toString();
  }
  return s;
}

/** "from,from" along `to`'s dependent list. */
function dependentsOf(to: i32): string {
  let s = "";
  for (let e = firstDependent[to]; e != NO_EDGE; e = edgeNextIn[e]) s += (s.length > 0 ? "," : "") + edgeFrom[e].toString();
  return s;
}

describe("edges", () => {
  beforeEach(() => { edgesReset(); });

  it("starts with every edge free and every list empty", () => {
    expect<i32>(edgesFree()).toBe(EDGES_MAX);
    expect<i32>(firstDependency[0]).toBe(NO_EDGE);
    expect<i32>(firstDependent[0]).toBe(NO_EDGE);
    expect<i32>(edgeFind(0, 1)).toBe(NO_EDGE);
  });

  it("knows the three dependency kinds", () => {
    expect<bool>(isDependencyKind(0)).toBe(false);
    expect<bool>(isDependencyKind(DEP_REQUIRES)).toBe(true);
    expect<bool>(isDependencyKind(DEP_WANTS)).toBe(true);
    expect<bool>(isDependencyKind(DEP_AFTER)).toBe(true);
    expect<bool>(isDependencyKind(4)).toBe(false);
    expect<bool>(isDependencyKind(-1)).toBe(false);
  });

  it("keeps both lists in insertion order, with counts", () => {
    edgeInsert(0, 3, DEP_REQUIRES);
    edgeInsert(0, 1, DEP_WANTS);
    edgeInsert(0, 2, DEP_AFTER);
    edgeInsert(4, 1, DEP_REQUIRES);
    expect<string>(dependenciesOf(0)).toBe("3:1,1:2,2:3");
    expect<string>(dependentsOf(1)).toBe("0,4");
    expect<i32>(dependencyCount[0]).toBe(3);
    expect<i32>(dependentCount[1]).toBe(2);
    expect<i32>(edgesFree()).toBe(EDGES_MAX - 4);
    const e = edgeFind(0, 1);
    expect<i32>(e).not.toBe(NO_EDGE);
    expect<u16>(edgeFrom[e]).toBe(0);
    expect<u16>(edgeTo[e]).toBe(1);
    expect<i32>(edgeFind(1, 0)).toBe(NO_EDGE); // direction matters
  });

  it("removes an edge from the head, middle and tail of a list", () => {
    edgeInsert(0, 1, DEP_REQUIRES);
    edgeInsert(0, 2, DEP_REQUIRES);
    edgeInsert(0, 3, DEP_REQUIRES);
    edgeInsert(0, 4, DEP_REQUIRES);
    edgeRemove(edgeFind(0, 2));
    expect<string>(dependenciesOf(0)).toBe("1:1,3:1,4:1");
    edgeRemove(edgeFind(0, 1));
    expect<string>(dependenciesOf(0)).toBe("3:1,4:1");
    edgeRemove(edgeFind(0, 4));
    expect<string>(dependenciesOf(0)).toBe("3:1");
    edgeInsert(0, 5, DEP_WANTS); // appends after the new tail
    expect<string>(dependenciesOf(0)).toBe("3:1,5:2");
    expect<i32>(dependencyCount[0]).toBe(2);
    expect<i32>(dependentCount[2]).toBe(0);
    expect<i32>(firstDependent[2]).toBe(NO_EDGE);
    expect<i32>(edgesFree()).toBe(EDGES_MAX - 2);
  });

  it("removes from the dependent list too", () => {
    edgeInsert(1, 0, DEP_REQUIRES);
    edgeInsert(2, 0, DEP_REQUIRES);
    edgeInsert(3, 0, DEP_REQUIRES);
    edgeRemove(edgeFind(2, 0));
    expect<string>(dependentsOf(0)).toBe("1,3");
    edgeRemove(edgeFind(3, 0));
    edgeInsert(4, 0, DEP_WANTS);
    expect<string>(dependentsOf(0)).toBe("1,4");
    expect<i32>(dependentCount[0]).toBe(2);
  });

  it("edgesRemoveFrom drops every dependency of one service and only those", () => {
    edgeInsert(0, 1, DEP_REQUIRES);
    edgeInsert(0, 2, DEP_WANTS);
    edgeInsert(3, 1, DEP_REQUIRES);
    edgesRemoveFrom(0);
    expect<string>(dependenciesOf(0)).toBe("");
    expect<string>(dependentsOf(1)).toBe("3");
    expect<string>(dependentsOf(2)).toBe("");
    expect<i32>(dependencyCount[0]).toBe(0);
    expect<i32>(edgesFree()).toBe(EDGES_MAX - 1);
  });

  it("every change moves the graph generation", () => {
    const g0 = graphGeneration();
    edgeInsert(0, 1, DEP_REQUIRES);
    const g1 = graphGeneration();
    expect<u32>(g1).not.toBe(g0);
    edgeRemove(edgeFind(0, 1));
    expect<u32>(graphGeneration()).not.toBe(g1);
  });

  it("uses every edge slot and gets them all back", () => {
    for (let i = 0; i < EDGES_MAX; i++) edgeInsert(i % 100, 100 + i / 100, DEP_AFTER);
    expect<i32>(edgesFree()).toBe(0);
    for (let from = 0; from < 100; from++) edgesRemoveFrom(from);
    expect<i32>(edgesFree()).toBe(EDGES_MAX);
  });
});
