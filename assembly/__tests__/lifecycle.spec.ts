// lifecycle/{jobs,evaluate,instances,transitions}.ts through the exported ABI: start, stop,
// restart, enable and disable with systemd's dependency semantics, instance reports, start and
// stop timeouts, failures. A spec plays the host: it drains actions and answers them.
// Transcripts read "batch | batch": the actions of one drain (sorted), then the next drain's.
import {
  serviceStart, serviceStop, serviceRestart, serviceEnable, serviceDisable, startAll, stopAll, serviceState,
  serviceInstance, instanceState, instanceStarted, instanceExited, dependencyAdd, tick,
  nextDeadline, actionsPending, eventsNextSeq, counter, COUNTER_ACTIONS_DEFERRED, COUNTER_TIMERS_ARMED,
} from "../index";
import {
  OK, E_ILLEGAL_TRANSITION, E_SERVICE_DISABLED, E_DEPENDENCY_DISABLED, E_SERVICE_ACTIVE, E_UNKNOWN_SERVICE,
} from "../errors";
import {
  STATE_STOPPED, STATE_STARTING, STATE_RUNNING, STATE_STOPPING, STATE_FAILED, STATE_DISABLED, isLegalTransition,
} from "../lifecycle/states";
import {
  CAUSE_COMMAND, CAUSE_PULLED_IN, CAUSE_START_TIMEOUT, CAUSE_STOP_TIMEOUT, CAUSE_DEPENDENCY_FAILED,
  CAUSE_INSTANCE_FAILED, CAUSE_DEPENDENCY_STOPPED, CAUSE_INSTANCE_EXITED,
} from "../lifecycle/causes";
import { DEP_REQUIRES, DEP_WANTS, DEP_AFTER } from "../graph/edges";
import { ACTION_SPAWN, ACTION_KILL } from "../log/outbox";
import {
  EVENT_SERVICE_STATE, EVENT_INSTANCE_STATE, EVENT_ACTION_DEFERRED, EVENT_SERVICE_REGISTERED,
} from "../log/events";
import { OUTBOX_CAPACITY, INSTANCES_PER_SERVICE_MAX } from "../limits";
import { NO_DEADLINE } from "../timers/heap";
import {
  freshKernel, mustRegister, drain, drainText, answerBatch, answerAll, detailText, readEvents, readAllEvents, describeActions, EventRecord,
} from "./support/kernel";
import { applyTimeouts } from "./support/records";
import { setNowMs } from "./support/hal";

function state(id: i32): i32 { return serviceState(id); }

function requires(from: i32, to: i32): void { expect<i32>(dependencyAdd(from, to, DEP_REQUIRES)).toBe(OK); }
function wants(from: i32, to: i32): void { expect<i32>(dependencyAdd(from, to, DEP_WANTS)).toBe(OK); }

/** Starts `id` and answers everything; the service must end up running. */
function bringUp(id: i32): void {
  expect<i32>(serviceStart(id)).toBe(OK);
  answerAll();
  expect<i32>(state(id)).toBe(STATE_RUNNING);
}

/** The service-state events from `seq` on of service `id`, as "from>to:cause ...". */
function serviceStory(id: i32, seq: u32): string {
  const events = readAllEvents(seq);
  let s = "";
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (e.kind != EVENT_SERVICE_STATE || e.service != id) continue;
    s += (s.length > 0 ? " " : "") + e.from.toString() + ">" + e.to.toString() + ":" + e.cause.toString();
  }
  return s;
}

describe("start", () => {
  beforeEach(() => { freshKernel(); });

  it("spawns every instance and runs once every instance reported started", () => {
    const a = mustRegister("a", 2);
    expect<i32>(serviceStart(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STARTING);
    const actions = drain();
    expect<string>(describeActions(actions)).toBe("spawn a, spawn a");
    expect<i32>(actions[0].arg).toBe(0);
    expect<i32>(actions[1].arg).toBe(1);
    expect<i32>(instanceStarted(actions[0].handle)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STARTING);
    expect<i32>(instanceStarted(actions[1].handle)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_RUNNING);
    expect<i32>(instanceState(actions[1].handle)).toBe(STATE_RUNNING);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("runs a service without instances at once", () => {
    const a = mustRegister("a", 0);
    expect<i32>(serviceStart(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_RUNNING);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("pulls in what the service requires and wants, transitively, but not what it is only after", () => {
    const db = mustRegister("db");
    const cache = mustRegister("cache");
    const web = mustRegister("web");
    const metrics = mustRegister("metrics");
    const disk = mustRegister("disk");
    requires(web, db);
    wants(web, cache);
    expect<i32>(dependencyAdd(web, metrics, DEP_AFTER)).toBe(OK);
    requires(db, disk);
    const seq = eventsNextSeq();
    expect<i32>(serviceStart(web)).toBe(OK);
    expect<i32>(state(db)).toBe(STATE_STARTING);
    expect<i32>(state(cache)).toBe(STATE_STARTING);
    expect<i32>(state(disk)).toBe(STATE_STARTING);
    expect<i32>(state(metrics)).toBe(STATE_STOPPED);
    expect<string>(serviceStory(web, seq)).toBe("0>1:" + CAUSE_COMMAND.toString());
    expect<string>(serviceStory(db, seq)).toBe("0>1:" + CAUSE_PULLED_IN.toString());
    expect<string>(answerAll()).toBe("spawn cache, spawn disk | spawn db | spawn web");
    expect<i32>(state(web)).toBe(STATE_RUNNING);
    expect<i32>(state(metrics)).toBe(STATE_STOPPED);
  });

  it("starts in waves: a service spawns only once every dependency runs", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    requires(c, a);
    wants(c, b);
    serviceStart(c);
    const first = drain();
    expect<string>(describeActions(first)).toBe("spawn a, spawn b");
    instanceStarted(first[0].handle);
    expect<i32>(actionsPending()).toBe(0); // c still waits for b
    expect<i32>(state(c)).toBe(STATE_STARTING);
    instanceStarted(first[1].handle);
    expect<string>(drainText()).toBe("spawn c");
  });

  it("waits for a service it is only after, if that one is starting", () => {
    const db = mustRegister("db");
    const web = mustRegister("web");
    expect<i32>(dependencyAdd(web, db, DEP_AFTER)).toBe(OK);
    serviceStart(db);
    serviceStart(web);
    expect<string>(answerAll()).toBe("spawn db | spawn web");
    serviceStop(db);
    answerAll();
    expect<i32>(state(web)).toBe(STATE_RUNNING); // `after` does not bind the lifetimes
  });

  it("skips a disabled `wants` dependency", () => {
    const cache = mustRegister("cache");
    const web = mustRegister("web");
    wants(web, cache);
    expect<i32>(serviceDisable(cache)).toBe(OK);
    expect<i32>(serviceStart(web)).toBe(OK);
    expect<string>(answerAll()).toBe("spawn web");
    expect<i32>(state(cache)).toBe(STATE_DISABLED);
    expect<i32>(state(web)).toBe(STATE_RUNNING);
  });

  it("starts without a wanted service that cannot start (it requires a disabled one)", () => {
    const db = mustRegister("db");
    const api = mustRegister("api");
    const web = mustRegister("web");
    requires(api, db);
    wants(web, api);
    serviceDisable(db);
    expect<i32>(serviceStart(web)).toBe(OK);
    expect<i32>(state(api)).toBe(STATE_STOPPED);
    expect<string>(answerAll()).toBe("spawn web");
    expect<i32>(state(web)).toBe(STATE_RUNNING);
    expect<i32>(state(db)).toBe(STATE_DISABLED);
  });

  it("refuses when something it requires, even transitively, is disabled, and changes nothing", () => {
    const db = mustRegister("db");
    const api = mustRegister("api");
    const web = mustRegister("web");
    requires(api, db);
    requires(web, api);
    serviceDisable(db);
    const seq = eventsNextSeq();
    expect<i32>(serviceStart(web)).toBe(E_DEPENDENCY_DISABLED);
    expect<string>(detailText()).toBe("service 'web' requires 'db', which is disabled");
    expect<i32>(state(api)).toBe(STATE_STOPPED);
    expect<i32>(state(web)).toBe(STATE_STOPPED);
    expect<i32>(actionsPending()).toBe(0);
    expect<u32>(eventsNextSeq()).toBe(seq);
  });

  it("of a running service changes nothing", () => {
    const a = mustRegister("a");
    bringUp(a);
    const seq = eventsNextSeq();
    expect<i32>(serviceStart(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_RUNNING);
    expect<i32>(actionsPending()).toBe(0);
    expect<u32>(eventsNextSeq()).toBe(seq);
  });

  it("startAll starts every enabled service, in waves, and counts them", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    const off = mustRegister("off");
    requires(b, a);
    requires(c, b);
    serviceDisable(off);
    expect<i32>(startAll()).toBe(3);
    expect<string>(answerAll()).toBe("spawn a | spawn b | spawn c");
    expect<i32>(state(c)).toBe(STATE_RUNNING);
    expect<i32>(state(off)).toBe(STATE_DISABLED);
  });
});

describe("stop", () => {
  beforeEach(() => { freshKernel(); });

  it("asks every instance to stop and is stopped once all have exited", () => {
    const a = mustRegister("a", 2);
    bringUp(a);
    expect<i32>(serviceStop(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    const stops = drain();
    expect<string>(describeActions(stops)).toBe("stop a, stop a");
    expect<i32>(instanceExited(stops[0].handle, 0)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    expect<i32>(instanceExited(stops[1].handle, 143)).toBe(OK); // any exit after a stop request is a stop
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    expect<i32>(instanceState(stops[1].handle)).toBe(STATE_STOPPED);
  });

  it("stops the services that require it first (transitively), and not those that only want it", () => {
    const db = mustRegister("db");
    const api = mustRegister("api");
    const web = mustRegister("web");
    const report = mustRegister("report");
    requires(api, db);
    requires(web, api);
    wants(report, db);
    bringUp(web);
    bringUp(report);
    const seq = eventsNextSeq();
    expect<i32>(serviceStop(db)).toBe(OK);
    expect<i32>(state(api)).toBe(STATE_STOPPING);
    expect<i32>(state(web)).toBe(STATE_STOPPING);
    expect<string>(answerAll()).toBe("stop web | stop api | stop db");
    expect<i32>(state(db)).toBe(STATE_STOPPED);
    expect<i32>(state(api)).toBe(STATE_STOPPED);
    expect<i32>(state(web)).toBe(STATE_STOPPED);
    expect<i32>(state(report)).toBe(STATE_RUNNING);
    expect<string>(serviceStory(api, seq)).toBe("2>3:" + CAUSE_DEPENDENCY_STOPPED.toString()
      + " 3>0:" + CAUSE_DEPENDENCY_STOPPED.toString());
  });

  it("of a service still waiting for its dependencies stops it at once", () => {
    const db = mustRegister("db");
    const web = mustRegister("web");
    requires(web, db);
    serviceStart(web);
    expect<string>(drainText()).toBe("spawn db");
    expect<i32>(serviceStop(web)).toBe(OK);
    expect<i32>(state(web)).toBe(STATE_STOPPED);
    expect<i32>(state(db)).toBe(STATE_STARTING);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("of a starting instance asks it to stop; a late 'started' report is ignored", () => {
    const a = mustRegister("a");
    serviceStart(a);
    const spawn = drain()[0];
    expect<i32>(serviceStop(a)).toBe(OK);
    const stop = drain()[0];
    expect<i32>(stop.handle).toBe(spawn.handle);
    expect<i32>(instanceStarted(spawn.handle)).toBe(OK);
    expect<i32>(instanceState(spawn.handle)).toBe(STATE_STOPPING);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    instanceExited(spawn.handle, 0);
    expect<i32>(state(a)).toBe(STATE_STOPPED);
  });

  it("stopAll stops every active service, dependents first, and counts them", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    mustRegister("idle");
    requires(b, a);
    requires(c, b);
    bringUp(c);
    expect<i32>(stopAll()).toBe(3);
    expect<string>(answerAll()).toBe("stop c | stop b | stop a");
    expect<i32>(state(a)).toBe(STATE_STOPPED);
  });

  it("kills an instance that outlives the stop timeout", () => {
    const a = mustRegister("a");
    applyTimeouts(a, 1000, 500);
    bringUp(a);
    setNowMs(2000);
    serviceStop(a);
    const stop = drain()[0];
    expect<i64>(nextDeadline()).toBe(2500);
    setNowMs(2499);
    expect<i32>(tick()).toBe(0);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    setNowMs(2500);
    expect<i32>(tick()).toBe(1);
    const kill = drain()[0];
    expect<u8>(kill.kind).toBe(ACTION_KILL);
    expect<i32>(kill.handle).toBe(stop.handle);
    expect<i32>(instanceState(stop.handle)).toBe(STATE_STOPPED);
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
    // The instance's transition comes before the service's (health and fault records in between).
    const events = readEvents(1).filter((e: EventRecord) => e.kind == EVENT_INSTANCE_STATE || e.kind == EVENT_SERVICE_STATE);
    const last = events[events.length - 2];
    expect<u8>(last.kind).toBe(EVENT_INSTANCE_STATE);
    expect<u8>(last.cause).toBe(CAUSE_STOP_TIMEOUT);
    expect<i32>(instanceExited(stop.handle, -9)).toBe(OK); // the exit the kill caused: nothing changes
    expect<i32>(state(a)).toBe(STATE_STOPPED);
  });

  it("an exit in time cancels the stop timeout", () => {
    const a = mustRegister("a");
    bringUp(a);
    serviceStop(a);
    answerAll();
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
    expect<u32>(counter(COUNTER_TIMERS_ARMED)).toBe(0);
    setNowMs(1_000_000);
    expect<i32>(tick()).toBe(0);
  });
});

describe("restart", () => {
  beforeEach(() => { freshKernel(); });

  it("stops the service and everything that requires it, then brings them all back in order", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    const c = mustRegister("c");
    const w = mustRegister("w");
    requires(b, a);
    requires(c, b);
    wants(w, a);
    bringUp(c);
    bringUp(w);
    expect<i32>(serviceRestart(a)).toBe(OK);
    expect<string>(answerAll()).toBe("stop c | stop b | stop a | spawn a | spawn b | spawn c");
    expect<i32>(state(a)).toBe(STATE_RUNNING);
    expect<i32>(state(b)).toBe(STATE_RUNNING);
    expect<i32>(state(c)).toBe(STATE_RUNNING);
    expect<i32>(state(w)).toBe(STATE_RUNNING); // only wanted a: never stopped
  });

  it("gives each instance a new handle", () => {
    const a = mustRegister("a");
    bringUp(a);
    const before = serviceInstance(a, 0);
    serviceRestart(a);
    answerAll();
    expect<i32>(serviceInstance(a, 0)).not.toBe(before);
    expect<i32>(instanceState(serviceInstance(a, 0))).toBe(STATE_RUNNING);
  });

  it("of a stopped or failed service starts it", () => {
    const a = mustRegister("a");
    expect<i32>(serviceRestart(a)).toBe(OK);
    expect<string>(answerAll()).toBe("spawn a");
    expect<i32>(state(a)).toBe(STATE_RUNNING);
    instanceExited(serviceInstance(a, 0), 1);
    expect<i32>(state(a)).toBe(STATE_FAILED);
    expect<i32>(serviceRestart(a)).toBe(OK);
    expect<string>(answerAll()).toBe("spawn a");
    expect<i32>(state(a)).toBe(STATE_RUNNING);
  });

  it("of a disabled service is refused", () => {
    const a = mustRegister("a");
    serviceDisable(a);
    expect<i32>(serviceRestart(a)).toBe(E_SERVICE_DISABLED);
    expect<string>(detailText()).toBe("service 'a' is disabled; enable it before restarting");
  });

  it("a stop during a restart wins: the service and its dependents stay down", () => {
    const a = mustRegister("a");
    const b = mustRegister("b");
    requires(b, a);
    bringUp(b);
    serviceRestart(a);
    expect<string>(answerBatch()).toBe("stop b"); // b is down and waits to come back
    expect<i32>(state(b)).toBe(STATE_STARTING);
    expect<i32>(serviceStop(a)).toBe(OK);
    expect<i32>(state(b)).toBe(STATE_STOPPED);
    expect<string>(answerAll()).toBe("stop a");
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    expect<i32>(state(b)).toBe(STATE_STOPPED);
  });

  it("a start during a stop brings the service back once it is down", () => {
    const a = mustRegister("a");
    bringUp(a);
    serviceStop(a);
    expect<i32>(serviceStart(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    expect<string>(answerAll()).toBe("stop a | spawn a");
    expect<i32>(state(a)).toBe(STATE_RUNNING);
  });
});

describe("start timeout and failures", () => {
  beforeEach(() => { freshKernel(); });

  it("a start timeout fails the instance and the service and kills the instance", () => {
    const a = mustRegister("a");
    applyTimeouts(a, 100, 50);
    serviceStart(a);
    const spawn = drain()[0];
    expect<i64>(nextDeadline()).toBe(100);
    setNowMs(99);
    expect<i32>(tick()).toBe(0);
    expect<i32>(state(a)).toBe(STATE_STARTING);
    setNowMs(100);
    expect<i32>(tick()).toBe(1);
    const kill = drain()[0];
    expect<u8>(kill.kind).toBe(ACTION_KILL);
    expect<i32>(kill.handle).toBe(spawn.handle);
    expect<i32>(instanceState(spawn.handle)).toBe(STATE_FAILED);
    expect<i32>(state(a)).toBe(STATE_FAILED);
    let sawTimeout = false;
    const events = readEvents(1);
    for (let i = 0; i < events.length; i++) {
      if (events[i].kind == EVENT_INSTANCE_STATE && events[i].cause == CAUSE_START_TIMEOUT) {
        sawTimeout = true;
        expect<i64>(events[i].timeMs).toBe(100);
        expect<u8>(events[i].to).toBe(STATE_FAILED);
      }
    }
    expect<bool>(sawTimeout).toBe(true);
    expect<i32>(instanceStarted(spawn.handle)).toBe(E_ILLEGAL_TRANSITION); // too late
    expect<i32>(instanceExited(spawn.handle, -9)).toBe(OK); // the kill's exit: nothing changes
    expect<i32>(state(a)).toBe(STATE_FAILED);
  });

  it("a start timeout of one instance stops the others and the dependents that require it", () => {
    const db = mustRegister("db", 2);
    const web = mustRegister("web");
    requires(web, db);
    applyTimeouts(db, 100, 50);
    serviceStart(web);
    const spawns = drain();
    expect<i32>(spawns.length).toBe(2);
    instanceStarted(spawns[1].handle);
    setNowMs(100);
    expect<i32>(tick()).toBe(2);
    expect<string>(drainText()).toBe("kill db, stop db");
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<i32>(state(web)).toBe(STATE_STOPPED);
    expect<i32>(instanceState(spawns[1].handle)).toBe(STATE_STOPPING);
    instanceExited(spawns[1].handle, 0);
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<i32>(serviceDisable(db)).toBe(OK); // failed and holding nothing: at rest
  });

  it("a failed instance fails its service, stops its other instances and the services requiring it", () => {
    const db = mustRegister("db", 2);
    const api = mustRegister("api");
    const ui = mustRegister("ui");
    requires(api, db);
    wants(ui, db);
    bringUp(api);
    bringUp(ui);
    const seq = eventsNextSeq();
    expect<i32>(instanceExited(serviceInstance(db, 0), 3)).toBe(OK);
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<i32>(state(api)).toBe(STATE_STOPPING);
    expect<string>(answerAll()).toBe("stop api, stop db");
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<i32>(state(api)).toBe(STATE_STOPPED);
    expect<i32>(state(ui)).toBe(STATE_RUNNING); // it only wants db
    expect<string>(serviceStory(db, seq)).toBe("2>4:" + CAUSE_INSTANCE_FAILED.toString());
    expect<string>(serviceStory(api, seq)).toBe("2>3:" + CAUSE_DEPENDENCY_FAILED.toString()
      + " 3>0:" + CAUSE_DEPENDENCY_FAILED.toString());
  });

  it("a failure while a dependent waits to start stops the dependent before it spawns", () => {
    const db = mustRegister("db");
    const api = mustRegister("api");
    requires(api, db);
    serviceStart(api);
    const spawn = drain()[0];
    expect<i32>(instanceExited(spawn.handle, 1)).toBe(OK);
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<i32>(state(api)).toBe(STATE_STOPPED);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("a dependent that only wants a failed dependency starts anyway", () => {
    const db = mustRegister("db");
    const ui = mustRegister("ui");
    wants(ui, db);
    serviceStart(ui);
    instanceExited(drain()[0].handle, 1);
    expect<i32>(state(db)).toBe(STATE_FAILED);
    expect<string>(answerAll()).toBe("spawn ui");
    expect<i32>(state(ui)).toBe(STATE_RUNNING);
  });

  it("a clean exit of the last instance stops the service and the services requiring it", () => {
    const job = mustRegister("job");
    const after = mustRegister("after");
    requires(after, job);
    bringUp(after);
    const seq = eventsNextSeq();
    instanceExited(serviceInstance(job, 0), 0);
    expect<i32>(state(job)).toBe(STATE_STOPPED);
    expect<string>(serviceStory(job, seq)).toBe("2>0:" + CAUSE_INSTANCE_EXITED.toString());
    expect<string>(answerAll()).toBe("stop after");
    expect<i32>(state(after)).toBe(STATE_STOPPED);
  });

  it("stop of a failed service at rest clears the failure", () => {
    const a = mustRegister("a");
    bringUp(a);
    instanceExited(serviceInstance(a, 0), 2);
    expect<i32>(state(a)).toBe(STATE_FAILED);
    expect<i32>(serviceStop(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPED);
  });
});

describe("illegal commands", () => {
  beforeEach(() => { freshKernel(); });

  it("stop of a stopped service", () => {
    const a = mustRegister("a");
    const seq = eventsNextSeq();
    expect<i32>(serviceStop(a)).toBe(E_ILLEGAL_TRANSITION);
    expect<string>(detailText()).toBe("service 'a' is already stopped");
    expect<u32>(eventsNextSeq()).toBe(seq);
  });

  it("stop of a disabled service", () => {
    const a = mustRegister("a");
    serviceDisable(a);
    expect<i32>(serviceStop(a)).toBe(E_ILLEGAL_TRANSITION);
    expect<string>(detailText()).toBe("service 'a' is disabled");
    expect<i32>(state(a)).toBe(STATE_DISABLED);
  });

  it("start of a disabled service", () => {
    const a = mustRegister("a");
    serviceDisable(a);
    expect<i32>(serviceStart(a)).toBe(E_SERVICE_DISABLED);
    expect<string>(detailText()).toBe("service 'a' is disabled; enable it before starting");
    expect<i32>(state(a)).toBe(STATE_DISABLED);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("disable of an active service; disable and enable are idempotent", () => {
    const a = mustRegister("a");
    serviceStart(a);
    expect<i32>(serviceDisable(a)).toBe(E_SERVICE_ACTIVE);
    expect<string>(detailText()).toBe("service 'a' is active; stop it before disabling it");
    answerAll();
    expect<i32>(serviceDisable(a)).toBe(E_SERVICE_ACTIVE);
    serviceStop(a);
    answerAll();
    expect<i32>(serviceEnable(a)).toBe(OK); // not disabled: nothing to do
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    expect<i32>(serviceDisable(a)).toBe(OK);
    expect<i32>(serviceDisable(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_DISABLED);
    expect<i32>(serviceEnable(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    bringUp(a);
  });

  it("'started' for an instance that is not starting", () => {
    const a = mustRegister("a");
    const idle = serviceInstance(a, 0);
    expect<i32>(instanceStarted(idle)).toBe(E_ILLEGAL_TRANSITION);
    expect<string>(detailText()).toBe("instance " + idle.toString()
      + " of service 'a' is stopped; 'started' fits only a starting instance");
    bringUp(a);
    const running = serviceInstance(a, 0);
    expect<i32>(instanceStarted(running)).toBe(E_ILLEGAL_TRANSITION);
    expect<i32>(state(a)).toBe(STATE_RUNNING);
  });

  it("'exited' for an instance that never ran changes nothing", () => {
    const a = mustRegister("a");
    expect<i32>(instanceExited(serviceInstance(a, 0), 1)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPED);
    expect<i32>(actionsPending()).toBe(0);
  });

  it("commands on ids that are not services", () => {
    expect<i32>(serviceStart(0)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceStop(-1)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceRestart(1000)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceEnable(3)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceDisable(3)).toBe(E_UNKNOWN_SERVICE);
  });
});

describe("the lifecycle's outputs", () => {
  beforeEach(() => { freshKernel(); });

  it("logs only legal transitions, each once", () => {
    const db = mustRegister("db", 2);
    const api = mustRegister("api");
    const ui = mustRegister("ui");
    requires(api, db);
    wants(ui, api);
    applyTimeouts(api, 100, 100);
    bringUp(ui);
    serviceRestart(db);
    answerAll();
    instanceExited(serviceInstance(db, 1), 7);
    answerAll();
    serviceStart(api);
    drain();
    setNowMs(1000);
    tick();
    drain();
    stopAll();
    answerAll();
    const events = readAllEvents(1);
    let transitions = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[i];
      if (e.kind != EVENT_SERVICE_STATE && e.kind != EVENT_INSTANCE_STATE) continue;
      transitions++;
      expect<bool>(isLegalTransition(e.from, e.to)).toBe(true, "event " + e.seq.toString());
    }
    expect<i32>(transitions).toBeGreaterThan(20);
    expect<u32>(events[0].seq).toBe(1);
    expect<u8>(events[0].kind).toBe(EVENT_SERVICE_REGISTERED);
  });

  it("is deterministic: the same inputs give the same actions and the same event log", () => {
    let first = "";
    let firstEvents = "";
    for (let run = 0; run < 2; run++) {
      freshKernel();
      const a = mustRegister("a", 3);
      const b = mustRegister("b", 2);
      const c = mustRegister("c");
      const d = mustRegister("d");
      requires(c, a);
      requires(c, b);
      wants(d, c);
      startAll();
      let transcript = answerAll(false);
      serviceRestart(a);
      transcript += " / " + answerAll(false);
      instanceExited(serviceInstance(b, 1), 1);
      transcript += " / " + answerAll(false);
      const events = readAllEvents(1);
      let log = "";
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        log += e.kind.toString() + ":" + e.service.toString() + ":" + e.instance.toString() + ":" + e.from.toString()
          + ">" + e.to.toString() + ":" + e.cause.toString() + ";";
      }
      if (run == 0) { first = transcript; firstEvents = log; }
      else {
        expect<string>(transcript).toBe(first);
        expect<string>(log).toBe(firstEvents);
      }
    }
  });

  it("defers a kill that does not fit the outbox by a millisecond, never drops it", () => {
    const t = mustRegister("t");
    applyTimeouts(t, 100, 100);
    serviceStart(t);
    const full = OUTBOX_CAPACITY / INSTANCES_PER_SERVICE_MAX;
    for (let i = 0; i < full; i++) {
      const id = mustRegister("big" + i.toString(), i == full - 1 ? INSTANCES_PER_SERVICE_MAX - 1 : INSTANCES_PER_SERVICE_MAX);
      serviceStart(id);
    }
    expect<i32>(actionsPending()).toBe(OUTBOX_CAPACITY);
    const seq = eventsNextSeq();
    setNowMs(100);
    expect<i32>(tick()).toBe(OUTBOX_CAPACITY);
    expect<u32>(counter(COUNTER_ACTIONS_DEFERRED)).toBe(1);
    const events = readAllEvents(seq);
    expect<i32>(events.length).toBe(1);
    expect<u8>(events[0].kind).toBe(EVENT_ACTION_DEFERRED);
    expect<i32>(events[0].value).toBe(ACTION_KILL);
    expect<i32>(state(t)).toBe(STATE_STARTING);
    expect<i64>(nextDeadline()).toBe(101);
    const spawns = drain();
    expect<i32>(spawns.length).toBe(OUTBOX_CAPACITY);
    for (let i = 1; i < spawns.length; i++) instanceStarted(spawns[i].handle); // all but t's
    expect<i32>(tick()).toBe(0); // still 100 ms: not due again yet
    setNowMs(101);
    expect<i32>(tick()).toBe(1);
    const kill = drain()[0];
    expect<u8>(kill.kind).toBe(ACTION_KILL);
    expect<i32>(kill.handle).toBe(spawns[0].handle);
    expect<i32>(state(t)).toBe(STATE_FAILED);
  });

  it("defers stops that do not fit the outbox to the next tick", () => {
    const a = mustRegister("a");
    bringUp(a);
    const full = OUTBOX_CAPACITY / INSTANCES_PER_SERVICE_MAX;
    const big = new Array<i32>(full);
    for (let i = 0; i < full; i++) {
      big[i] = mustRegister("big" + i.toString(), INSTANCES_PER_SERVICE_MAX);
      serviceStart(big[i]);
    }
    expect<i32>(actionsPending()).toBe(OUTBOX_CAPACITY);
    expect<i32>(serviceStop(a)).toBe(OK);
    expect<i32>(state(a)).toBe(STATE_STOPPING);
    expect<u32>(counter(COUNTER_ACTIONS_DEFERRED)).toBe(1);
    expect<i32>(drain().length).toBe(OUTBOX_CAPACITY);
    expect<i32>(tick()).toBe(1);
    expect<string>(answerAll()).toBe("stop a");
    expect<i32>(state(a)).toBe(STATE_STOPPED);
  });

  it("defers spawns that do not fit the outbox, never drops them", () => {
    const services = OUTBOX_CAPACITY / INSTANCES_PER_SERVICE_MAX + 1;
    for (let i = 0; i < services; i++) mustRegister("big" + i.toString(), INSTANCES_PER_SERVICE_MAX);
    const seq = eventsNextSeq();
    expect<i32>(startAll()).toBe(services);
    expect<i32>(actionsPending()).toBe(OUTBOX_CAPACITY);
    expect<u32>(counter(COUNTER_ACTIONS_DEFERRED)).toBe(1);
    const last = services - 1;
    expect<i32>(state(last)).toBe(STATE_STARTING);
    let deferred = 0;
    const events = readAllEvents(seq);
    for (let i = 0; i < events.length; i++) {
      if (events[i].kind == EVENT_ACTION_DEFERRED) {
        deferred++;
        expect<i32>(events[i].service).toBe(last);
        expect<i32>(events[i].value).toBe(ACTION_SPAWN);
      }
    }
    expect<i32>(deferred).toBe(1);
    const firstBatch = drain();
    expect<i32>(firstBatch.length).toBe(OUTBOX_CAPACITY);
    for (let i = 0; i < firstBatch.length; i++) expect<i32>(firstBatch[i].service).toBeLessThan(last);
    expect<i32>(tick()).toBe(INSTANCES_PER_SERVICE_MAX); // retried on the next tick
    const rest = drain();
    for (let i = 0; i < rest.length; i++) expect<i32>(rest[i].service).toBe(last);
    for (let i = 0; i < firstBatch.length; i++) instanceStarted(firstBatch[i].handle);
    for (let i = 0; i < rest.length; i++) instanceStarted(rest[i].handle);
    for (let i = 0; i < services; i++) expect<i32>(state(i)).toBe(STATE_RUNNING);
  });
});
