// placement/: nodes, specs, filter -> score -> select, all-or-nothing placement, explained
// refusals, exact capacity accounting and re-placement, through the ABI exports.
import {
  nodeRegister, nodeCapacity, nodeState, nodeRemove, nodeLabel, placementLabel, placementSpec, placementRequest, placementRule,
  placementPlace, placementRemove, placementCount, nodeResource, placementRefusal,
} from "../index";
import { E_INVALID_ARGUMENT, E_NO_NODE_FITS, E_DUPLICATE_NAME, OK } from "../errors";
import { PLACEMENT_NODES_MAX } from "../limits";
import { freshKernel, put, mustRegister, detailText } from "./support/kernel";

const CPU: i32 = 0, MEMORY: i32 = 1;

function node(name: string, tier: i32, cpu: i64, memory: i64): i32 {
  const id = nodeRegister(put(name), tier, 50, 50);
  expect<i32>(nodeCapacity(id, CPU, cpu)).toBe(OK);
  expect<i32>(nodeCapacity(id, MEMORY, memory)).toBe(OK);
  return id;
}

describe("placement", () => {
  beforeEach(() => { freshKernel(); });

  it("binpacks onto the fullest node that fits and accounts capacity exactly", () => {
    const a = node("a", 0, 1000, 1024), b = node("b", 0, 1000, 1024);
    const svc = mustRegister("svc");
    expect<i32>(placementSpec(svc, 2, 0, 0, 0)).toBe(OK);
    expect<i32>(placementRequest(svc, CPU, 300)).toBe(OK);
    expect<i32>(placementRequest(svc, MEMORY, 100)).toBe(OK);
    expect<i32>(placementPlace(svc, 3)).toBe(3);
    expect<i32>(placementCount(svc, a)).toBe(3); // the lowest id on the first tie, then the fullest
    expect<i64>(nodeResource(a, CPU, 1)).toBe(900);
    expect<i32>(placementPlace(svc, 1)).toBe(4);
    expect<i32>(placementCount(svc, b)).toBe(1);
    expect<i32>(placementRemove(svc, 4)).toBe(0);
    expect<i64>(nodeResource(a, CPU, 1) + nodeResource(b, CPU, 1) + nodeResource(a, MEMORY, 1)).toBe(0);
  });

  it("places all of a call or none, and explains the refusal per reason", () => {
    const a = node("a", 2, 1000, 1024);
    node("b", 0, 250, 1024);
    const svc = mustRegister("svc");
    placementSpec(svc, 1, 0, 0, 0);
    placementRequest(svc, CPU, 200);
    expect<i32>(placementPlace(svc, 2)).toBe(E_NO_NODE_FITS);
    expect<string>(detailText()).toBe("placement: service 'svc' instance 1: no node fits: 2 nodes, 1 of a tier the class may not use (hyphae: client only; critical: sclerotia only), 1 lack cpu (need 200, largest free 50 on node 'b')");
    expect<i32>(placementRefusal(1)).toBe(1);
    expect<i32>(placementRefusal(5 + CPU)).toBe(1);
    expect<i32>(placementCount(-1, -1) + placementCount(svc, a)).toBe(0);
    expect<i64>(nodeResource(1, CPU, 1)).toBe(0); // the first instance was released
  });

  it("re-places a dead node's instances and keeps forbidden labels away", () => {
    const a = node("a", 0, 1000, 1024), b = node("b", 0, 1000, 1024);
    const svc = mustRegister("svc");
    placementSpec(svc, 0, 1, 1, 0);
    placementRequest(svc, CPU, 100);
    expect<i32>(placementPlace(svc, 2)).toBe(2);
    expect<i32>(nodeState(a, 4)).toBe(1); // max-per-node 1: the second waits
    expect<i32>(placementCount(svc, b)).toBe(1);
    expect<i32>(nodeState(a, 1)).toBe(0); // back: placed again
    const ssd = placementLabel(put("disk=ssd"));
    expect<i32>(placementRule(svc, ssd, 1)).toBe(OK);
    expect<i32>(nodeLabel(b, ssd, 1)).toBe(OK);
    expect<i32>(placementCount(svc, b)).toBe(0);
    expect<i32>(placementCount(svc, -1)).toBe(1);
    expect<i32>(nodeRemove(b)).toBe(1);
  });

  it("refuses bad input, naming the node and value", () => {
    node("a", 0, 10, 10);
    expect<i32>(nodeRegister(put("a"), 0, 50, 50)).toBe(E_DUPLICATE_NAME);
    expect<i32>(nodeRegister(put("b"), 3, 50, 50)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("placement: node 'b': tier 3 is not sclerotia (0), rhizomorph (1) or hyphae (2)");
    expect<i32>(nodeState(PLACEMENT_NODES_MAX, 1)).toBe(E_INVALID_ARGUMENT);
    expect<i32>(nodeCapacity(0, 10, 1)).toBe(E_INVALID_ARGUMENT);
    expect<i32>(placementLabel(put("novalue="))).toBe(E_INVALID_ARGUMENT);
  });
});
