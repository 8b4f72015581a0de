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

// Bit `to` of LEGAL[from] is set when from -> to is allowed.
@inline function bit(state: u8): u8 { return <u8>(1 << state); }

const LEGAL: StaticArray<u8> = [
  /* stopped  */ bit(STATE_STARTING) | bit(STATE_DISABLED),
  /* starting */ bit(STATE_RUNNING) | bit(STATE_STOPPING) | bit(STATE_FAILED) | bit(STATE_STOPPED),
  /* running  */ bit(STATE_STOPPING) | bit(STATE_FAILED) | bit(STATE_STOPPED),
  /* stopping */ bit(STATE_STOPPED) | bit(STATE_FAILED),
  /* failed   */ bit(STATE_STARTING) | bit(STATE_STOPPING) | bit(STATE_STOPPED) | bit(STATE_DISABLED) | bit(STATE_BACKOFF),
  /* disabled */ bit(STATE_STOPPED),
  /* backoff  */ bit(STATE_STARTING) | bit(STATE_STOPPED) | bit(STATE_FAILED),
];

export function isLegalTransition(from: u8, to: u8): bool {
  return from < STATE_COUNT && to < STATE_COUNT && (LEGAL[from] & bit(to)) != 0;
}

/** States in which a service or instance holds (or is acquiring or releasing) resources. */
@inline export function isActive(state: u8): bool {
  return state == STATE_STARTING || state == STATE_RUNNING || state == STATE_STOPPING;
}
