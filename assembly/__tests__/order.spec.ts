// graph/order.ts and graph/cycles.ts: start order in waves, and cycle paths in the error detail.
import {
  order, orderWaveCount, dependencyAdd, dependencyRemove, ioBuffer, serviceUnregister, serviceStart,
} from "../index";
import { DEP_REQUIRES, DEP_WANTS, DEP_AFTER } from "../graph/edges";
import { E_DEPENDENCY_CYCLE, OK } from "../errors";
import { SERVICES_MAX } from "../limits";
import { freshKernel, mustRegister, nameOf, detailText } from "./support/kernel";

/** order() as "name@wave name@wave ..." (or the error code). */
function orderText(): string {
  const count = order();
  if (count < 0) return "error " + count.toString();
  const ids = new Array<i32>(count);
  const waves = new Array<i32>(count);
  for (let i = 0; i < count; i++) {
    ids[i] = <i32>load<u16>(ioBuffer() + <usize>(i * 4));
    waves[i] = <i32>load<u16>(ioBuffer() + <usize>(i * 4 + 2));
  }
  let s = "";
  for (let i = 0; i < count; i++) s += (i > 0 ? " " : "") + nameOf(ids[i]) + "@" + waves[i].toString();
  return s;
}

function add(from: i32, to: i32, kind: u8 = DEP_REQUIRES): void {
  expect<i32>(dependencyAdd(from, to, kind)).toBe(OK);
}

describe("start order", () => {
  beforeEach(() => { freshKernel(); });

  it("is empty without services", () => {
    expect<i32>(order()).toBe(0);
    expect<i32>(orderWaveCount()).toBe(0);
  });

  it("puts independent services in wave 0 by ascending id", () => {
    mustRegister("c");
    mustRegister("a");
    mustRegister("b");
    expect<string>(orderText()).toBe("c@0 a@0 b@0");
    expect<i32>(orderWaveCount()).toBe(1);
  });

  it("writes (u16 id, u16 wave) records and returns the count", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    add(a, b);
    expect<i32>(order()).toBe(2);
    expect<u16>(load<u16>(ioBuffer())).toBe(<u16>b);
    expect<u16>(load<u16>(ioBuffer(), 2)).toBe(0);
    expect<u16>(load<u16>(ioBuffer(), 4)).toBe(<u16>a);
    expect<u16>(load<u16>(ioBuffer(), 6)).toBe(1);
  });

  it("orders a chain by its dependencies, not by registration", () => {
    const c = mustRegister("c");
    const b = mustRegister("b");
    const a = mustRegister("a");
    add(c, b);
    add(b, a);
    expect<string>(orderText()).toBe("a@0 b@1 c@2");
    expect<i32>(orderWaveCount()).toBe(3);
  });

  it("gives a diamond three waves, ids ascending within a wave whatever the edge order", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    const d = mustRegister("d");
    add(c, a); // c reaches wave 1 before b does in Kahn's queue; the wave is sorted anyway
    add(b, a);
    add(d, c);
    add(d, b);
    expect<string>(orderText()).toBe("a@0 b@1 c@1 d@2");
  });

  it("puts a service one wave after its latest dependency", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    const x = mustRegister("x");
    add(b, a);
    add(c, b);
    add(x, a);
    add(x, c); // x waits for c (wave 2), not just a (wave 0)
    expect<string>(orderText()).toBe("a@0 b@1 c@2 x@3");
  });

  it("orders by every kind: requires, wants and after", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    add(a, b, DEP_AFTER);
    add(b, c, DEP_WANTS);
    expect<string>(orderText()).toBe("c@0 b@1 a@2");
  });

  it("is deterministic: the same graph built in another edge order gives the same result", () => {
    const ids = new Array<i32>(8);
    for (let i = 0; i < 8; i++) ids[i] = mustRegister("s" + i.toString());
    add(ids[7], ids[0]); add(ids[6], ids[0]); add(ids[5], ids[6]); add(ids[4], ids[7]); add(ids[3], ids[5]);
    add(ids[2], ids[4]); add(ids[1], ids[3]); add(ids[1], ids[2]);
    const first = orderText();
    expect<string>(orderText()).toBe(first);
    freshKernel();
    for (let i = 0; i < 8; i++) ids[i] = mustRegister("s" + i.toString());
    add(ids[1], ids[2]); add(ids[1], ids[3]); add(ids[2], ids[4]); add(ids[3], ids[5]); add(ids[4], ids[7]);
    add(ids[5], ids[6]); add(ids[6], ids[0]); add(ids[7], ids[0]);
    expect<string>(orderText()).toBe(first);
    expect<string>(first).toBe("s0@0 s6@1 s7@1 s4@2 s5@2 s2@3 s3@3 s1@4");
  });

  it("leaves out unregistered services", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    mustRegister("c");
    add(b, a);
    expect<i32>(serviceUnregister(b)).toBe(OK);
    expect<string>(orderText()).toBe("a@0 c@0");
  });

  it("orders a full service table", () => {
    const first = mustRegister("n0");
    let previous = first;
    for (let i = 1; i < SERVICES_MAX; i++) {
      const id = mustRegister("n" + i.toString());
      add(id, previous);
      previous = id;
    }
    expect<i32>(order()).toBe(SERVICES_MAX);
    expect<i32>(orderWaveCount()).toBe(SERVICES_MAX);
  });
});

describe("dependency cycles", () => {
  beforeEach(() => { freshKernel(); });

  it("reports a two-service cycle with its path", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    add(a, b);
    add(b, a, DEP_AFTER);
    expect<i32>(order()).toBe(E_DEPENDENCY_CYCLE);
    expect<string>(detailText()).toBe("dependency cycle: a -> b -> a");
  });

  it("reports only the cycle, not the services behind it", () => {
    const front = mustRegister("front");
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    add(front, a);
    add(a, b);
    add(b, c);
    add(c, a);
    expect<i32>(order()).toBe(E_DEPENDENCY_CYCLE);
    expect<string>(detailText()).toBe("dependency cycle: a -> b -> c -> a");
  });

  it("reports every cycle in disconnected parts of the graph", () => {
    const g = mustRegister("g"); // behind the first cycle
    const a = mustRegister("a");
    const b = mustRegister("b");
    const ok = mustRegister("ok"); // a healthy part in between
    const c = mustRegister("c");
    const d = mustRegister("d");
    const e = mustRegister("e");
    const lone = mustRegister("lone");
    add(g, a);
    add(a, b);
    add(b, a, DEP_WANTS);
    add(ok, lone);
    add(c, d);
    add(d, e);
    add(e, c, DEP_AFTER);
    expect<i32>(order()).toBe(E_DEPENDENCY_CYCLE);
    expect<string>(detailText()).toBe("dependency cycle: a -> b -> a; c -> d -> e -> c");
  });

  it("reports one cycle per tangle when cycles share a service", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    add(a, b);
    add(a, c);
    add(b, a);
    add(c, a);
    expect<i32>(order()).toBe(E_DEPENDENCY_CYCLE);
    expect<string>(detailText()).toBe("dependency cycle: a -> b -> a");
  });

  it("starts nothing while a cycle exists, and recovers once it is broken", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    add(a, b);
    add(b, a);
    expect<i32>(serviceStart(a)).toBe(E_DEPENDENCY_CYCLE);
    expect<string>(detailText()).toBe("dependency cycle: a -> b -> a");
    expect<i32>(dependencyRemove(b, a)).toBe(OK);
    expect<string>(orderText()).toBe("b@0 a@1");
    expect<i32>(serviceStart(a)).toBe(OK);
  });
});
