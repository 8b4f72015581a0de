// lifecycle/resize.ts (through the exported ABI): a running service's instance count changes
// while it runs. Growing spawns the new ordinals in order; shrinking drains the leaving ones
// (the balancer stops picking them), stops them once idle or at the drain deadline, then
// releases their slots; consistent hashing moves only the keys the changed ordinals own.
import {
  serviceSetInstances, serviceStart, serviceStop, serviceInstances, serviceInstance, serviceState, instanceState,
  balancePick, balancePickKey, balanceRequestFinished, instanceExited, eventsNextSeq, tick,
} from "../index";
import { OK, E_RESIZE_PENDING, E_SERVICE_ACTIVE, E_INVALID_COUNT } from "../errors";
import { STATE_RUNNING, STATE_STOPPING, STATE_STOPPED } from "../registry/states";
import { STRATEGY_CONSISTENT_HASH } from "../balance/tables";
import { EVENT_INSTANCES_SET, EVENT_INSTANCE_STATE } from "../log/events";
import { CAUSE_SCALE } from "../lifecycle/causes";
import { DRAIN_MS_DEFAULT } from "../lifecycle/leaving";
import { instancesFree } from "../registry/instances";
import { INSTANCES_MAX } from "../limits";
import { applyStrategy } from "./support/records";
import { freshKernel, mustRegister, answerAll, drain, detailText, readAllEvents } from "./support/kernel";
import { advanceMs } from "./support/hal";

function running(count: i32): i32 {
  const id = mustRegister("web", count);
  serviceStart(id);
  answerAll();
  expect<i32>(serviceState(id)).toBe(STATE_RUNNING);
  return id;
}

/** The instance a key goes to, as one finished request (nothing stays in flight). */
function ownerOf(id: i32, key: u32): i32 {
  const handle = balancePickKey(id, key);
  balanceRequestFinished(handle, 1, 1);
  return handle;
}

function handles(id: i32): i32[] {
  const out = new Array<i32>();
  for (let k = 0; k < serviceInstances(id); k++) out.push(serviceInstance(id, k));
  return out;
}

describe("changing the instance count of a running service", () => {
  beforeEach(() => { freshKernel(); });

  it("grows: the new ordinals spawn in order while the others keep running", () => {
    const id = running(2);
    const before = handles(id);
    const seq = eventsNextSeq();
    expect<i32>(serviceSetInstances(id, 4)).toBe(OK);
    const actions = drain();
    expect<i32>(actions.length).toBe(2);
    expect<i32>(actions[0].arg).toBe(2, "ordinal 2 first");
    expect<i32>(actions[1].arg).toBe(3);
    expect<i32>(serviceInstance(id, 0)).toBe(before[0], "the running instances are untouched");
    expect<i32>(serviceInstance(id, 1)).toBe(before[1]);
    expect<i32>(serviceState(id)).toBe(STATE_RUNNING);
    const events = readAllEvents(seq);
    expect<u8>(events[0].kind).toBe(EVENT_INSTANCES_SET);
    expect<u8>(events[0].from).toBe(2);
    expect<u8>(events[0].to).toBe(4);
    expect<u8>(events[1].cause).toBe(CAUSE_SCALE, "the spawns are logged with the scale cause");
  });

  it("shrinks: the leaving instances stop being picked, stop once idle, then their slots go", () => {
    const id = running(3);
    const leaving = serviceInstance(id, 2);
    const busy = balancePick(id); // round robin: one request in flight on each ordinal
    const second = balancePick(id);
    const third = balancePick(id);
    expect<i32>(third).toBe(leaving, "round robin reached ordinal 2");
    expect<i32>(serviceSetInstances(id, 2)).toBe(OK);
    expect<i32>(drain().length).toBe(0, "still one request in flight: no stop yet");
    for (let i = 0; i < 6; i++) expect<bool>(balancePick(id) != leaving).toBe(true, "a leaving instance is never picked");
    expect<i32>(serviceInstances(id)).toBe(3, "the slot stays until it stopped");
    expect<i32>(balanceRequestFinished(third, 1, 1)).toBe(OK);
    const stops = drain();
    expect<i32>(stops.length).toBe(1);
    expect<i32>(stops[0].handle).toBe(leaving);
    expect<i32>(instanceState(leaving)).toBe(STATE_STOPPING);
    expect<i32>(instanceExited(leaving, 0)).toBe(OK);
    expect<i32>(serviceInstances(id)).toBe(2);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX - 2);
    expect<i32>(serviceState(id)).toBe(STATE_RUNNING, "a retired instance's exit is no failure");
    expect<i32>(instanceState(busy)).toBe(STATE_RUNNING, "the staying instances keep their requests");
    expect<i32>(instanceState(second)).toBe(STATE_RUNNING);
  });

  it("a leaving instance that never goes idle is stopped at its drain deadline", () => {
    const id = running(2);
    balancePick(id);
    const stuck = balancePick(id);
    expect<i32>(serviceSetInstances(id, 1)).toBe(OK);
    expect<i32>(serviceSetInstances(id, 2)).toBe(E_RESIZE_PENDING, "one resize at a time");
    expect<string>(detailText()).toBe("service 'web' is still draining 1 instances of its last resize; retry once they stopped");
    advanceMs(DRAIN_MS_DEFAULT - 1);
    tick();
    expect<i32>(drain().length).toBe(0);
    advanceMs(1);
    tick();
    const stops = drain();
    expect<i32>(stops.length).toBe(1);
    expect<i32>(stops[0].handle).toBe(stuck);
    instanceExited(stuck, -15);
    expect<i32>(serviceInstances(id)).toBe(1);
    expect<i32>(serviceState(id)).toBe(STATE_RUNNING);
  });

  it("consistent hashing moves only the keys the removed and added instances own", () => {
    const id = running(4);
    applyStrategy(id, STRATEGY_CONSISTENT_HASH);
    const keys = 400;
    const owner = new Array<i32>();
    for (let k = 0; k < keys; k++) owner.push(ownerOf(id, <u32>k * 2654435761));
    const gone = serviceInstance(id, 3);
    serviceSetInstances(id, 3);
    answerAll(); // idle: stopped at once; the host answers
    expect<i32>(serviceInstances(id)).toBe(3);
    let moved = 0;
    for (let k = 0; k < keys; k++) {
      const now = ownerOf(id, <u32>k * 2654435761);
      if (owner[k] != gone) expect<i32>(now).toBe(owner[k], "a key of a staying instance stays");
      else moved++;
    }
    expect<bool>(moved > 0).toBe(true);
    serviceSetInstances(id, 4);
    answerAll();
    let back = 0;
    for (let k = 0; k < keys; k++) {
      const now = ownerOf(id, <u32>k * 2654435761);
      if (owner[k] != gone) expect<i32>(now).toBe(owner[k], "growing moves only the new ordinal's keys");
      else back++;
    }
    expect<i32>(back).toBe(moved, "ordinal 3 owns the same keys again");
  });

  it("stopping the service mid-drain stops everything and still releases the leaving slots", () => {
    const id = running(3);
    balancePick(id); balancePick(id); balancePick(id); // ordinal 2 busy
    serviceSetInstances(id, 1);
    serviceStop(id);
    answerAll();
    expect<i32>(serviceState(id)).toBe(STATE_STOPPED);
    expect<i32>(serviceInstances(id)).toBe(1);
    serviceStart(id);
    expect<i32>(drain().length).toBe(1, "the next start spawns the new count");
  });

  it("the range and the stopping state are still refused", () => {
    const id = running(1);
    expect<i32>(serviceSetInstances(id, -1)).toBe(E_INVALID_COUNT);
    serviceStop(id);
    expect<i32>(serviceSetInstances(id, 2)).toBe(E_SERVICE_ACTIVE, "stopping: not serving, not at rest");
    const events = readAllEvents(1);
    let instanceEvents = 0;
    for (let i = 0; i < events.length; i++) if (events[i].kind == EVENT_INSTANCE_STATE) instanceEvents++;
    expect<bool>(instanceEvents > 0).toBe(true);
  });
});
