// Make-before-break capacity (assembly/placement/hold.ts): a blue-green or live move holds the
// capacity on both nodes until the executor reports it done, so no third placement can take the
// room the move still needs; a rolling move, a move off a dead node and a shrink hold nothing.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, Plans, moveOf, MycoError, type Move, type Migration } from "../../host/index.ts";

function setup(strategy: Migration) {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  const fleet = new Fleet(kernel);
  const plans = new Plans(kernel, fleet);
  fleet.addNode("a", { tier: "sclerotia", capacity: { cpu: 1000, memory: 1000 } });
  fleet.addNode("b", { tier: "sclerotia", capacity: { cpu: 1000, memory: 1000 } });
  kernel.register("api");
  kernel.register("batch");
  fleet.spec("api", { class: "client", request: { cpu: 600 }, migration: strategy === "rolling" ? { strategy, batch: 1, ms: 100 } : { strategy, ms: 100 } });
  fleet.spec("batch", { class: "client", request: { cpu: 500 } });
  fleet.place("api", 1);
  const slot = fleet.assignments()[0].slot;
  const from = fleet.assignments()[0].node!;
  const to = from === "a" ? "b" : "a";
  plans.round(); // adopted where it was placed
  kernel.drainActions();
  return { kernel, fleet, plans, slot, from, to };
}

const movesOf = (kernel: Kernel): Move[] => kernel.drainActions().map(moveOf).filter((m): m is Move => m !== undefined);
const refused = (f: () => unknown): string => {
  try { f(); } catch (error) { if (error instanceof MycoError) return error.message; throw error; }
  return "";
};

describe("a move holds capacity on both nodes until it is done", () => {
  for (const strategy of ["blue-green", "live"] as const) {
    it(`${strategy}: a drained node keeps the old instance's room until the move is done; a third placement cannot take it`, () => {
      const { kernel, fleet, plans, slot, from, to } = setup(strategy);
      fleet.setState(from, "draining");
      expect(plans.round()).toBe(1);
      const [move] = movesOf(kernel);
      expect(move).toMatchObject({ slot, strategy, trigger: "drain" });
      fleet.setState(from, "alive"); // back: it could take instances again, but its room is still the old instance's
      expect(fleet.assignments()[0].node).toBe(to); // the target is committed at once
      expect(fleet.used(to).cpu).toBe(600);
      expect(fleet.used(from).cpu).toBe(0);
      expect(fleet.held(from).cpu).toBe(600); // and the source is held
      expect(fleet.free(from).cpu).toBe(400);
      expect(refused(() => fleet.place("batch", 1))).toMatch(/no node fits: 2 nodes, 2 lack cpu \(need 500, largest free 400/);
      plans.report(slot, "started");
      expect(fleet.held(from).cpu).toBe(600); // under way: still held
      expect(refused(() => fleet.place("batch", 1))).toMatch(/no node fits/);
      plans.report(slot, "done");
      expect(fleet.held(from).cpu).toBe(0); // the new instance took over: the old room is free
      fleet.place("batch", 1);
      expect(fleet.assignments().find((a) => a.service === "batch")!.node).toBe(from);
    });
  }

  it("a failed move keeps the hold (the old instance still runs) until the move is planned again and done", () => {
    const { kernel, fleet, plans, slot, from } = setup("blue-green");
    fleet.setState(from, "draining");
    plans.round();
    movesOf(kernel);
    plans.report(slot, "started");
    plans.report(slot, "failed");
    expect(fleet.held(from).cpu).toBe(600);
    expect(plans.round()).toBe(1);
    movesOf(kernel);
    plans.report(slot, "started");
    plans.report(slot, "done");
    expect(fleet.held(from).cpu).toBe(0);
  });

  it("moved back to the node it runs on, the instance takes its held room again (no double count)", () => {
    const { fleet, plans, slot, from } = setup("blue-green");
    fleet.setState(from, "draining");
    fleet.setState(from, "alive");
    plans.request(slot, from, 1, 1);
    expect(fleet.assignments()[0].node).toBe(from);
    expect(fleet.used(from).cpu).toBe(600);
    expect(fleet.held(from).cpu).toBe(0);
  });

  it("removing the instance mid-move releases its hold", () => {
    const { fleet, from } = setup("live");
    fleet.setState(from, "draining");
    fleet.remove("api", 1);
    expect(fleet.held(from).cpu).toBe(0);
  });

  it("holds nothing for a rolling move, a move off a dead node, or a shrink (that room is gone)", () => {
    const rolling = setup("rolling");
    rolling.fleet.setState(rolling.from, "draining");
    expect(rolling.fleet.held(rolling.from).cpu).toBe(0);
    const dead = setup("blue-green");
    dead.fleet.setState(dead.from, "dead");
    expect(dead.fleet.held(dead.from).cpu).toBe(0);
    const shrink = setup("blue-green");
    shrink.plans.shrink(shrink.from, "cpu", 100);
    expect(shrink.fleet.held(shrink.from).cpu).toBe(0);
    expect(shrink.fleet.capacity(shrink.from).cpu).toBe(100);
  });

  it("a capacity change below what is used and held is refused, naming both", () => {
    const { fleet, from } = setup("blue-green");
    fleet.setState(from, "draining");
    expect(refused(() => fleet.setCapacity(from, { cpu: 500 }))).toMatch(/cpu capacity 500 is below what its instances use \(600, moves off it under way included\)/);
  });
});
