// The health layer's part in a service's registration and removal, and in reset().
import { checksRelease, checksReset } from "./checks";
import { historyClear, historyClearAll } from "./history";
import { availabilityClear, availabilityClearAll } from "./availability";
import { healthServiceClear, healthStateReset } from "./state";
import { scheduleReset } from "./schedule";
import { watchdogMs, watchdogReset } from "./watchdog";
import { WITH_HEALTH_HISTORY } from "../features";

/** A free service row's defaults: no checks, no watchdog, empty history and availability window. */
export function healthServiceDefaults(service: i32): void {
  checksRelease(service);
  if (WITH_HEALTH_HISTORY) {
    historyClear(service);
    availabilityClear(service, true);
  }
  healthServiceClear(service);
  watchdogMs[service] = 0;
}

export function healthServiceRemoved(service: i32): void { checksRelease(service); }

/** Every row at its defaults (init and reset), by column fills. */
export function healthResetAll(): void {
  checksReset();
  if (WITH_HEALTH_HISTORY) {
    historyClearAll();
    availabilityClearAll();
  }
  healthStateReset();
  scheduleReset();
  watchdogReset();
}
