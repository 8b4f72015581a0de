// Recovery strategies: one file each, one signature,
//   (service, slot of the instance concerned or -1, fault pattern) -> HANDLED | CONTINUE | SKIPPED
// A service lists them per fault pattern (policy.ts); supervisor.ts runs the list in order until
// one HANDLED the fault. CONTINUE means "did my part, go on" (a reload, a failover notice);
// SKIPPED means "does not apply here" (at the scale ceiling, no backup). A list that ends
// without HANDLED leaves the fault to the plain semantics: the service fails.
import { restartNow } from "./restart";
import { restartWithBackoff } from "./restart-backoff";
import { scaleUp } from "./scale-up";
import { scaleDown } from "./scale-down";
import { failover } from "./failover";
import { breakerReset } from "./breaker-reset";
import { configReload } from "./config-reload";
import { restartInstance } from "./restart-instance";
import {
  STRATEGY_RESTART, STRATEGY_RESTART_BACKOFF, STRATEGY_SCALE_UP, STRATEGY_SCALE_DOWN, STRATEGY_FAILOVER,
  STRATEGY_BREAKER_RESET, STRATEGY_CONFIG_RELOAD, STRATEGY_RESTART_INSTANCE, SKIPPED,
} from "./kinds";
import { WITH_FULL_RECOVERY } from "../../features";

export function strategyApply(strategy: i32, service: i32, slot: i32, pattern: u8): i32 {
  if (!WITH_FULL_RECOVERY) {
    switch (strategy) {
      case STRATEGY_RESTART: return restartNow(service, slot, pattern);
      case STRATEGY_RESTART_BACKOFF: return restartWithBackoff(service, slot, pattern);
      case STRATEGY_RESTART_INSTANCE: return restartInstance(service, slot, pattern);
      default: return SKIPPED;
    }
  }
  switch (strategy) {
    case STRATEGY_RESTART: return restartNow(service, slot, pattern);
    case STRATEGY_RESTART_BACKOFF: return restartWithBackoff(service, slot, pattern);
    case STRATEGY_SCALE_UP: return scaleUp(service, slot, pattern);
    case STRATEGY_SCALE_DOWN: return scaleDown(service, slot, pattern);
    case STRATEGY_FAILOVER: return failover(service, slot, pattern);
    case STRATEGY_BREAKER_RESET: return breakerReset(service, slot, pattern);
    case STRATEGY_CONFIG_RELOAD: return configReload(service, slot, pattern);
    case STRATEGY_RESTART_INSTANCE: return restartInstance(service, slot, pattern);
    default: return SKIPPED;
  }
}
