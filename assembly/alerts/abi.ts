// Alert notification as the ABI offers it: configuration (receivers, routes, silences), the
// host's delivery reports, and what a host reads to write a notification. Checks of untrusted
// input are in config.ts and groups.ts; this file adds the clock and the membership hooks.
import { OK } from "../errors";
import { clockNow, clockRefresh } from "../clock";
import {
  receiverSet, routeAdd, silenceAdd, silenceRemove, silenceServiceOf, silenceUntil, alertsConfigReset, alertsConfigServiceRemoved,
  receiverUnreachable, alertsRoutesClear,
} from "./config";
import { alertDelivered, alertGroupField, alertGroupsReset, alertGroupsServiceRemoved } from "./groups";
import { alertsIngestReset } from "./ingest";
import { ALERT_RECEIVERS_MAX, ALERT_SILENCES_MAX } from "../limits";
import { E_INVALID_ARGUMENT, E_INVALID_TIMEOUT } from "../errors";
import { fail } from "../util/detail";

export function alertsReset(): void {
  alertsConfigReset();
  alertGroupsReset();
  alertsIngestReset();
}

/** Every receiver, route and group goes (a manifest reload configures them again); silences stay. */
export function alertsClearConfig(): i32 {
  alertsRoutesClear();
  alertGroupsReset();
  return OK;
}

export function alertsServiceRemoved(service: i32): void {
  alertsConfigServiceRemoved(service);
  alertGroupsServiceRemoved(service);
}

export { receiverSet as alertReceiverSet, routeAdd as alertRouteAdd };

/** Silences `service` (-1: all) for `durationMs` from now; returns the silence id. */
export function alertSilence(service: i32, durationMs: i32): i32 {
  if (durationMs < 1) return fail(E_INVALID_TIMEOUT).text("alerts: silence of ").int(durationMs).text(" ms: a silence lasts at least 1 ms").code();
  return silenceAdd(service, clockRefresh() + <i64>durationMs);
}

export function alertUnsilence(id: i32): i32 { return silenceRemove(id); }

/** The service a silence covers (-1 every service), or an error when it is not in force. */
export function alertSilenceService(id: i32): i32 {
  if (id < 0 || id >= ALERT_SILENCES_MAX || silenceServiceOf(id) < -1 || silenceUntil(id) <= clockNow()) {
    return fail(E_INVALID_ARGUMENT).text("alerts: silence ").int(id).text(" is not in force").code();
  }
  return silenceServiceOf(id);
}

/** When a silence ends (HAL clock ms); check alertSilenceService first. */
export function alertSilenceUntil(id: i32): i64 { return id < 0 || id >= ALERT_SILENCES_MAX ? -1 : silenceUntil(id); }

/** The host delivered (ok 1) or could not deliver (ok 0) a group's notification; the kernel decides what next. */
export function alertReport(group: i32, ok: i32): i32 { return alertDelivered(group, ok != 0, clockRefresh()); }

export function alertGroupRead(group: i32, field: i32): i32 { return alertGroupField(group, field); }

/** 1 when the receiver's last delivery gave up (reported once), 0 otherwise. */
export function alertReceiverDown(id: i32): i32 {
  if (id < 0 || id >= ALERT_RECEIVERS_MAX) return fail(E_INVALID_ARGUMENT).text("alerts: receiver ").int(id).text(" is outside 0..").int(ALERT_RECEIVERS_MAX - 1).code();
  return receiverUnreachable[id] ? 1 : 0;
}
