// Failover: start the service's backup (with what it requires) and tell the host to switch the
// traffic to it (ACTION_FAILOVER). The failed service itself is left to the next strategy in the
// list, or fails; a standby instance is promoted the same way, by the host's balancer.
import { isService } from "../../registry/services";
import { ACTION_FAILOVER } from "../../log/outbox";
import { requestStart } from "../../lifecycle/jobs";
import { backupService } from "../policy";
import { recoveryLog, recoveryAction, STEP_FAILOVER } from "../steps";
import { CONTINUE, SKIPPED } from "./kinds";

export function failover(service: i32, slot: i32, pattern: u8): i32 {
  const backup = <i32>backupService[service];
  if (!isService(backup) || requestStart(backup) < 0) return SKIPPED;
  recoveryAction(service, ACTION_FAILOVER, backup);
  recoveryLog(service, STEP_FAILOVER, 0, backup, -1);
  return CONTINUE;
}
