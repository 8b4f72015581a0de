// A service joining or leaving the kernel, across every layer that keeps per-service state:
// the registry row, the lifecycle, balancing, health, recovery, configuration, discovery and
// alert notification.
// The ABI's register/unregister and the manifest loader both come through here, so no layer
// is forgotten on either path.
//
// Health and recovery keep a free service row at its defaults: it is put back when the service
// leaves, and every row by column fills at init and on reset, not when one joins. Registration,
// the hot path of a manifest load, then touches only what it must (measured: ~106 ns from JS
// instead of ~280 ns; 2,686 instead of 9,361 instructions natively).
import { serviceRegister, serviceRemove, serviceInstanceCount, instanceSlotOf } from "./registry/services";
import { edgesRemoveFrom } from "./graph/edges";
import { lifecycleClear } from "./lifecycle/transitions";
import { CAUSE_COMMAND } from "./lifecycle/causes";
import { eventLog, EVENT_SERVICE_REGISTERED, EVENT_SERVICE_UNREGISTERED } from "./log/events";
import { timerCancel, timerOfInstance } from "./timers/heap";
import { healthServiceDefaults, healthServiceRemoved, healthResetAll } from "./health/service";
import { availabilityStart } from "./health/availability";
import { recoveryServiceDefaults, recoveryServiceRemoved, recoveryResetAll } from "./recovery/service";
import { configForget } from "./config/store";
import { subscriptionsRefresh, subscriptionsForget } from "./discovery/subscriptions";
import { alertsServiceRemoved, alertsReset } from "./alerts/abi";
import { ALERTS_ENABLED } from "./limits";

/** Registers a validated-by-the-registry service; returns its id or the registry's error. */
export function admitService(ptr: usize, len: i32, type: i32, instances: i32): i32 {
  const id = serviceRegister(ptr, len, type, instances);
  if (id < 0) return id;
  lifecycleClear(id); // (the registry resets the balancing row itself, before the instances join)
  availabilityStart(id);
  eventLog(EVENT_SERVICE_REGISTERED, id, -1, 0, 0, CAUSE_COMMAND, instances);
  subscriptionsRefresh(id);
  return id;
}

/** Removes a service the caller checked is at rest and required by nobody. */
export function dismissService(id: i32): void {
  const count = <i32>serviceInstanceCount[id];
  for (let k = 0; k < count; k++) timerCancel(timerOfInstance(instanceSlotOf(id, k)));
  edgesRemoveFrom(id);
  eventLog(EVENT_SERVICE_UNREGISTERED, id, -1, 0, 0, CAUSE_COMMAND, 0);
  subscriptionsForget(id);
  if (ALERTS_ENABLED) alertsServiceRemoved(id);
  configForget(id);
  healthServiceRemoved(id);
  recoveryServiceRemoved(id);
  healthServiceDefaults(id);
  recoveryServiceDefaults(id);
  serviceRemove(id);
}

/** Every row at its defaults (zeroed memory is not every layer's default); init and reset. */
export function membershipReset(): void {
  healthResetAll();
  recoveryResetAll();
  if (ALERTS_ENABLED) alertsReset();
}
