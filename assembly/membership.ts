// A service joining or leaving the kernel, across every layer that keeps per-service state:
// the registry row, the lifecycle, balancing, health, recovery, configuration, discovery and
// alert notification and fleet placement;
// and the kernel's reset, across every layer. The ABI's register/unregister and reset and the
// manifest loader all come through here, so no layer is forgotten on any path. (Balancing
// follows the registry's instance count through hooks.ts, as a resize changes it too.)
//
// Health and recovery keep a free service row at its defaults: it is put back when the service
// leaves, and every row by column fills at init and on reset, not when one joins. Registration,
// the hot path of a manifest load, then touches only what it must (measured: ~106 ns from JS
// instead of ~280 ns; 2,686 instead of 9,361 instructions natively).
import { clockReset } from "./clock";
import { detail } from "./util/detail";
import { serviceRegister, serviceRemove, serviceInstanceCount, instanceSlotOf, servicesReset } from "./registry/services";
import { instancesReset } from "./registry/instances";
import { tagsReset } from "./registry/tags";
import { edgesRemoveFrom, edgesReset } from "./graph/edges";
import { lifecycleClear } from "./lifecycle/transitions";
import { dirtyReset } from "./lifecycle/dirty";
import { resizeReset } from "./lifecycle/leaving";
import { CAUSE_COMMAND } from "./lifecycle/causes";
import { eventLog, eventsReset, EVENT_SERVICE_REGISTERED, EVENT_SERVICE_UNREGISTERED } from "./log/events";
import { outboxReset } from "./log/outbox";
import { plans, healthPolicy } from "./placement/plan";
import { nodeHealth } from "./placement/promote";
import { timerCancel, timersReset, timerOfInstance, timerOfWatchdog, timerOfRestart, timerOfDrain, timerOfRollout } from "./timers/heap";
import { balanceReset } from "./balance/members";
import { healthServiceDefaults, healthServiceRemoved, healthResetAll } from "./health/service";
import { availabilityStart } from "./health/availability";
import { recoveryServiceDefaults, recoveryServiceRemoved, recoveryResetAll } from "./recovery/service";
import { subscriptionsRefresh, subscriptionsForget, subscriptionsReset } from "./discovery/subscriptions";
import { queryReset } from "./discovery/query";
import { healthReset as discoveryHealthReset } from "./discovery/health";
import { configForget, configReset } from "./config/store";
import { slotsReset } from "./manifest/slots";
import { onReset } from "./hooks";
import { WITH_DISCOVERY, WITH_PLACEMENT, WITH_ROLLOUT } from "./features";
import { alertsServiceRemoved, alertsReset } from "./alerts/abi";
import { fleet } from "./placement/tables";
import { placementServiceRemoved } from "./placement/place";
import { reservations } from "./placement/reserve";
import { ALERTS_ENABLED } from "./limits";
import { WITH_RESOURCES } from "./features";
import { WITH_HEALTH_HISTORY } from "./features";
import { node as resourcesNode } from "./resources/tables";
import { admissionForget } from "./resources/admission";
import { reservationsForget } from "./resources/reservations";
import { serviceHeld } from "./lifecycle/inputs";
import { fillAll } from "./util/fill";

/** Registers a validated-by-the-registry service; returns its id or the registry's error. */
export function admitService(ptr: usize, len: i32, type: i32, instances: i32): i32 {
  const id = serviceRegister(ptr, len, type, instances);
  if (id < 0) return id;
  lifecycleClear(id); // (the registry resets the balancing row itself, before the instances join)
  if (WITH_HEALTH_HISTORY) availabilityStart(id);
  eventLog(EVENT_SERVICE_REGISTERED, id, -1, 0, 0, CAUSE_COMMAND, instances);
  if (WITH_DISCOVERY) subscriptionsRefresh(id);
  return id;
}

/** Removes a service the caller checked is at rest and required by nobody. */
export function dismissService(id: i32): void {
  const count = <i32>serviceInstanceCount[id];
  for (let k = 0; k < count; k++) {
    const slot = instanceSlotOf(id, k);
    timerCancel(timerOfInstance(slot));
    timerCancel(timerOfWatchdog(slot));
    timerCancel(timerOfRestart(slot));
  }
  if (WITH_ROLLOUT) { timerCancel(timerOfDrain(id)); timerCancel(timerOfRollout(id)); }
  edgesRemoveFrom(id);
  eventLog(EVENT_SERVICE_UNREGISTERED, id, -1, 0, 0, CAUSE_COMMAND, 0);
  if (WITH_DISCOVERY) subscriptionsForget(id);
  if (ALERTS_ENABLED) alertsServiceRemoved(id);
  if (WITH_PLACEMENT) placementServiceRemoved(id);
  if (WITH_RESOURCES) { reservationsForget(id); admissionForget(id); }
  configForget(id);
  healthServiceRemoved(id);
  recoveryServiceRemoved(id);
  healthServiceDefaults(id);
  recoveryServiceDefaults(id);
  serviceRemove(id);
}

/** Every row at its defaults (zeroed memory is not every layer's default); init and reset. */
export function membershipDefaults(): void {
  healthResetAll();
  recoveryResetAll();
  if (ALERTS_ENABLED) alertsReset();
}

/** Back to the state right after init, without allocating: every layer's tables cleared in place. */
export function membershipReset(): void {
  servicesReset();
  instancesReset();
  tagsReset();
  edgesReset();
  timersReset();
  dirtyReset();
  resizeReset();
  eventsReset();
  outboxReset();
  clockReset();
  balanceReset();
  if (WITH_DISCOVERY) {
    subscriptionsReset();
    queryReset();
    discoveryHealthReset();
  }
  if (WITH_PLACEMENT) fleet.reset();
  if (WITH_PLACEMENT) reservations.reset();
  if (WITH_PLACEMENT) { plans.reset(); nodeHealth.reset(); healthPolicy.reset(); }
  if (WITH_RESOURCES) { resourcesNode.reset(); fillAll(serviceHeld, false); }
  configReset();
  onReset(); // the manifest loader (manifest/apply.ts), above membership: it joins services through it
  slotsReset();
  membershipDefaults();
  detail.begin(0);
}
