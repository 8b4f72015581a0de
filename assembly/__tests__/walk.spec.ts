// graph/walk.ts: breadth-first collection along chosen edge kinds, in either direction.
import { walkFrom, walked, kindBit, TOWARD_DEPENDENCIES, TOWARD_DEPENDENTS, THROUGH_DISABLED, NOT_THROUGH_DISABLED } from "../graph/walk";
import { serviceState } from "../registry/services";
import { STATE_DISABLED, STATE_STOPPED } from "../registry/states";
import { edgesReset, edgeInsert, DEP_REQUIRES, DEP_WANTS, DEP_AFTER } from "../graph/edges";

const ALL: u8 = kindBit(DEP_REQUIRES) | kindBit(DEP_WANTS) | kindBit(DEP_AFTER);

function walk(start: i32, toward: bool, kinds: u8, throughDisabled: bool = THROUGH_DISABLED): string {
  const count = walkFrom(start, toward, kinds, throughDisabled);
  let s = "";
  for (let i = 0; i < count; i++) s += (i > 0 ? "," : "") + walked[i].toString();
  return s;
}

describe("walkFrom", () => {
  beforeEach(() => {
    edgesReset();
    // 0 requires 1 and wants 2; 1 requires 3; 2 is after 3; 3 requires 4; 5 requires 0
    edgeInsert(0, 1, DEP_REQUIRES);
    edgeInsert(0, 2, DEP_WANTS);
    edgeInsert(1, 3, DEP_REQUIRES);
    edgeInsert(2, 3, DEP_AFTER);
    edgeInsert(3, 4, DEP_REQUIRES);
    edgeInsert(5, 0, DEP_REQUIRES);
  });

  it("collects the start first, then breadth first in list order, each service once", () => {
    expect<string>(walk(0, TOWARD_DEPENDENCIES, ALL)).toBe("0,1,2,3,4");
  });

  it("follows only the chosen kinds", () => {
    expect<string>(walk(0, TOWARD_DEPENDENCIES, kindBit(DEP_REQUIRES))).toBe("0,1,3,4");
    expect<string>(walk(0, TOWARD_DEPENDENCIES, kindBit(DEP_WANTS))).toBe("0,2");
    expect<string>(walk(0, TOWARD_DEPENDENCIES, kindBit(DEP_REQUIRES) | kindBit(DEP_WANTS))).toBe("0,1,2,3,4");
    expect<string>(walk(2, TOWARD_DEPENDENCIES, kindBit(DEP_REQUIRES))).toBe("2");
  });

  it("walks toward dependents", () => {
    expect<string>(walk(4, TOWARD_DEPENDENTS, kindBit(DEP_REQUIRES))).toBe("4,3,1,0,5");
    expect<string>(walk(3, TOWARD_DEPENDENTS, ALL)).toBe("3,1,2,0,5");
  });

  it("collects a disabled service but walks through it only when told to (the start always)", () => {
    serviceState[3] = STATE_DISABLED;
    expect<string>(walk(0, TOWARD_DEPENDENCIES, ALL, NOT_THROUGH_DISABLED)).toBe("0,1,2,3");
    expect<string>(walk(3, TOWARD_DEPENDENCIES, ALL, NOT_THROUGH_DISABLED)).toBe("3,4");
    expect<string>(walk(0, TOWARD_DEPENDENCIES, ALL, THROUGH_DISABLED)).toBe("0,1,2,3,4");
    serviceState[3] = STATE_STOPPED;
  });

  it("terminates on cycles", () => {
    edgeInsert(4, 0, DEP_AFTER);
    expect<string>(walk(0, TOWARD_DEPENDENCIES, ALL)).toBe("0,1,2,3,4");
    expect<string>(walk(0, TOWARD_DEPENDENTS, ALL)).toBe("0,5,4,3,1,2");
  });

  it("starts afresh on every walk", () => {
    walk(0, TOWARD_DEPENDENCIES, ALL);
    expect<string>(walk(0, TOWARD_DEPENDENCIES, ALL)).toBe("0,1,2,3,4");
  });
});
