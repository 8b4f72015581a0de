// alerts/: routing by severity and service, the group wait, repeat interval, resolved
// notifications, silences, retry with a doubling delay, and an unreachable receiver reported
// once. Alerts enter the way health and recovery write them: EVENT_ALERT records in the log.
import {
  tick, nextDeadline, alertReceiverSet, alertRouteAdd, alertSilence, alertUnsilence, alertSilenceService, alertReport, alertGroupRead,
  alertReceiverDown, alertsClear, eventsRead, ioBuffer, serviceUnregister,
} from "../index";
import { E_INVALID_ARGUMENT, E_INVALID_COUNT, E_INVALID_TIMEOUT, E_UNKNOWN_SERVICE, OK } from "../errors";
import { eventLog, eventsNextSeq, EVENT_ALERT, EVENT_RECORD_BYTES } from "../log/events";
import { ACTION_NOTIFY } from "../log/outbox";
import { EVENT_NOTIFY, NOTIFY_SENT, NOTIFY_RETRY, NOTIFY_UNREACHABLE, NOTIFY_SILENCED, NOTIFY_RECEIVER_BACK } from "../alerts/groups";
import { ALERT_ROUTES_MAX } from "../limits";
import { NO_DEADLINE } from "../timers/heap";
import { freshKernel, mustRegister, drain, detailText } from "./support/kernel";
import { setNowMs } from "./support/hal";
import { clockRefresh } from "../clock";

const INFO: u8 = 0, WARNING: u8 = 1, CRITICAL: u8 = 2;
const RECOVERED: u8 = 0, UNHEALTHY: u8 = 2, CRASH_LOOP: u8 = 3;

/** As health and recovery raise one: inside a call, on the HAL clock's time. */
function raise(service: i32, severity: u8, reason: u8): void {
  clockRefresh();
  eventLog(EVENT_ALERT, service, -1, severity, reason, 0, 0);
}

/** "notify <service> group <g> receiver <r> firing|resolved" for each notify action. */
function notifications(): string {
  const actions = drain();
  const parts = new Array<string>();
  for (let i = 0; i < actions.length; i++) {
    const a = actions[i];
    if (a.kind != ACTION_NOTIFY) continue;
    parts.push("notify " + a.service.toString() + " group " + a.handle.toString() + " receiver " + (a.arg & 0xff).toString() + ((a.arg >> 8) == 1 ? " firing" : " resolved"));
  }
  return parts.join(", ");
}

/** EVENT_NOTIFY records since `fromSeq` as "what:receiver:value". */
function notifyEvents(fromSeq: u32): string {
  const count = eventsRead(fromSeq);
  const parts = new Array<string>();
  for (let i = 0; i < count; i++) {
    const at = ioBuffer() + <usize>(i * EVENT_RECORD_BYTES);
    if (load<u8>(at, 12) != EVENT_NOTIFY) continue;
    parts.push(load<u8>(at, 13).toString() + ":" + load<u8>(at, 14).toString() + ":" + load<i32>(at, 24).toString());
  }
  return parts.join(" ");
}

describe("alert routes", () => {
  beforeEach(() => { freshKernel(); });

  it("refuses bad configuration with the value named", () => {
    expect<i32>(alertReceiverSet(8, 1000, 30000, 5)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("alerts: receiver 8 is outside 0..7");
    expect<i32>(alertReceiverSet(0, 5000, 1000, 5)).toBe(E_INVALID_TIMEOUT);
    expect<string>(detailText()).toBe("alerts: receiver 0: retry max 1000 ms is below retry initial 5000 ms");
    expect<i32>(alertReceiverSet(0, 1000, 2000, 0)).toBe(E_INVALID_COUNT);
    expect<i32>(alertRouteAdd(1, 7, -1, 0, 0, 1)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("alerts: route names receiver 1, which is not defined");
    expect<i32>(alertReceiverSet(0, 1000, 2000, 3)).toBe(OK);
    expect<i32>(alertRouteAdd(0, 8, -1, 0, 0, 1)).toBe(E_INVALID_ARGUMENT);
    expect<i32>(alertRouteAdd(0, 7, 99, 0, 0, 1)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(alertRouteAdd(0, 7, -1, -2, 0, 1)).toBe(E_INVALID_TIMEOUT);
    expect<string>(detailText()).toBe("alerts: group wait -2 ms is outside 0..86400000");
    for (let i = 0; i < ALERT_ROUTES_MAX; i++) expect<i32>(alertRouteAdd(0, 7, -1, 0, 0, 1)).toBe(i);
    expect<i32>(alertRouteAdd(0, 7, -1, 0, 0, 1)).toBe(E_INVALID_COUNT);
    expect<string>(detailText()).toBe("alerts: all 16 routes are in use");
  });

  it("-1 is the kernel's default: 10 s group wait, every severity", () => {
    const web = mustRegister("web");
    expect<i32>(alertReceiverSet(0, -1, -1, -1)).toBe(OK);
    expect<i32>(alertRouteAdd(0, -1, -1, -1, -1, 1)).toBe(0);
    raise(web, INFO, 9);
    tick();
    expect<i64>(nextDeadline()).toBe(10000);
  });

  it("routes by severity and service: the first matching route takes the alert", () => {
    const www = mustRegister("web"), db = mustRegister("db");
    alertReceiverSet(0, 1000, 8000, 3);
    alertReceiverSet(1, 1000, 8000, 3);
    expect<i32>(alertRouteAdd(1, 4, db, 0, 0, 0)).toBe(0); // db's critical alerts: receiver 1
    expect<i32>(alertRouteAdd(0, 6, -1, 0, 0, 0)).toBe(1); // any warning or critical: receiver 0
    raise(db, CRITICAL, CRASH_LOOP);
    raise(www, WARNING, UNHEALTHY);
    raise(www, INFO, 9); // info: no route takes it
    tick();
    expect<string>(notifications()).toBe("notify " + db.toString() + " group 0 receiver 1 firing, notify " + www.toString() + " group 1 receiver 0 firing");
  });
});

let web: i32 = 0;

describe("alert groups", () => {
  beforeEach(() => {
    freshKernel();
    web = mustRegister("web");
    alertReceiverSet(0, 1000, 4000, 3);
    alertRouteAdd(0, 7, -1, 2000, 60000, 1); // group wait 2 s, repeat 1 min, send resolved
  });

  it("a burst within the group wait is one notification; repeats while it lasts; resolved once", () => {
    setNowMs(100);
    raise(web, WARNING, UNHEALTHY);
    tick();
    setNowMs(900);
    raise(web, CRITICAL, CRASH_LOOP);
    tick();
    expect<string>(notifications()).toBe("");
    expect<i64>(nextDeadline()).toBe(2100);
    setNowMs(2100);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    expect<i32>(alertGroupRead(0, 3)).toBe(2); // two alerts in it
    expect<i32>(alertGroupRead(0, 4)).toBe(<i32>CRITICAL); // the highest severity
    expect<i32>(alertGroupRead(0, 5)).toBe(<i32>CRASH_LOOP); // the latest reason
    const seq = eventsNextSeq();
    expect<i32>(alertReport(0, 1)).toBe(OK);
    expect<string>(notifyEvents(seq)).toBe(NOTIFY_SENT.toString() + ":0:2");
    expect<i64>(nextDeadline()).toBe(62100); // the repeat
    setNowMs(62100);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    alertReport(0, 1);
    setNowMs(70000);
    raise(web, INFO, RECOVERED);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 resolved");
    alertReport(0, 1);
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE); // the group ended
    expect<i32>(alertGroupRead(0, 0)).toBe(E_INVALID_ARGUMENT);
  });

  it("a resolution while the firing notification is out is told after it", () => {
    raise(web, WARNING, UNHEALTHY);
    setNowMs(2000);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    raise(web, INFO, RECOVERED);
    tick();
    expect<string>(notifications()).toBe("");
    alertReport(0, 1);
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 resolved");
  });

  it("an alert resolved within the group wait is never told, neither firing nor resolved", () => {
    raise(web, WARNING, UNHEALTHY);
    setNowMs(500);
    raise(web, INFO, RECOVERED);
    setNowMs(3000);
    tick();
    expect<string>(notifications()).toBe("");
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
  });

  it("a silence holds notifications back until it ends or is lifted", () => {
    const id = alertSilence(web, 10000);
    expect<i32>(alertSilenceService(id)).toBe(web);
    const seq = eventsNextSeq();
    raise(web, CRITICAL, CRASH_LOOP);
    setNowMs(5000);
    tick();
    expect<string>(notifications()).toBe("");
    expect<string>(notifyEvents(seq)).toBe(NOTIFY_SILENCED.toString() + ":0:1");
    setNowMs(10000); // the silence is over
    raise(web, WARNING, UNHEALTHY);
    setNowMs(12000);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    expect<i32>(alertSilenceService(id)).toBe(E_INVALID_ARGUMENT);
    const all = alertSilence(-1, 60000);
    expect<i32>(alertUnsilence(all)).toBe(OK);
    expect<i32>(alertUnsilence(all)).toBe(E_INVALID_ARGUMENT);
    expect<i32>(alertSilence(web, 0)).toBe(E_INVALID_TIMEOUT);
  });

  it("a failed delivery is retried after 1, 2, 4 s; the receiver is reported unreachable once, and back once", () => {
    const seq = eventsNextSeq();
    raise(web, WARNING, UNHEALTHY);
    setNowMs(2000);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    expect<i32>(alertReport(0, 0)).toBe(OK);
    expect<i64>(nextDeadline()).toBe(3000);
    setNowMs(3000);
    tick();
    expect<string>(notifications()).toBe("notify " + web.toString() + " group 0 receiver 0 firing");
    alertReport(0, 0);
    expect<i64>(nextDeadline()).toBe(5000);
    setNowMs(5000);
    tick();
    drain();
    alertReport(0, 0); // the third attempt fails: given up until the repeat
    expect<i32>(alertReceiverDown(0)).toBe(1);
    expect<i64>(nextDeadline()).toBe(65000);
    setNowMs(65000);
    tick();
    drain();
    alertReport(0, 0);
    alertReport(0, 0) ; // not out: refused
    setNowMs(66000);
    tick();
    drain();
    alertReport(0, 0);
    setNowMs(68000);
    tick();
    drain();
    alertReport(0, 0);
    const r = NOTIFY_RETRY.toString(), u = NOTIFY_UNREACHABLE.toString();
    expect<string>(notifyEvents(seq)).toBe(r + ":0:1000 " + r + ":0:2000 " + u + ":0:3 " + r + ":0:1000 " + r + ":0:2000"); // unreachable once
    setNowMs(128000);
    tick();
    drain();
    const back = eventsNextSeq();
    alertReport(0, 1);
    expect<i32>(alertReceiverDown(0)).toBe(0);
    expect<string>(notifyEvents(back)).toBe(NOTIFY_RECEIVER_BACK.toString() + ":0:0 " + NOTIFY_SENT.toString() + ":0:0");
  });

  it("a report for a group with nothing out is refused; clear and unregister end the groups", () => {
    expect<i32>(alertReport(0, 1)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("alerts: group 0 has no notification out");
    raise(web, WARNING, UNHEALTHY);
    tick();
    expect<i64>(nextDeadline()).toBe(2000);
    expect<i32>(serviceUnregister(web)).toBe(OK);
    expect<i64>(nextDeadline()).toBe(NO_DEADLINE);
    expect<i32>(alertsClear()).toBe(OK);
    expect<i32>(alertRouteAdd(0, 7, -1, 0, 0, 1)).toBe(E_INVALID_ARGUMENT); // the receiver went too
  });
});
