// The recovery layer's part in a service's registration and removal, and in reset().
import { timerCancel, timerOfService } from "../timers/heap";
import { recoveryClear, recoveryClearAll } from "./supervisor";
import { groupForget } from "./groups";
import { alertsClear, alertsReset } from "./alerts";

/** A free service row's defaults: policy never, empty fault and restart records, no alert raised. */
export function recoveryServiceDefaults(service: i32): void {
  recoveryClear(service);
  alertsClear(service);
}

export function recoveryServiceRemoved(service: i32): void {
  timerCancel(timerOfService(service));
  groupForget(service);
}

/** Every row at its defaults (init and reset), by column fills. */
export function recoveryResetAll(): void {
  recoveryClearAll();
  alertsReset();
}
