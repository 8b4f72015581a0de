// Scale up: answer a fault with capacity while the service keeps running on its other
// instances (a ReplicaSet replacing and adding pods). The instance that went down is replaced
// by a fresh one, and one more is added while the count is below the service's scale ceiling;
// so no dead instance lingers. Nothing to replace and no room to grow: not applicable.
import { serviceState, serviceInstanceCount, serviceResize } from "../../registry/services";
import { instancesFree } from "../../registry/instances";
import { outboxHasRoom } from "../../log/outbox";
import { STATE_RUNNING } from "../../registry/states";
import { spawnInstance } from "../../lifecycle/instances";
import { scaleMax } from "../policy";
import { recoveryLog, STEP_SCALE_UP } from "../steps";
import { dropInstance } from "./scale-down";
import { HANDLED, SKIPPED } from "./kinds";

export function scaleUp(service: i32, slot: i32, pattern: u8): i32 {
  if (serviceState[service] != STATE_RUNNING) return SKIPPED;
  const count = <i32>serviceInstanceCount[service];
  const grow = count < <i32>scaleMax[service] ? 1 : 0;
  const replace = slot >= 0 ? 1 : 0;
  if (grow + replace == 0 || instancesFree() < grow + replace || !outboxHasRoom(grow + replace)) return SKIPPED;
  if (replace == 1 && !dropInstance(service, slot)) return SKIPPED;
  const from = count - replace;
  const target = from + replace + grow;
  serviceResize(service, target);
  for (let ordinal = from; ordinal < target; ordinal++) spawnInstance(service, ordinal);
  recoveryLog(service, STEP_SCALE_UP, 0, target, -1);
  return HANDLED;
}
