// lifecycle/dependencies.ts (through the exported ABI): declaring and removing dependencies.
import { dependencyAdd, dependencyAddByName, dependencyRemove, serviceStart, serviceStop, order } from "../index";
import {
  OK, E_SELF_DEPENDENCY, E_DUPLICATE_DEPENDENCY, E_UNKNOWN_DEPENDENCY, E_INVALID_KIND, E_CAPACITY_EDGES,
  E_NO_SUCH_DEPENDENCY, E_SERVICE_ACTIVE, E_UNKNOWN_SERVICE, E_NAME_INVALID_CHAR, E_IO_LENGTH,
} from "../errors";
import { EDGES_MAX, SERVICES_MAX } from "../limits";
import { DEP_REQUIRES, DEP_WANTS, DEP_AFTER, edgesFree, edgeFind, edgeKind, NO_EDGE } from "../graph/edges";
import { freshKernel, mustRegister, put, detailText, answerAll } from "./support/kernel";

describe("declaring dependencies", () => {
  beforeEach(() => { freshKernel(); });

  it("records the edge with its kind", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    const d = mustRegister("d");
    expect<i32>(dependencyAdd(a, b, DEP_REQUIRES)).toBe(OK);
    expect<i32>(dependencyAdd(a, c, DEP_WANTS)).toBe(OK);
    expect<i32>(dependencyAdd(a, d, DEP_AFTER)).toBe(OK);
    expect<u8>(edgeKind[edgeFind(a, c)]).toBe(DEP_WANTS);
    expect<u8>(edgeKind[edgeFind(a, d)]).toBe(DEP_AFTER);
  });

  it("refuses a kind other than requires, wants or after", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    expect<i32>(dependencyAdd(a, b, 0)).toBe(E_INVALID_KIND);
    expect<string>(detailText()).toBe("service 'a': dependency kind 0 is not requires (1), wants (2) or after (3)");
    expect<i32>(dependencyAdd(a, b, 4)).toBe(E_INVALID_KIND);
  });

  it("refuses an unknown dependent or dependency", () => {
    const a = mustRegister("a");
    expect<i32>(dependencyAdd(7, a, DEP_REQUIRES)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(dependencyAdd(a, 7, DEP_WANTS)).toBe(E_UNKNOWN_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' wants service id 7, which is not registered");
    expect<i32>(dependencyAdd(a, -1, DEP_REQUIRES)).toBe(E_UNKNOWN_DEPENDENCY);
    expect<i32>(dependencyAdd(a, SERVICES_MAX, DEP_REQUIRES)).toBe(E_UNKNOWN_DEPENDENCY);
  });

  it("refuses a self dependency", () => {
    const a = mustRegister("a");
    expect<i32>(dependencyAdd(a, a, DEP_REQUIRES)).toBe(E_SELF_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' cannot require itself");
    expect<i32>(dependencyAdd(a, a, DEP_WANTS)).toBe(E_SELF_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' cannot want itself");
    expect<i32>(dependencyAdd(a, a, DEP_AFTER)).toBe(E_SELF_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' cannot start after itself");
  });

  it("refuses a second edge between the same pair, whatever its kind", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    dependencyAdd(a, b, DEP_REQUIRES);
    expect<i32>(dependencyAdd(a, b, DEP_REQUIRES)).toBe(E_DUPLICATE_DEPENDENCY);
    expect<i32>(dependencyAdd(a, b, DEP_AFTER)).toBe(E_DUPLICATE_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' already depends on 'b'");
    expect<i32>(dependencyAdd(b, a, DEP_AFTER)).toBe(OK); // the other direction is another edge (a cycle)
  });

  it("refuses changes while the dependent is active", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    dependencyAdd(a, b, DEP_WANTS);
    serviceStart(a);
    expect<i32>(dependencyAdd(a, c, DEP_REQUIRES)).toBe(E_SERVICE_ACTIVE);
    expect<string>(detailText()).toBe("service 'a' is active; stop it before changing its dependencies");
    expect<i32>(dependencyRemove(a, b)).toBe(E_SERVICE_ACTIVE);
    expect<i32>(dependencyAdd(c, a, DEP_REQUIRES)).toBe(OK); // a dependency may be active
    answerAll();
    serviceStop(a);
    answerAll();
    expect<i32>(dependencyRemove(a, b)).toBe(OK);
  });

  it("runs out of edge slots with an error", () => {
    const ids = new Array<i32>(50);
    for (let i = 0; i < 50; i++) ids[i] = mustRegister("s" + i.toString());
    let added = 0;
    for (let i = 0; i < 50 && added < EDGES_MAX; i++) {
      for (let j = 0; j < i && added < EDGES_MAX; j++) {
        expect<i32>(dependencyAdd(ids[i], ids[j], DEP_AFTER)).toBe(OK);
        added++;
      }
    }
    expect<i32>(edgesFree()).toBe(0);
    expect<i32>(dependencyAdd(ids[0], ids[49], DEP_REQUIRES)).toBe(E_CAPACITY_EDGES);
    expect<string>(detailText()).toBe("service 's0' -> 's49': all 1024 dependency slots are in use");
    expect<i32>(order()).toBe(50); // still acyclic: edges point to lower ids only
  });
});

describe("dependencies by name", () => {
  beforeEach(() => { freshKernel(); });

  it("resolve the name", () => {
    const a = mustRegister("a");
    const db = mustRegister("db");
    expect<i32>(dependencyAddByName(a, put("db"), DEP_REQUIRES)).toBe(OK);
    expect<i32>(edgeFind(a, db)).not.toBe(NO_EDGE);
  });

  it("name an unknown dependency in the error", () => {
    const a = mustRegister("a");
    expect<i32>(dependencyAddByName(a, put("ghost"), DEP_REQUIRES)).toBe(E_UNKNOWN_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' requires 'ghost', which is not registered");
    expect<i32>(dependencyAddByName(a, put("ghost"), 9)).toBe(E_UNKNOWN_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' depends on 'ghost', which is not registered");
  });

  it("validate the name and its length", () => {
    const a = mustRegister("a");
    expect<i32>(dependencyAddByName(a, put("no way"), DEP_REQUIRES)).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(dependencyAddByName(a, -1, DEP_REQUIRES)).toBe(E_IO_LENGTH);
    expect<i32>(dependencyAddByName(5, put("a"), DEP_REQUIRES)).toBe(E_UNKNOWN_SERVICE);
  });

  it("still check the kind once the name resolves", () => {
    const a = mustRegister("a");
    mustRegister("b");
    expect<i32>(dependencyAddByName(a, put("b"), 0)).toBe(E_INVALID_KIND);
  });
});

describe("removing dependencies", () => {
  beforeEach(() => { freshKernel(); });

  it("removes a declared edge and frees its slot", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    dependencyAdd(a, b, DEP_REQUIRES);
    expect<i32>(dependencyRemove(a, b)).toBe(OK);
    expect<i32>(edgeFind(a, b)).toBe(NO_EDGE);
    expect<i32>(edgesFree()).toBe(EDGES_MAX);
  });

  it("refuses an edge that is not declared", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    dependencyAdd(b, a, DEP_REQUIRES);
    expect<i32>(dependencyRemove(a, b)).toBe(E_NO_SUCH_DEPENDENCY);
    expect<string>(detailText()).toBe("service 'a' does not depend on service id 1");
    expect<i32>(dependencyRemove(a, 99)).toBe(E_NO_SUCH_DEPENDENCY);
    expect<i32>(dependencyRemove(99, a)).toBe(E_UNKNOWN_SERVICE);
  });
});
