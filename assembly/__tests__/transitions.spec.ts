// lifecycle/transitions.ts: every state change is checked, logged and wakes its neighbourhood.
import {
  transitionService, transitionInstance, serviceLive, serviceUp, countInstancesIn,
} from "../lifecycle/transitions";
import { takeDirty, dirtyReset } from "../lifecycle/dirty";
import { instanceSlotOf, serviceState } from "../registry/services";
import { instanceHandle } from "../registry/instances";
import { dependencyAdd } from "../index";
import { DEP_REQUIRES, DEP_AFTER } from "../graph/edges";
import {
  STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED,
} from "../registry/states";
import { CAUSE_COMMAND, CAUSE_PROGRESS } from "../lifecycle/causes";
import { EVENT_SERVICE_STATE, EVENT_INSTANCE_STATE, eventsNextSeq } from "../log/events";
import { freshKernel, mustRegister, readEvents, EventRecord } from "./support/kernel";

function takeAll(): string {
  let s = "";
  for (let id = takeDirty(); id >= 0; id = takeDirty()) s += (s.length > 0 ? "," : "") + id.toString();
  return s;
}

describe("transitionService", () => {
  beforeEach(() => { freshKernel(); });

  it("changes the state, logs it with its cause and value, and wakes dependents and dependencies", () => {
    const db = mustRegister("db");
    const api = mustRegister("api");
    const web = mustRegister("web");
    mustRegister("other");
    dependencyAdd(api, db, DEP_REQUIRES);
    dependencyAdd(web, api, DEP_AFTER);
    dirtyReset();
    const seq = eventsNextSeq();
    transitionService(api, STATE_STARTING, CAUSE_COMMAND, 7);
    expect<u8>(serviceState[api]).toBe(STATE_STARTING);
    const events = readEvents(seq);
    expect<i32>(events.length).toBe(1);
    expect<u8>(events[0].kind).toBe(EVENT_SERVICE_STATE);
    expect<i32>(events[0].service).toBe(api);
    expect<i32>(events[0].instance).toBe(-1);
    expect<u8>(events[0].from).toBe(STATE_STOPPED);
    expect<u8>(events[0].to).toBe(STATE_STARTING);
    expect<u8>(events[0].cause).toBe(CAUSE_COMMAND);
    expect<i32>(events[0].value).toBe(7);
    expect<string>(takeAll()).toBe(api.toString() + "," + web.toString() + "," + db.toString());
  });

  throws("on an illegal service transition (an assertion: a kernel bug, never input)", () => {
    freshKernel();
    const a = mustRegister("a");
    transitionService(a, STATE_RUNNING, CAUSE_PROGRESS); // stopped -> running skips starting
  });
});

describe("transitionInstance", () => {
  beforeEach(() => { freshKernel(); });

  it("keeps the live and up counts of its service and logs the instance's handle", () => {
    const a = mustRegister("a", 2);
    const first = instanceSlotOf(a, 0);
    const second = instanceSlotOf(a, 1);
    dirtyReset();
    const seq = eventsNextSeq();
    transitionInstance(first, STATE_STARTING, CAUSE_PROGRESS);
    transitionInstance(second, STATE_STARTING, CAUSE_PROGRESS);
    expect<u16>(serviceLive[a]).toBe(2);
    expect<u16>(serviceUp[a]).toBe(0);
    transitionInstance(first, STATE_RUNNING, CAUSE_PROGRESS);
    expect<u16>(serviceUp[a]).toBe(1);
    expect<i32>(countInstancesIn(a, 2, STATE_RUNNING)).toBe(1);
    transitionInstance(first, STATE_STOPPING, CAUSE_PROGRESS);
    expect<u16>(serviceLive[a]).toBe(2);
    expect<u16>(serviceUp[a]).toBe(0);
    transitionInstance(first, STATE_STOPPED, CAUSE_PROGRESS, 143);
    transitionInstance(second, STATE_FAILED, CAUSE_PROGRESS);
    expect<u16>(serviceLive[a]).toBe(0);
    expect<i32>(countInstancesIn(a, 2, STATE_FAILED)).toBe(1);
    // (the health layer logs its own records in between; only the instance transitions count here)
    const events = readEvents(seq).filter((e: EventRecord) => e.kind == EVENT_INSTANCE_STATE);
    expect<i32>(events.length).toBe(6);
    expect<u8>(events[4].kind).toBe(EVENT_INSTANCE_STATE);
    expect<i32>(events[4].instance).toBe(instanceHandle(first));
    expect<i32>(events[4].value).toBe(143);
    expect<string>(takeAll()).toBe(a.toString());
  });

  throws("on an illegal instance transition", () => {
    freshKernel();
    const a = mustRegister("a");
    transitionInstance(instanceSlotOf(a, 0), STATE_STOPPING, CAUSE_PROGRESS);
  });
});
