// Scale down: drop the instance that failed and keep running on the rest, when at least one
// other instance is still up (shed a bad replica instead of restarting the healthy ones).
import { serviceState, serviceInstanceCount, serviceInstanceSlots } from "../../registry/services";
import { instanceRelease, instanceState } from "../../registry/instances";
import { registryChanged } from "../../registry/generation";
import { INSTANCES_PER_SERVICE_MAX } from "../../limits";
import { STATE_RUNNING, isActive } from "../../registry/states";
import { serviceUp } from "../../lifecycle/transitions";
import { recoveryLog, STEP_SCALE_DOWN } from "../steps";
import { HANDLED, SKIPPED } from "./kinds";

/** Removes a down instance from its service's row (the last one takes its ordinal). */
export function dropInstance(service: i32, slot: i32): bool {
  const count = <i32>serviceInstanceCount[service];
  const row = service * INSTANCES_PER_SERVICE_MAX;
  let ordinal = 0;
  while (ordinal < count && <i32>serviceInstanceSlots[row + ordinal] != slot) ordinal++;
  if (ordinal == count || isActive(instanceState[slot])) return false;
  serviceInstanceSlots[row + ordinal] = serviceInstanceSlots[row + count - 1];
  serviceInstanceCount[service] = <u8>(count - 1);
  instanceRelease(slot);
  registryChanged();
  return true;
}

export function scaleDown(service: i32, slot: i32, pattern: u8): i32 {
  if (slot < 0 || serviceState[service] != STATE_RUNNING || serviceUp[service] == 0) return SKIPPED;
  if (!dropInstance(service, slot)) return SKIPPED;
  recoveryLog(service, STEP_SCALE_DOWN, 0, <i32>serviceInstanceCount[service], -1);
  return HANDLED;
}
