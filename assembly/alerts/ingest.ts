// Alert notification, the input: the alerts the health and recovery layers write to the event
// log (EVENT_ALERT: from = severity, to = reason), and each service's return to health
// (EVENT_HEALTH, service-level, to healthy), are read back here, once each, in order, at
// the end of every settle, and handed to the routing (groups.ts). Reading the log keeps this
// layer on top: nothing below it knows it exists. With no route configured nothing is read.
import { eventsCopy, eventsNextSeq, EVENT_ALERT, EVENT_HEALTH, EVENT_RECORD_BYTES } from "../log/events";
import { ALERT_RECOVERED } from "../recovery/alerts";
import { HEALTH_HEALTHY } from "../health/state";
import { alertRoute, alertGroupsTick, alertGroupsNextDeadline } from "./groups";
import { routesConfigured } from "./config";
import { table } from "./table";

const record = table<u8>(EVENT_RECORD_BYTES);
/** The sequence number of the next event to read. */
let cursor: u32 = 1;

export function alertsIngestReset(): void { cursor = 1; }

/** Routes the alerts logged since the last call, then sends what is due. */
export function alertsSettle(now: i64): void {
  const end = eventsNextSeq();
  if (!routesConfigured()) {
    cursor = end;
    return;
  }
  const at = changetype<usize>(record);
  while (cursor != end) {
    // eventsCopy starts at the oldest retained record if `cursor` was overwritten meanwhile.
    if (eventsCopy(cursor, at, EVENT_RECORD_BYTES) == 0) break;
    const seq = load<u32>(at, 8);
    cursor = seq + 1;
    const kind = load<u8>(at, 12);
    // A service healthy again resolves its alerts (the "recovered" alert is said once per
    // incident, so a second failure within the same incident has only this to end it).
    if (kind == EVENT_HEALTH && load<i32>(at, 20) == -1 && load<u8>(at, 14) == HEALTH_HEALTHY) {
      alertRoute(load<i32>(at, 16), 0, ALERT_RECOVERED, true, load<i64>(at, 0));
      continue;
    }
    if (kind != EVENT_ALERT) continue;
    const reason = load<u8>(at, 14);
    // The alert's own time: the group wait counts from when it was raised.
    alertRoute(load<i32>(at, 16), load<u8>(at, 13), reason, reason == ALERT_RECOVERED, load<i64>(at, 0));
  }
  alertGroupsTick(now);
}

export function alertsNextDeadline(): i64 { return alertGroupsNextDeadline(); }
