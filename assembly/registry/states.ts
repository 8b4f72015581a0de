// Lifecycle states of services and instances, and the one table of legal transitions.
// Every transition in the kernel goes through `isLegalTransition` (asserted in debug builds),
// and every one is written to the event log.

export const STATE_STOPPED: u8 = 0;
export const STATE_STARTING: u8 = 1;
export const STATE_RUNNING: u8 = 2;
export const STATE_STOPPING: u8 = 3;
export const STATE_FAILED: u8 = 4;
export const STATE_DISABLED: u8 = 5;
/** Reserved for the recovery layer: waiting out a restart delay. */
export const STATE_BACKOFF: u8 = 6;
export const STATE_COUNT: u8 = 7;

// Bit 8 * from + to of LEGAL is set when from -> to is allowed: one constant (asc folds it, as
// it is written with operators on constants only), where a table would be filled at init.
const LEGAL: u64 =
  <u64>(1 << STATE_STARTING | 1 << STATE_DISABLED) << (8 * STATE_STOPPED) |
  <u64>(1 << STATE_RUNNING | 1 << STATE_STOPPING | 1 << STATE_FAILED | 1 << STATE_STOPPED) << (8 * STATE_STARTING) |
  <u64>(1 << STATE_STOPPING | 1 << STATE_FAILED | 1 << STATE_STOPPED) << (8 * STATE_RUNNING) |
  <u64>(1 << STATE_STOPPED | 1 << STATE_FAILED) << (8 * STATE_STOPPING) |
  <u64>(1 << STATE_STARTING | 1 << STATE_STOPPING | 1 << STATE_STOPPED | 1 << STATE_DISABLED | 1 << STATE_BACKOFF) << (8 * STATE_FAILED) |
  <u64>(1 << STATE_STOPPED) << (8 * STATE_DISABLED) |
  <u64>(1 << STATE_STARTING | 1 << STATE_STOPPED | 1 << STATE_FAILED) << (8 * STATE_BACKOFF);

export function isLegalTransition(from: u8, to: u8): bool {
  return from < STATE_COUNT && to < STATE_COUNT && ((LEGAL >> (<u64>from * 8 + <u64>to)) & 1) != 0;
}

/** States in which a service or instance holds (or is acquiring or releasing) resources. */
@inline export function isActive(state: u8): bool {
  return state == STATE_STARTING || state == STATE_RUNNING || state == STATE_STOPPING;
}
