// Configuration reload: ask the host to reload the service's configuration in place
// (ACTION_CONFIG_RELOAD: SIGHUP, systemd ExecReload=), then go on with the list.
import { ACTION_CONFIG_RELOAD } from "../../log/outbox";
import { recoveryLog, recoveryAction, STEP_CONFIG_RELOAD } from "../steps";
import { CONTINUE } from "./kinds";

export function configReload(service: i32, slot: i32, pattern: u8): i32 {
  recoveryAction(service, ACTION_CONFIG_RELOAD, pattern);
  recoveryLog(service, STEP_CONFIG_RELOAD, 0, pattern, -1);
  return CONTINUE;
}
