// registry/services.ts (through the exported ABI): registration and its validation, capacities,
// unregistering and reuse, per-service settings.
import {
  serviceRegister, serviceUnregister, serviceLookup, serviceName, serviceCount, serviceState, serviceType,
  serviceInstances, serviceInstance, serviceSetInstances, serviceStart, serviceStop,
  dependencyAdd, instanceState, eventsNextSeq, limit, LIMIT_SERVICES, LIMIT_INSTANCES, LIMIT_NAME_BYTES,
} from "../index";
import {
  OK, E_NAME_EMPTY, E_NAME_TOO_LONG, E_NAME_INVALID_CHAR, E_DUPLICATE_NAME, E_UNKNOWN_SERVICE, E_CAPACITY_SERVICES,
  E_CAPACITY_INSTANCES, E_INVALID_TYPE, E_INVALID_COUNT, E_IO_LENGTH, E_SERVICE_ACTIVE, E_SERVICE_IN_USE,
  E_INVALID_TIMEOUT, E_UNKNOWN_INSTANCE,
} from "../errors";
import {
  SERVICES_MAX, INSTANCES_MAX, INSTANCES_PER_SERVICE_MAX, NAME_BYTES_MAX, IO_BUFFER_BYTES, TIMEOUT_MS_MAX,
} from "../limits";
import { serviceStartTimeoutMs, serviceStopTimeoutMs } from "../registry/services";
import { instancesFree } from "../registry/instances";
import { START_TIMEOUT_MS_DEFAULT, STOP_TIMEOUT_MS_DEFAULT } from "../defaults";
import { STATE_STOPPED } from "../registry/states";
import { DEP_REQUIRES } from "../graph/edges";
import { EVENT_SERVICE_REGISTERED, EVENT_SERVICE_UNREGISTERED } from "../log/events";
import {
  freshKernel, register, mustRegister, lookup, nameOf, put, putBytes, repeat, detailText, answerAll, readEvents,
} from "./support/kernel";
import { applyTimeouts } from "./support/records";

describe("registering a service", () => {
  beforeEach(() => { freshKernel(); });

  it("gives ids in order and remembers name, type, instances and state", () => {
    expect<i32>(register("alpha", 2, 0)).toBe(0);
    expect<i32>(register("beta", 0, 1)).toBe(1);
    expect<i32>(serviceCount()).toBe(2);
    expect<i32>(lookup("alpha")).toBe(0);
    expect<i32>(lookup("beta")).toBe(1);
    expect<string>(nameOf(1)).toBe("beta");
    expect<i32>(serviceType(0)).toBe(0);
    expect<i32>(serviceType(1)).toBe(1);
    expect<i32>(serviceInstances(0)).toBe(2);
    expect<i32>(serviceInstances(1)).toBe(0);
    expect<i32>(serviceState(0)).toBe(STATE_STOPPED);
    expect<i32>(instanceState(serviceInstance(0, 1))).toBe(STATE_STOPPED);
    expect<i32>(serviceStartTimeoutMs[0]).toBe(START_TIMEOUT_MS_DEFAULT);
    expect<i32>(serviceStopTimeoutMs[0]).toBe(STOP_TIMEOUT_MS_DEFAULT);
  });

  it("logs the registration with the instance count", () => {
    const id = register("alpha", 3);
    const events = readEvents(1);
    expect<i32>(events.length).toBe(1);
    expect<u8>(events[0].kind).toBe(EVENT_SERVICE_REGISTERED);
    expect<i32>(events[0].service).toBe(id);
    expect<i32>(events[0].value).toBe(3);
  });

  it("refuses an empty name", () => {
    expect<i32>(register("")).toBe(E_NAME_EMPTY);
    expect<string>(detailText()).toBe("service name is empty");
  });

  it("refuses a name longer than NAME_BYTES_MAX, accepts one exactly that long", () => {
    expect<i32>(limit(LIMIT_NAME_BYTES)).toBe(NAME_BYTES_MAX);
    expect<i32>(register(repeat("n", NAME_BYTES_MAX + 1))).toBe(E_NAME_TOO_LONG);
    expect<i32>(register(repeat("n", NAME_BYTES_MAX))).toBeGreaterThanOrEqual(0);
  });

  it("refuses bad characters", () => {
    expect<i32>(register("web server")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(register("-web")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(register("web/1")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(serviceRegister(putBytes([0x77, 0xff]), 1, 1)).toBe(E_NAME_INVALID_CHAR);
    expect<string>(detailText()).toBe(
      "service name 'w\\xff' has a bad character at byte 1 (allowed: letters, digits, and . _ - after the first)");
    expect<i32>(serviceCount()).toBe(0);
  });

  it("refuses a length outside the I/O buffer", () => {
    expect<i32>(serviceRegister(-1, 1, 1)).toBe(E_IO_LENGTH);
    expect<string>(detailText()).toBe("length -1 is outside 0..8192 (the I/O buffer)");
    expect<i32>(serviceRegister(IO_BUFFER_BYTES + 1, 1, 1)).toBe(E_IO_LENGTH);
    expect<i32>(serviceLookup(-5)).toBe(E_IO_LENGTH);
  });

  it("refuses a duplicate name (names are case-sensitive)", () => {
    mustRegister("web");
    expect<i32>(register("web")).toBe(E_DUPLICATE_NAME);
    expect<string>(detailText()).toBe("service 'web' is already registered");
    expect<i32>(register("Web")).toBeGreaterThanOrEqual(0);
    expect<i32>(serviceCount()).toBe(2);
  });

  it("refuses a type other than system (0) or user (1)", () => {
    expect<i32>(register("a", 1, 2)).toBe(E_INVALID_TYPE);
    expect<i32>(register("a", 1, -1)).toBe(E_INVALID_TYPE);
    expect<string>(detailText()).toBe("service 'a': type -1 is not system (0) or user (1)");
  });

  it("refuses an instance count outside 0..INSTANCES_PER_SERVICE_MAX", () => {
    expect<i32>(register("a", -1)).toBe(E_INVALID_COUNT);
    expect<i32>(register("a", INSTANCES_PER_SERVICE_MAX + 1)).toBe(E_INVALID_COUNT);
    expect<string>(detailText()).toBe("service 'a': instances 65 is outside 0..64");
    expect<i32>(register("a", INSTANCES_PER_SERVICE_MAX)).toBe(0);
    expect<i32>(register("b", 0)).toBe(1);
  });

  it("runs out of service slots with an error that names the service", () => {
    expect<i32>(limit(LIMIT_SERVICES)).toBe(SERVICES_MAX);
    for (let i = 0; i < SERVICES_MAX; i++) expect<i32>(register("s" + i.toString(), 0)).toBe(i);
    expect<i32>(register("extra", 0)).toBe(E_CAPACITY_SERVICES);
    expect<string>(detailText()).toBe("service 'extra' does not fit: all 128 service slots are in use");
    expect<i32>(serviceCount()).toBe(SERVICES_MAX);
    expect<i32>(lookup("extra")).toBe(E_UNKNOWN_SERVICE);
    for (let i = 0; i < SERVICES_MAX; i++) expect<i32>(lookup("s" + i.toString())).toBe(i);
  });

  it("runs out of instance slots, changing nothing", () => {
    expect<i32>(limit(LIMIT_INSTANCES)).toBe(INSTANCES_MAX);
    const full = INSTANCES_MAX / INSTANCES_PER_SERVICE_MAX;
    for (let i = 0; i < full; i++) mustRegister("big" + i.toString(), INSTANCES_PER_SERVICE_MAX);
    expect<i32>(instancesFree()).toBe(0);
    const seq = eventsNextSeq();
    expect<i32>(register("one-more", 1)).toBe(E_CAPACITY_INSTANCES);
    expect<string>(detailText()).toBe("service 'one-more': 1 instances do not fit; 0 instance slots are free");
    expect<i32>(serviceCount()).toBe(full);
    expect<u32>(eventsNextSeq()).toBe(seq);
    expect<i32>(register("no-instances", 0)).toBe(full); // a service without instances still fits
  });
});

describe("unregistering a service", () => {
  beforeEach(() => { freshKernel(); });

  it("forgets it, frees its instances and gives its id and name back", () => {
    const a = mustRegister("a", 3);
    const b = mustRegister("b", 1);
    const handle = serviceInstance(a, 0);
    const free = instancesFree();
    expect<i32>(serviceUnregister(a)).toBe(OK);
    expect<i32>(serviceCount()).toBe(1);
    expect<i32>(lookup("a")).toBe(E_UNKNOWN_SERVICE);
    expect<string>(detailText()).toBe("service 'a' is not registered");
    expect<i32>(serviceState(a)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(instanceState(handle)).toBe(E_UNKNOWN_INSTANCE);
    expect<i32>(instancesFree()).toBe(free + 3);
    expect<i32>(lookup("b")).toBe(b);
    expect<i32>(register("a", 1)).toBe(a); // the freed id comes back first
    expect<i32>(register("c", 1)).toBe(2);
  });

  it("logs the unregistration", () => {
    const a = mustRegister("a");
    const seq = eventsNextSeq();
    serviceUnregister(a);
    const events = readEvents(seq);
    expect<i32>(events.length).toBe(1);
    expect<u8>(events[0].kind).toBe(EVENT_SERVICE_UNREGISTERED);
    expect<i32>(events[0].service).toBe(a);
  });

  it("refuses an unknown or already removed id", () => {
    expect<i32>(serviceUnregister(0)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceUnregister(-1)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(serviceUnregister(SERVICES_MAX)).toBe(E_UNKNOWN_SERVICE);
    const a = mustRegister("a");
    serviceUnregister(a);
    expect<i32>(serviceUnregister(a)).toBe(E_UNKNOWN_SERVICE);
    expect<string>(detailText()).toBe("service id 0 is not registered");
  });

  it("refuses an active service", () => {
    const a = mustRegister("a");
    serviceStart(a);
    expect<i32>(serviceUnregister(a)).toBe(E_SERVICE_ACTIVE);
    expect<string>(detailText()).toBe("service 'a' is active; stop it before unregistering it");
    answerAll();
    expect<i32>(serviceUnregister(a)).toBe(E_SERVICE_ACTIVE);
    serviceStop(a);
    answerAll();
    expect<i32>(serviceUnregister(a)).toBe(OK);
  });

  it("refuses a dependency of another service until that one is gone", () => {
    const db = mustRegister("db");
    const web = mustRegister("web");
    expect<i32>(dependencyAdd(web, db, DEP_REQUIRES)).toBe(OK);
    expect<i32>(serviceUnregister(db)).toBe(E_SERVICE_IN_USE);
    expect<string>(detailText()).toBe("service 'db' is still a dependency of 'web'");
    expect<i32>(serviceUnregister(web)).toBe(OK); // its edges go with it
    expect<i32>(serviceUnregister(db)).toBe(OK);
  });

  it("keeps the name index working through many register/unregister rounds", () => {
    for (let i = 0; i < SERVICES_MAX - 1; i++) mustRegister("keep" + i.toString(), 0);
    for (let round = 0; round < 1000; round++) {
      const name = "churn" + round.toString();
      const id = register(name, 1);
      expect<i32>(id).toBe(SERVICES_MAX - 1);
      expect<i32>(lookup(name)).toBe(id);
      expect<i32>(serviceUnregister(id)).toBe(OK);
      expect<i32>(lookup(name)).toBe(E_UNKNOWN_SERVICE);
    }
    for (let i = 0; i < SERVICES_MAX - 1; i++) expect<i32>(lookup("keep" + i.toString())).toBe(i);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX);
  });
});

describe("service settings", () => {
  beforeEach(() => { freshKernel(); });

  it("serviceName writes the name to the buffer", () => {
    const id = mustRegister("telemetry-uplink-eu-west-2");
    expect<i32>(serviceName(id)).toBe(26);
    expect<string>(nameOf(id)).toBe("telemetry-uplink-eu-west-2");
    expect<i32>(serviceName(id + 1)).toBe(E_UNKNOWN_SERVICE);
  });

  it("serviceLookup validates the name it is given", () => {
    expect<i32>(serviceLookup(put("bad name"))).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(serviceLookup(0)).toBe(E_NAME_EMPTY);
  });

  it("timeouts must lie in 1..TIMEOUT_MS_MAX", () => {
    const a = mustRegister("a");
    expect<i32>(applyTimeouts(a, 100, 200)).toBe(OK);
    expect<i32>(serviceStartTimeoutMs[a]).toBe(100);
    expect<i32>(serviceStopTimeoutMs[a]).toBe(200);
    expect<i32>(applyTimeouts(a, 0, 200)).toBe(E_INVALID_TIMEOUT);
    expect<string>(detailText()).toBe("service 'a': startTimeoutMs 0 is outside 1..86400000");
    expect<i32>(applyTimeouts(a, 100, -2)).toBe(E_INVALID_TIMEOUT); // -1 is the default
    expect<string>(detailText()).toBe("service 'a': stopTimeoutMs -2 is outside 1..86400000");
    expect<i32>(applyTimeouts(a, TIMEOUT_MS_MAX + 1, 1)).toBe(E_INVALID_TIMEOUT);
    expect<i32>(applyTimeouts(a, TIMEOUT_MS_MAX, TIMEOUT_MS_MAX)).toBe(OK);
    expect<i32>(serviceStartTimeoutMs[a]).toBe(TIMEOUT_MS_MAX);
    expect<i32>(applyTimeouts(99, 1, 1)).toBe(E_UNKNOWN_SERVICE);
  });

  it("a failed timeout change changes neither timeout", () => {
    const a = mustRegister("a");
    applyTimeouts(a, 100, 200);
    expect<i32>(applyTimeouts(a, 300, 0)).toBe(E_INVALID_TIMEOUT);
    expect<i32>(serviceStartTimeoutMs[a]).toBe(100);
    expect<i32>(serviceStopTimeoutMs[a]).toBe(200);
  });

  it("the instance count changes while the service is at rest, within the limits", () => {
    const a = mustRegister("a", 2);
    expect<i32>(serviceSetInstances(a, 5)).toBe(OK);
    expect<i32>(serviceInstances(a)).toBe(5);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX - 5);
    expect<i32>(serviceSetInstances(a, 1)).toBe(OK);
    expect<i32>(instancesFree()).toBe(INSTANCES_MAX - 1);
    expect<i32>(serviceSetInstances(a, INSTANCES_PER_SERVICE_MAX + 1)).toBe(E_INVALID_COUNT);
    expect<i32>(serviceSetInstances(a, -1)).toBe(E_INVALID_COUNT);
    expect<i32>(serviceInstances(a)).toBe(1);
    serviceStart(a);
    answerAll();
    serviceStop(a); // stopping: neither at rest nor serving (a running service resizes: resize.spec.ts)
    expect<i32>(serviceSetInstances(a, 2)).toBe(E_SERVICE_ACTIVE);
    expect<string>(detailText()).toBe("service 'a' is active; stop it before changing its instance count");
  });

  it("growing past the free instance slots fails and changes nothing", () => {
    const full = INSTANCES_MAX / INSTANCES_PER_SERVICE_MAX;
    for (let i = 0; i < full - 1; i++) mustRegister("big" + i.toString(), INSTANCES_PER_SERVICE_MAX);
    const a = mustRegister("a", INSTANCES_PER_SERVICE_MAX - 2);
    expect<i32>(instancesFree()).toBe(2);
    expect<i32>(serviceSetInstances(a, INSTANCES_PER_SERVICE_MAX)).toBe(OK, "grow into the last free slots");
    expect<i32>(instancesFree()).toBe(0);
    expect<i32>(serviceSetInstances(a, 1)).toBe(OK, "shrink");
    expect<i32>(instancesFree()).toBe(63);
    mustRegister("b", 60);
    expect<i32>(serviceSetInstances(a, 5)).toBe(E_CAPACITY_INSTANCES, "4 more do not fit in 3");
    expect<string>(detailText()).toBe("service 'a': 4 instances do not fit; 3 instance slots are free");
    expect<i32>(serviceInstances(a)).toBe(1);
    expect<i32>(instancesFree()).toBe(3);
    expect<i32>(serviceSetInstances(a, 4)).toBe(OK, "3 more fit in 3");
    expect<i32>(instancesFree()).toBe(0);
  });

  it("every query refuses ids that are not services", () => {
    const ids: i32[] = [-1, 0, 5, SERVICES_MAX, i32.MAX_VALUE];
    for (let i = 0; i < ids.length; i++) {
      expect<i32>(serviceState(ids[i])).toBe(E_UNKNOWN_SERVICE);
      expect<i32>(serviceType(ids[i])).toBe(E_UNKNOWN_SERVICE);
      expect<i32>(serviceInstances(ids[i])).toBe(E_UNKNOWN_SERVICE);
      expect<i32>(serviceInstance(ids[i], 0)).toBe(E_UNKNOWN_SERVICE);
      expect<i32>(serviceStart(ids[i])).toBe(E_UNKNOWN_SERVICE);
      expect<i32>(serviceSetInstances(ids[i], 1)).toBe(E_UNKNOWN_SERVICE);
    }
  });
});
