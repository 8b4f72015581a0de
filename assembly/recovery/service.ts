// The recovery layer's part in a service's registration and removal, and in reset().
import { timerCancel, timerOfService } from "../timers/heap";
import { recoveryClear } from "./supervisor";
import { faultsClearAll } from "./faults";
import { intensityClearAll } from "./intensity";
import { groupForget, groupsReset } from "./groups";

/** A service id was taken: policy `never`, default knobs, empty records. */
export function recoveryServiceAdded(service: i32): void { recoveryClear(service); }

export function recoveryServiceRemoved(service: i32): void {
  timerCancel(timerOfService(service));
  groupForget(service);
}

export function recoveryResetAll(): void {
  faultsClearAll();
  intensityClearAll();
  groupsReset();
}
