// Every default of every configuration record, in one place (docs/defaults.md lists them for
// hosts). A host never needs these: it sends the sentinel RECORD_DEFAULT (-1) in any field its
// user left out, and the kernel fills the value from here (util/record.ts). The tables a
// service starts with hold the same values, so a fresh service reads back exactly the record
// that an all-default apply would give it (test/kernel/records.test.ts).
//
// A default marked "derived" is computed from another field's effective value (a default that
// would contradict an explicit neighbour would turn a valid record into an error).

// ---- TIMEOUTS (systemd's are 90 s; devices are faster) ----
export const START_TIMEOUT_MS_DEFAULT: i32 = 10_000;
export const STOP_TIMEOUT_MS_DEFAULT: i32 = 5_000;

// ---- BALANCE ----
export const STRATEGY_DEFAULT: i32 = 0; // round robin
export const CHOICES_DEFAULT: i32 = 2; // power of two choices (Envoy LEAST_REQUEST); 0 compares every instance
export const BIAS_PERCENT_DEFAULT: i32 = 100; // Envoy's active_request_bias 1.0
export const PANIC_PERCENT_DEFAULT: i32 = 50; // Envoy's healthy_panic_threshold
export const DECAY_MS_DEFAULT: i32 = 10_000; // Finagle's peak-EWMA decay time
export const DEFAULT_COST_MS_DEFAULT: i32 = 100; // what an instance with no latency sample costs

// ---- BREAKER (Resilience4j-like: a count-based window judged on rates, and a run of failures) ----
export const BREAKER_ENABLED_DEFAULT: i32 = 0;
export const BREAKER_WINDOW_DEFAULT: i32 = 20;
/** Derived: min(this, windowSize). */
export const BREAKER_MIN_CALLS_DEFAULT: i32 = 10;
export const BREAKER_FAILURE_RATE_DEFAULT: i32 = 50;
export const BREAKER_CONSECUTIVE_DEFAULT: i32 = 5;
export const BREAKER_SLOW_CALL_MS_DEFAULT: i32 = 0;
export const BREAKER_SLOW_RATE_DEFAULT: i32 = 0;
export const BREAKER_OPEN_MS_DEFAULT: i32 = 5_000;
/** Derived: max(this, openMs). */
export const BREAKER_OPEN_MAX_MS_DEFAULT: i32 = 60_000;
export const BREAKER_PERMITS_DEFAULT: i32 = 3;

// ---- OUTLIER (Envoy's outlier detection: consecutive_5xx) ----
export const OUTLIER_ENABLED_DEFAULT: i32 = 0;
export const OUTLIER_CONSECUTIVE_DEFAULT: i32 = 5;
export const OUTLIER_BASE_MS_DEFAULT: i32 = 30_000;
/** Derived: max(this, baseEjectionMs). */
export const OUTLIER_MAX_MS_DEFAULT: i32 = 300_000;
export const OUTLIER_MAX_PERCENT_DEFAULT: i32 = 10;

// ---- RECOVERY (the kernel's plain semantics: never restart; systemd's limit; OTP's groups) ----
export const POLICY_DEFAULT: i32 = 0; // never
/** Capped by WINDOW_SLOTS (recovery/record.ts): 5 restarts in 10 s, systemd's StartLimitBurst. */
export const RESTARTS_MAX_DEFAULT: i32 = 5;
export const RESTART_WINDOW_MS_DEFAULT: i32 = 10_000;
export const COUNT_EVERY_START_DEFAULT: i32 = 0;
/** Exit code 0 counts as success (systemd's SuccessExitStatus= adds to it). */
export const SUCCESS_EXITS_LOW_DEFAULT: i32 = 1;
export const SUCCESS_EXITS_HIGH_DEFAULT: i32 = 0;
export const BACKOFF_KIND_DEFAULT: i32 = 2; // exponential
export const BACKOFF_BASE_MS_DEFAULT: i32 = 100;
/** Derived: max(this, backoffBaseMs). */
export const BACKOFF_CAP_MS_DEFAULT: i32 = 30_000;
export const BACKOFF_FACTOR_PERCENT_DEFAULT: i32 = 200;
export const JITTER_DEFAULT: i32 = 0; // none
export const STABLE_MS_DEFAULT: i32 = 10_000;
export const GROUP_DEFAULT: i32 = 0; // one_for_one
export const ESCALATION_DEFAULT: i32 = 0;
export const SCALE_MAX_DEFAULT: i32 = 0; // scale-up never applies
export const BACKUP_DEFAULT: i32 = -1; // no failover target
export const CRASH_LOOP_FAULTS_DEFAULT: i32 = 3;
export const CRASH_LOOP_WINDOW_MS_DEFAULT: i32 = 10_000;
/** Per fault pattern: restart-instance (8), then restart-backoff (2), 4 bits each, lowest first. */
export const STRATEGIES_DEFAULT: i32 = 8 | (2 << 4);
/** Flapping and stop timeouts only alert: no strategy. */
export const STRATEGIES_IDLE_DEFAULT: i32 = 0;

// ---- CHECK (Kubernetes' probe fields) ----
export const CHECK_KIND_DEFAULT: i32 = 0; // http
export const CHECK_ROLE_DEFAULT: i32 = 0; // liveness
export const CHECK_INTERVAL_MS_DEFAULT: i32 = 10_000; // periodSeconds
/** Derived: min(this, intervalMs). timeoutSeconds. */
export const CHECK_TIMEOUT_MS_DEFAULT: i32 = 1_000;
export const CHECK_START_PERIOD_MS_DEFAULT: i32 = 0; // initialDelaySeconds
export const CHECK_RISE_DEFAULT: i32 = 1; // successThreshold
export const CHECK_FALL_DEFAULT: i32 = 3; // failureThreshold
