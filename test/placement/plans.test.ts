// Plans of moves (issue 13): on a node's death, a drain, a capacity shrink, a rule now broken,
// health degraded past the threshold for the duration or a manual request, the kernel plans the
// fewest moves that restore every invariant, emits each as an ACTION_MOVE with the service's
// migration strategy, and commits a move when the executor reports it done.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, Plans, moveOf, planEventOf, type Move, type PlacementSpec } from "../../host/index.ts";

function setup(spec: PlacementSpec, nodes = 3, instances = 6) {
  const hal = new VirtualHal();
  const kernel = new Kernel({ hal, profile: "release" });
  kernel.register("api");
  const fleet = new Fleet(kernel);
  for (let i = 0; i < nodes; i++) fleet.addNode(`n${i}`, { tier: "sclerotia", capacity: { cpu: 4000, memory: 4096 }, zone: `zone=z${i % 2}` });
  fleet.spec("api", spec);
  fleet.place("api", instances);
  const plans = new Plans(kernel, fleet);
  expect(plans.round()).toBe(0); // fresh placements are adopted where they are: nothing to move
  kernel.drainActions();
  kernel.readEvents();
  return { hal, kernel, fleet, plans };
}

const movesOf = (kernel: Kernel): Move[] => kernel.drainActions().map(moveOf).filter((m): m is Move => m !== undefined);
const slotsOn = (fleet: Fleet, node: string) => fleet.assignments().filter((a) => a.node === node).map((a) => a.slot);

/** The executor: starts and finishes every move. */
function execute(plans: Plans, moves: Move[]): void {
  for (const m of moves) plans.report(m.slot, "started");
  for (const m of moves) plans.report(m.slot, "done");
}

describe("plans of moves", () => {
  it("a node's death: exactly its instances move, all in one round (a failover), each with its strategy; done commits them", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, scoring: "spread", migration: { strategy: "rolling", batch: 1, ms: 2000 } });
    const victims = slotsOn(fleet, "n1");
    expect(victims.length).toBe(2);
    fleet.setState("n1", "dead");
    expect(plans.size().needed).toBe(2);
    expect(plans.round()).toBe(2);
    const moves = movesOf(kernel);
    expect(moves.map((m) => m.slot).sort()).toEqual(victims.sort());
    for (const m of moves) {
      expect(m).toMatchObject({ service: "api", strategy: "rolling", trigger: "death" });
      expect(["n0", "n2"]).toContain(fleet.nodeName(m.to));
      expect(plans.move(m.slot)).toMatchObject({ state: "planned", from: fleet.node("n1"), to: m.to, batch: 1, ms: 2000 });
    }
    expect(plans.size()).toMatchObject({ needed: 0, planned: 2, started: 0 });
    execute(plans, moves);
    expect(plans.size()).toMatchObject({ needed: 0, planned: 0, started: 0, rounds: 1 });
    for (const m of moves) expect(plans.move(m.slot)).toMatchObject({ state: "none", from: m.to, to: m.to });
    const events = kernel.readEvents().map(planEventOf).filter((e) => e !== undefined);
    expect(events.map((e) => e!.what)).toEqual(["planned", "started", "started", "done", "done"]);
    expect(plans.round()).toBe(0); // converged
  });

  it("more displaced instances than the plan remembers (a 256th of the slots, at least 64): their nodes stand in, and every one still moves once", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 10 }, scoring: "binpack", migration: { strategy: "blue-green", ms: 1000 } }, 3, 150);
    kernel.register("web"); // a second service, its instances interleaved with the first's in slot order
    fleet.spec("web", { class: "client", request: { cpu: 10 }, maxPerNode: 60, scoring: "binpack" });
    fleet.place("web", 100);
    expect(plans.round()).toBe(0);
    const victims = slotsOn(fleet, "n0");
    expect(victims.length).toBeGreaterThan(64 + 60);
    fleet.setState("n0", "dead");
    expect(plans.size().needed).toBe(victims.length);
    expect(plans.round()).toBe(victims.length);
    const moves = movesOf(kernel);
    expect(moves.map((m) => m.slot).sort((a, b) => a - b)).toEqual(victims.sort((a, b) => a - b)); // each once
    expect(moves.every((m) => m.trigger === "death")).toBe(true);
    for (const node of ["n1", "n2"]) expect(fleet.assignments().filter((a) => a.service === "web" && a.node === node).length).toBeLessThanOrEqual(60);
    execute(plans, moves);
    expect(plans.round()).toBe(0);
    expect(plans.size()).toMatchObject({ needed: 0, planned: 0, started: 0 });
  });

  it("a drain under rolling moves one batch at a time: the next batch waits for the previous one (the health gate)", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, maxPerNode: 0, migration: { strategy: "rolling", batch: 2, ms: 1000 } }, 3, 5);
    const on = slotsOn(fleet, "n0");
    expect(on.length).toBe(5); // binpack: all on the first node
    fleet.setState("n0", "draining");
    expect(plans.round()).toBe(2);
    const first = movesOf(kernel);
    expect(first.every((m) => m.trigger === "drain")).toBe(true);
    expect(plans.round()).toBe(0); // two in flight: the batch is full
    execute(plans, first);
    expect(plans.round()).toBe(2);
    execute(plans, movesOf(kernel));
    expect(plans.round()).toBe(1);
    execute(plans, movesOf(kernel));
    expect(plans.size().needed).toBe(0);
  });

  it("native shards rebalance at most the configured number per step; blue-green moves carry their gate", () => {
    const native = setup({ class: "client", request: { cpu: 100 }, deployment: { model: "native", shards: 8, rebalance: 3 } }, 3, 8);
    native.fleet.setState("n0", "draining");
    const counts: number[] = [];
    for (let round = 0; round < 5; round++) {
      const n = native.plans.round();
      counts.push(n);
      execute(native.plans, movesOf(native.kernel));
    }
    expect(counts).toEqual([3, 3, 2, 0, 0]);
    const bg = setup({ class: "client", request: { cpu: 100 }, migration: { strategy: "blue-green", ms: 30_000 } }, 3, 4);
    bg.fleet.setState("n0", "draining");
    expect(bg.plans.round()).toBe(4); // blue-green moves the whole set at once
    const moves = movesOf(bg.kernel);
    expect(moves.every((m) => m.strategy === "blue-green")).toBe(true);
    expect(bg.plans.move(moves[0].slot)).toMatchObject({ strategy: "blue-green", ms: 30_000 });
  });

  it("a rule now broken moves only the instances it breaks (trigger rule)", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, scoring: "spread", rules: [{ label: "disk=hdd", action: "forbid" }] });
    fleet.setLabel("n2", "disk=hdd", true);
    expect(plans.size().needed).toBe(2);
    expect(plans.round()).toBe(1); // rolling by default, a batch of 1: off a live node, one at a time
    const moves = movesOf(kernel);
    execute(plans, moves);
    expect(plans.round()).toBe(1);
    moves.push(...movesOf(kernel));
    expect(moves.every((m) => m.trigger === "rule" && fleet.nodeName(m.to) !== "n2")).toBe(true);
  });

  it("a capacity shrink moves the fewest instances: the largest request first", () => {
    const hal = new VirtualHal();
    const kernel = new Kernel({ hal, profile: "release" });
    const fleet = new Fleet(kernel);
    for (const name of ["small", "big"]) kernel.register(name);
    fleet.addNode("a", { tier: "sclerotia", capacity: { memory: 1000 } });
    fleet.addNode("b", { tier: "sclerotia", capacity: { memory: 1000 } });
    fleet.spec("small", { class: "client", request: { memory: 100 }, assignment: "direct", nodes: ["a", "b"] });
    fleet.spec("big", { class: "client", request: { memory: 500 }, assignment: "direct", nodes: ["a", "b"] });
    fleet.place("small", 3);
    fleet.place("big", 1);
    const plans = new Plans(kernel, fleet);
    plans.round();
    kernel.drainActions();
    expect(fleet.used("a").memory).toBe(800);
    expect(plans.shrink("a", "memory", 400)).toBe(0);
    expect(fleet.capacity("a").memory).toBe(400);
    expect(fleet.used("a").memory).toBe(300);
    expect(plans.round()).toBe(1);
    const [move] = movesOf(kernel);
    expect(move).toMatchObject({ service: "big", trigger: "shrink" });
    expect(fleet.nodeName(move.to)).toBe("b");
  });

  it("health below the threshold for the duration drains the node (trigger health); shorter does not", () => {
    const { hal, kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, scoring: "spread", migration: { strategy: "live", ms: 200 } });
    plans.settings({ healthThreshold: 60, healthDurationMs: 1000, promoteAfterMs: 60_000 });
    expect(plans.health("n1", 40)).toBe(false);
    hal.advance(999); kernel.tick();
    expect(plans.health("n1", 40)).toBe(false);
    expect(fleet.nodeView("n1").state).toBe("alive");
    hal.advance(1); kernel.tick();
    expect(plans.health("n1", 40)).toBe(true);
    expect(fleet.nodeView("n1").state).toBe("draining");
    expect(plans.round()).toBe(2);
    expect(movesOf(kernel).every((m) => m.trigger === "health")).toBe(true);
    expect(() => plans.settings({ healthThreshold: 0, healthDurationMs: 1, promoteAfterMs: 1 })).toThrow(/threshold 0 \(1\.\.100\)/);
  });

  it("a manual move is audited with its requester and reason; a request without them changes nothing", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, scoring: "spread" });
    const slot = slotsOn(fleet, "n0")[0];
    expect(() => plans.request(slot, "n2", 7, 0)).toThrow(expect.objectContaining({ code: -303 }));
    expect(fleet.assignments().find((a) => a.slot === slot)!.node).toBe("n0");
    plans.request(slot, "n2", 7, 3);
    const requested = kernel.readEvents().map(planEventOf).find((e) => e?.what === "requested")!;
    expect(requested).toMatchObject({ slot, value: 7 });
    expect(plans.round()).toBe(1);
    expect(movesOf(kernel)[0]).toMatchObject({ slot, trigger: "manual" });
  });

  it("a failed move is planned again at the next round; reports out of order are refused", () => {
    const { kernel, fleet, plans } = setup({ class: "client", request: { cpu: 500 }, scoring: "spread" });
    fleet.setState("n0", "dead");
    expect(plans.round()).toBe(2);
    const [m] = movesOf(kernel);
    expect(() => plans.report(m.slot, "done")).toThrow(expect.objectContaining({ code: -300, message: expect.stringMatching(/slot \d+ has no started move/) }));
    plans.report(m.slot, "started");
    plans.report(m.slot, "failed");
    expect(plans.move(m.slot).state).toBe("none");
    expect(plans.round()).toBe(1);
    expect(movesOf(kernel)[0].slot).toBe(m.slot);
  });
});

describe("promotion", () => {
  it("a rhizomorph healthy for the period becomes promotable (an event); promote makes it a sclerotia, and critical gets its backup", () => {
    const hal = new VirtualHal();
    const kernel = new Kernel({ hal, profile: "release" });
    kernel.register("db");
    const fleet = new Fleet(kernel);
    const plans = new Plans(kernel, fleet);
    plans.settings({ healthThreshold: 50, healthDurationMs: 1000, promoteAfterMs: 10_000 });
    fleet.addNode("s", { tier: "sclerotia", capacity: { cpu: 1000 } });
    fleet.addNode("r", { tier: "rhizomorph", capacity: { cpu: 1000 } });
    fleet.spec("db", { class: "critical", request: { cpu: 100 } });
    fleet.place("db", 1);
    expect(fleet.backupsMissing("db")).toBe(1); // one sclerotia: no backup on another
    plans.health("r", 90);
    hal.advance(9_999); kernel.tick();
    plans.health("r", 90);
    expect(plans.promotable("r")).toBe(false);
    expect(() => plans.promote("r")).toThrow(/node 'r' is not promotable: .*healthy for 9999 ms of 10000/);
    expect(fleet.nodeView("r").tier).toBe("rhizomorph");
    kernel.readEvents();
    hal.advance(1); kernel.tick();
    plans.health("r", 90);
    expect(plans.promotable("r")).toBe(true);
    expect(kernel.readEvents().map(planEventOf).filter((e) => e?.what === "promotable")).toHaveLength(1);
    expect(() => plans.promote("s")).toThrow(expect.objectContaining({ code: -301 }));
    plans.promote("r");
    expect(fleet.nodeView("r").tier).toBe("sclerotia");
    expect(fleet.backupsMissing("db")).toBe(0);
    expect(fleet.assignments()[0].backups).toEqual(["r"]);
    expect(plans.promotable("r")).toBe(false);
  });

  it("a dip below the threshold restarts the period", () => {
    const hal = new VirtualHal();
    const kernel = new Kernel({ hal, profile: "release" });
    const fleet = new Fleet(kernel);
    const plans = new Plans(kernel, fleet);
    plans.settings({ healthThreshold: 50, healthDurationMs: 60_000, promoteAfterMs: 1000 });
    fleet.addNode("r", { tier: "rhizomorph", capacity: { cpu: 1000 } });
    plans.health("r", 80);
    hal.advance(600); kernel.tick();
    plans.health("r", 10);
    hal.advance(600); kernel.tick();
    plans.health("r", 80);
    expect(plans.promotable("r")).toBe(false);
    hal.advance(1000); kernel.tick();
    plans.health("r", 80);
    expect(plans.promotable("r")).toBe(true);
  });
});
