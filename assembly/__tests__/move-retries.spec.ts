// placement/exclusions.ts and retry.ts: bounded move retries. Failures are counted per instance
// and target; at the limit the target is excluded for that instance until the node registers
// anew (its era), a third exclusion gives the move up, and a given-up instance is parked.
import { nodeRegister, nodeCapacity, nodeState, nodeRemove, placementSpec, placementRequest, placementPlace } from "../index";
import { planRound, planMoveReport, planMove } from "../placement/plan-abi";
import { excludedFor, exclude, exclusionsOf, noteFailure, parked } from "../placement/exclusions";
import { plans, MOVE_RETRY_LIMIT, EXCLUDED_PER_SLOT, GAVE_UP } from "../placement/moves";
import { E_MOVE_GAVE_UP, OK } from "../errors";
import { freshKernel, put, mustRegister, detailText } from "./support/kernel";

const CPU: i32 = 0;
const DRAINING: i32 = 3;

function node(name: string): i32 {
  const id = nodeRegister(put(name), 0, 50, 50);
  expect<i32>(nodeCapacity(id, CPU, 4000)).toBe(OK);
  return id;
}

/** One instance of a client service on node a (binpack, the lowest id first); returns its slot. */
function oneInstance(): i32 {
  const svc = mustRegister("api");
  expect<i32>(placementSpec(svc, 2, 0, 0, 0)).toBe(OK);
  expect<i32>(placementRequest(svc, CPU, 500)).toBe(OK);
  expect<i32>(placementPlace(svc, 1)).toBe(1);
  expect<i32>(planRound()).toBe(0);
  return 0;
}

/** A planning round's one move, started then failed; returns the failure report's status. */
function failOnce(slot: i32): i32 {
  expect<i32>(planRound()).toBe(1);
  expect<i32>(planMoveReport(slot, 0)).toBe(OK);
  return planMoveReport(slot, 2);
}

describe("move retries: the table", () => {
  beforeEach(() => { freshKernel(); });

  it("counts consecutive failures per target and starts afresh on another target", () => {
    const a = node("a"), b = node("b");
    oneInstance();
    expect<i32>(noteFailure(0, a)).toBe(1);
    expect<i32>(noteFailure(0, a)).toBe(2);
    expect<i32>(noteFailure(0, b)).toBe(1);
  });

  it("holds EXCLUDED_PER_SLOT exclusions; a node registered anew frees its entry", () => {
    const a = node("a"), b = node("b"), c = node("c");
    oneInstance();
    expect<bool>(exclude(0, a)).toBe(true);
    expect<bool>(exclude(0, b)).toBe(true);
    expect<i32>(EXCLUDED_PER_SLOT).toBe(2);
    expect<bool>(exclude(0, c)).toBe(false); // full
    expect<bool>(excludedFor(0, a) && excludedFor(0, b) && !excludedFor(0, c)).toBe(true);
    expect<i32>(nodeRemove(b)).toBeGreaterThanOrEqual(0);
    const again = node("b");
    expect<bool>(excludedFor(0, again)).toBe(false); // a new era
    expect<i32>(exclusionsOf(0)).toBe(1);
    expect<bool>(exclude(0, c)).toBe(true);
  });

  it("a parked slot stays parked while its exclusions are in force", () => {
    const a = node("a"), b = node("b");
    oneInstance();
    exclude(0, a);
    exclude(0, b);
    plans.failCount[0] = GAVE_UP;
    expect<bool>(parked(0)).toBe(true);
    nodeRemove(a);
    expect<bool>(parked(0)).toBe(true); // gone is not back
    node("a"); // registered anew: a new era
    expect<bool>(parked(0)).toBe(false);
    expect<u8>(plans.failCount[0]).toBe(0);
  });
});

describe("move retries: the plan", () => {
  beforeEach(() => { freshKernel(); });

  it("retries a failing target up to the limit, then plans the next-best node", () => {
    const a = node("a");
    node("b");
    node("c");
    const slot = oneInstance();
    expect<i32>(nodeState(a, DRAINING)).toBeGreaterThanOrEqual(0);
    const first = planMove(slot, 2); // the drain placed it there already
    expect<bool>(first != a).toBe(true);
    for (let k = 0; k < MOVE_RETRY_LIMIT; k++) {
      expect<i32>(planMove(slot, 2)).toBe(first); // the same target until the limit
      expect<i32>(failOnce(slot)).toBe(OK);
      if (k < MOVE_RETRY_LIMIT - 1) expect<i32>(planMove(slot, 7)).toBe(k + 1);
    }
    expect<bool>(excludedFor(slot, first)).toBe(true);
    expect<i32>(planMove(slot, 8)).toBe(1);
    expect<i32>(planRound()).toBe(1);
    const next = planMove(slot, 2);
    expect<bool>(next != first && next != a).toBe(true);
  });

  it("gives up with the explained refusal when no node is left, and plans nothing more", () => {
    const a = node("a");
    node("b");
    const slot = oneInstance();
    nodeState(a, DRAINING);
    for (let k = 1; k < MOVE_RETRY_LIMIT; k++) expect<i32>(failOnce(slot)).toBe(OK);
    expect<i32>(failOnce(slot)).toBe(E_MOVE_GAVE_UP);
    expect<string>(detailText()).toBe("plan: service 'api' assignment slot 0: gave up moving it to node 'b' after 3 failed starts there; no other node may take it: it waits until an excluded node rejoins or one fits");
    expect<i32>(planMove(slot, 7)).toBe(MOVE_RETRY_LIMIT | <i32>GAVE_UP);
    expect<i32>(planRound()).toBe(0);
    expect<i32>(planRound()).toBe(0);
  });
});
