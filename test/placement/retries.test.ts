// Bounded move retries (issue 14): a move that keeps failing on its target is not planned there
// forever. At the kernel's retry limit (3 failed starts, docs/defaults.md) the target is excluded
// for that instance and the instance goes to the next-best node; when none is left the move is
// given up with an explained refusal (E_MOVE_GAVE_UP) and a plan event, and nothing is retried
// until an excluded node registers anew.
import { describe, expect, it } from "vitest";
import { Kernel, VirtualHal, Fleet, Plans, moveOf, planEventOf, type Move } from "../../host/index.ts";

const LIMIT = 3;

function setup(nodes: number) {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  kernel.register("api");
  const fleet = new Fleet(kernel);
  for (let i = 0; i < nodes; i++) fleet.addNode(`n${i}`, { tier: "sclerotia", capacity: { cpu: 4000 } });
  fleet.spec("api", { class: "client", request: { cpu: 500 }, scoring: "binpack", migration: { strategy: "blue-green", ms: 1000 } });
  fleet.place("api", 1); // binpack: on n0
  const plans = new Plans(kernel, fleet);
  expect(plans.round()).toBe(0);
  kernel.drainActions();
  kernel.readEvents();
  return { kernel, fleet, plans, slot: fleet.assignments()[0].slot };
}

const movesOf = (kernel: Kernel): Move[] => kernel.drainActions().map(moveOf).filter((m): m is Move => m !== undefined);
const planEvents = (kernel: Kernel) => kernel.readEvents().map(planEventOf).filter((e) => e !== undefined).map((e) => e!);

/** One round's single move, started and reported failed; returns the move and what the failure report threw (if anything). */
function failOnce(kernel: Kernel, plans: Plans): { move: Move; error: unknown } {
  expect(plans.round()).toBe(1);
  const [move] = movesOf(kernel);
  plans.report(move.slot, "started");
  try { plans.report(move.slot, "failed"); return { move, error: undefined }; } catch (error) { return { move, error }; }
}

describe("bounded move retries", () => {
  it("a target that fails every start is excluded after the limit: the instance goes to the next-best node, and the drain finishes there", () => {
    const { kernel, fleet, plans, slot } = setup(3);
    fleet.setState("n0", "draining");
    const first = failOnce(kernel, plans).move;
    expect(first).toMatchObject({ slot, trigger: "drain", strategy: "blue-green" });
    const bad = first.to;
    expect(plans.move(slot)).toMatchObject({ failures: 1, excluded: 0, gaveUp: false });
    for (let k = 2; k <= LIMIT; k++) {
      const { move, error } = failOnce(kernel, plans);
      expect(error).toBeUndefined();
      expect(move.to).toBe(bad); // retried on the same target until the limit
    }
    expect(plans.move(slot)).toMatchObject({ failures: LIMIT, excluded: 1, excludedNodes: [bad], gaveUp: false });
    const events = planEvents(kernel);
    expect(events.filter((e) => e.what === "failed").length).toBe(LIMIT);
    expect(events.find((e) => e.what === "retargeted")).toMatchObject({ slot, value: bad });
    expect(plans.round()).toBe(1);
    const [next] = movesOf(kernel);
    expect(next.to).not.toBe(bad);
    expect(next.to).not.toBe(fleet.node("n0"));
    plans.report(next.slot, "started");
    plans.report(next.slot, "done");
    expect(plans.move(slot)).toMatchObject({ state: "none", from: next.to, failures: 0 });
    expect(plans.round()).toBe(0); // converged: the excluded node is not tried again
  });

  it("no node left: the move is given up with an explained refusal naming the service, slot, target and failures, and never retried", () => {
    const { kernel, fleet, plans, slot } = setup(2);
    fleet.setState("n0", "draining");
    let last: unknown;
    for (let k = 1; k <= LIMIT; k++) last = failOnce(kernel, plans).error;
    expect(last).toMatchObject({ code: -304, message: expect.stringMatching(/service 'api'.*slot \d+: gave up moving it to node 'n1' after 3 failed starts there; no other node may take it/) });
    expect(plans.move(slot)).toMatchObject({ state: "none", gaveUp: true, excluded: 1 });
    expect(planEvents(kernel).find((e) => e.what === "gave-up")).toMatchObject({ slot, value: LIMIT });
    for (let round = 0; round < 5; round++) expect(plans.round()).toBe(0); // never retried
    expect(fleet.assignments().find((a) => a.slot === slot)!.node).toBeUndefined(); // waits for a node
    // the excluded node registers anew (an agent restarted): the instance is placed and moved again
    fleet.removeNode("n1");
    fleet.addNode("n1", { tier: "sclerotia", capacity: { cpu: 4000 } });
    expect(plans.round()).toBe(1);
    const [again] = movesOf(kernel);
    expect(again).toMatchObject({ slot, to: fleet.node("n1") });
  });

  it("a given-up move off a live node that still takes the instance leaves it where it runs", () => {
    const { kernel, fleet, plans, slot } = setup(2);
    plans.request(slot, "n1", 0, 1); // a manual move; n0 stays alive and accepting
    expect(plans.round()).toBe(1);
    let [move] = movesOf(kernel);
    let error: unknown;
    for (let k = 1; k <= LIMIT; k++) {
      if (k > 1) { expect(plans.round()).toBe(1); [move] = movesOf(kernel); }
      plans.report(move.slot, "started");
      try { plans.report(move.slot, "failed"); } catch (e) { error = e; }
    }
    // n1 excluded, the best node left is n0 where it runs: the move is over, nothing to carry out
    expect(error).toBeUndefined();
    expect(fleet.assignments().find((a) => a.slot === slot)!.node).toBe("n0");
    expect(plans.round()).toBe(0);
    expect(plans.move(slot)).toMatchObject({ state: "none", excluded: 1 });
  });

  it("excluding more targets than an instance holds gives the move up (fixed memory), even with nodes left", () => {
    const { kernel, fleet, plans, slot } = setup(5);
    fleet.setState("n0", "draining");
    const tried = new Set<number>();
    let error: unknown;
    for (let k = 0; k < 3 * LIMIT && error === undefined; k++) {
      const r = failOnce(kernel, plans);
      tried.add(r.move.to);
      error = r.error;
    }
    expect(tried.size).toBe(3); // two exclusions, then the third target's limit gives up
    expect(error).toMatchObject({ code: -304, message: expect.stringMatching(/each on its excluded nodes too/) });
    for (let round = 0; round < 3; round++) expect(plans.round()).toBe(0);
  });
});
