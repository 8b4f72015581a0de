// The health layer's part in a service's registration and removal, and in reset().
import { checksRelease, checksReset } from "./checks";
import { historyClear } from "./history";
import { availabilityClear } from "./availability";
import { alertsClear, alertsReset } from "./alerts";
import { healthServiceClear, healthStateReset } from "./state";
import { scheduleReset } from "./schedule";
import { watchdogMs, watchdogReset } from "./watchdog";

/** A free service row's defaults: no checks, no watchdog, empty history and availability window. */
export function healthServiceDefaults(service: i32): void {
  checksRelease(service);
  historyClear(service);
  availabilityClear(service, true);
  alertsClear(service);
  healthServiceClear(service);
  watchdogMs[service] = 0;
}

export function healthServiceRemoved(service: i32): void { checksRelease(service); }

export function healthResetAll(): void {
  checksReset();
  healthStateReset();
  alertsReset();
  scheduleReset();
  watchdogReset();
}
