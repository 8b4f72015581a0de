// The recovery layer's part in a service's registration and removal, and in reset().
import { timerCancel, timerOfService } from "../timers/heap";
import { recoveryClear } from "./supervisor";
import { faultsClearAll } from "./faults";
import { intensityClearAll } from "./intensity";
import { groupForget, groupsReset } from "./groups";

/** A free service row's defaults: policy never, empty fault and restart records. */
export function recoveryServiceDefaults(service: i32): void { recoveryClear(service); }

export function recoveryServiceRemoved(service: i32): void {
  timerCancel(timerOfService(service));
  groupForget(service);
}

export function recoveryResetAll(): void {
  faultsClearAll();
  intensityClearAll();
  groupsReset();
}
