// The recovery strategies' numbers (a service lists them per fault pattern, policy.ts) and
// what a strategy answers (see strategy.ts, which runs them).
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

/** A restarting strategy: the only ones of the tiny profile (features.ts WITH_FULL_RECOVERY). */
export function restarts(strategy: i32): bool {
  return strategy == STRATEGY_RESTART || strategy == STRATEGY_RESTART_BACKOFF || strategy == STRATEGY_RESTART_INSTANCE;
}

export const HANDLED: i32 = 0;
export const CONTINUE: i32 = 1;
export const SKIPPED: i32 = 2;
