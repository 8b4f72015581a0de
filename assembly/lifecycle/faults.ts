// What went wrong with an instance: the fault patterns the lifecycle reports when an instance
// goes down (hooks.ts onInstanceDown) and the recovery layer answers (recovery/faults.ts).
/** A clean exit: not a fault, but `always` restarts it, so it has a strategy list too. */
export const FAULT_NONE: u8 = 0;
export const FAULT_CRASH: u8 = 1;
export const FAULT_CRASH_LOOP: u8 = 2;
export const FAULT_CHECK: u8 = 3;
export const FAULT_START_TIMEOUT: u8 = 4;
export const FAULT_WATCHDOG: u8 = 5;
export const FAULT_FLAPPING: u8 = 6;
export const FAULT_STOP_TIMEOUT: u8 = 7;
export const FAULT_PATTERNS: i32 = 8;
/**
 * Over a resource limit past the grace period (resources/usage.ts; evidence: the sample). Not a
 * pattern with its own strategy list: it is answered by the crash list, and restarted even under
 * the `never` policy, since its `restart` action asked for it.
 */
export const FAULT_RESOURCE: u8 = 8;
