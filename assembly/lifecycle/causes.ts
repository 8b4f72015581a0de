// Why a transition happened: stored in every event record (one byte).

export const CAUSE_NONE: u8 = 0;
/** An operator command (start, stop, restart, enable, disable, register). */
export const CAUSE_COMMAND: u8 = 1;
/** Pulled in by a dependent's start (requires/wants). */
export const CAUSE_PULLED_IN: u8 = 2;
/** A `requires` dependency failed or could not start. */
export const CAUSE_DEPENDENCY_FAILED: u8 = 3;
/** A `requires` dependency is stopping. */
export const CAUSE_DEPENDENCY_STOPPED: u8 = 4;
/** The host reported an instance up. */
export const CAUSE_INSTANCE_STARTED: u8 = 5;
/** The host reported an instance exit (code in the record's value). */
export const CAUSE_INSTANCE_EXITED: u8 = 6;
/** An instance did not report started within the start timeout. */
export const CAUSE_START_TIMEOUT: u8 = 7;
/** An instance did not exit within the stop timeout and was killed. */
export const CAUSE_STOP_TIMEOUT: u8 = 8;
/** The kernel's own progress: all instances up, all down, dependencies ready. */
export const CAUSE_PROGRESS: u8 = 9;
/** Part of a restart (of this service or of a required dependency). */
export const CAUSE_RESTART: u8 = 10;
/** An instance failed, so its service did. */
export const CAUSE_INSTANCE_FAILED: u8 = 11;
/** A liveness or startup check reached its failure threshold; the instance was killed. */
export const CAUSE_CHECK_FAILED: u8 = 12;
/** An instance missed its watchdog ping; it was killed. */
export const CAUSE_WATCHDOG: u8 = 13;
/** The recovery layer's own step: into a restart delay, and out of it. */
export const CAUSE_RECOVERY: u8 = 14;
/** Restart intensity was exceeded and the escalation chain acted. */
export const CAUSE_ESCALATION: u8 = 15;
/** A check result moved a health state. */
export const CAUSE_CHECK_RESULT: u8 = 16;
/** A check result did not arrive within the check's timeout. */
export const CAUSE_CHECK_TIMEOUT: u8 = 17;
/** A change of the service's instance count while it runs started or retired the instance. */
export const CAUSE_SCALE: u8 = 18;
/** A rollout step (assembly/rollout/) started or retired the instance. */
export const CAUSE_ROLLOUT: u8 = 19;
/** A rollout made no progress within its progress deadline (rolled back). */
export const CAUSE_PROGRESS_DEADLINE: u8 = 20;
/** A new-revision instance failed before (or after) it was ready (rolled back). */
export const CAUSE_READINESS_FAILED: u8 = 21;
/** A new-revision instance's error rate passed its breaker's threshold (rolled back). */
export const CAUSE_ERROR_RATE: u8 = 22;
/** A usage sample stayed over the service's limit past its grace period (resources/usage.ts). */
export const CAUSE_RESOURCE_LIMIT: u8 = 23;
