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

export const STRATEGY_END: i32 = 0;
export const STRATEGY_RESTART: i32 = 1;
export const STRATEGY_RESTART_BACKOFF: i32 = 2;
export const STRATEGY_SCALE_UP: i32 = 3;
export const STRATEGY_SCALE_DOWN: i32 = 4;
export const STRATEGY_FAILOVER: i32 = 5;
export const STRATEGY_BREAKER_RESET: i32 = 6;
export const STRATEGY_CONFIG_RELOAD: i32 = 7;
export const STRATEGY_RESTART_INSTANCE: i32 = 8;
export const STRATEGY_COUNT: i32 = 9;

export const HANDLED: i32 = 0;
export const CONTINUE: i32 = 1;
export const SKIPPED: i32 = 2;

export function strategyApply(strategy: i32, service: i32, slot: i32, pattern: u8): i32 {
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
