// The BALANCE section (`balance:` and `instances.weights` in services.yaml; layout in
// manifest/format.ts): the strategy, a consecutive-failures circuit breaker, the instance
// weights. Checked with the balance layer's own rules (balance/config.ts) while the blob is
// validated; applied in place on a running service (the next pick follows it). Only what
// changed is touched: a new strategy leaves the breakers' states alone, and the breakers are
// reset only when their settings change.
//
//   blob strategy               kernel strategy
//   0 round-robin               round robin
//   1 weighted-round-robin      weighted round robin (nginx smooth)
//   2 least-connections         least connections (choices 0)
//   3 random                    random (by weight when the weights differ)
//   4 power-of-two              least connections, choices 2 (Envoy LEAST_REQUEST)
//   5 consistent-hash           consistent hash (takes one of HASH_TABLES_MAX tables)
//   6 weighted-least-connections, 7 ip-hash, 8 fastest-response, 9 health-based
// breakerFailures 0: no breaker. Otherwise consecutiveFailures = breakerFailures, open for
// breakerOpenMs each time (openMaxMs = openMs), breakerHalfOpen probes; no rate rules.
// Weights: instance ordinal k < n weighs weights[k], the others 1.
import { OK, E_INVALID_STRATEGY } from "../../errors";
import { SERVICE_SUBJECT, serviceInstanceCount } from "../../registry/services";
import { checkRange } from "../../registry/reject";
import {
  breakerValid, weightValid, setStrategy, setOption, configureBreaker, disableBreaker, OPTION_CHOICES,
} from "../../balance/config";
import {
  serviceAt, slotAt, slotOfOrdinal, strategyOf, markMembershipChanged, SLOT_WEIGHT,
  SERVICE_CHOICES, SERVICE_BREAKER_ON, SERVICE_BREAKER_CONSECUTIVE, SERVICE_OPEN_MS, SERVICE_OPEN_MAX_MS,
  SERVICE_HALF_OPEN_PERMITS,
} from "../../balance/tables";
import {
  BALANCE_STRATEGY, BALANCE_BREAKER_FAILURES, BALANCE_BREAKER_OPEN_MS, BALANCE_BREAKER_HALF_OPEN, BALANCE_WEIGHTS,
  BALANCE_BYTES,
} from "../format";

/** Kernel strategy (balance/tables.ts STRATEGY_*) by blob code. */
const STRATEGIES = memory.data<u8>([0, 2, 1, 4, 1, 6, 3, 5, 7, 8]);
const STRATEGY_CODES: u8 = 10;
const POWER_OF_TWO: u8 = 4;
const CONSISTENT_HASH: u8 = 5;
/** No section: round robin, no breaker, every weight 1. */
const DEFAULTS = memory.data<u8>([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

@inline function weightCount(ptr: usize): i32 { return <i32>load<u16>(ptr + BALANCE_WEIGHTS); }
@inline function weightAt(ptr: usize, ordinal: i32): i32 {
  return <i32>load<u16>(ptr + <usize>(BALANCE_BYTES + 2 * ordinal));
}

/** Whether `size` bytes hold the payload at `ptr` exactly (the fixed fields and n weights). */
export function balanceFits(ptr: usize, size: i32): bool {
  return size >= BALANCE_BYTES && size == BALANCE_BYTES + 2 * weightCount(ptr);
}

/** The payload at `ptr` (its size checked) of the blob's service named by SERVICE_SUBJECT: OK or the error. */
export function balanceValid(ptr: usize): i32 {
  const S = SERVICE_SUBJECT;
  let bad = checkRange(E_INVALID_STRATEGY, S, "strategy", load<u8>(ptr + BALANCE_STRATEGY), 0, STRATEGY_CODES - 1);
  const failures = <i64>load<u16>(ptr + BALANCE_BREAKER_FAILURES);
  const openMs = <i64>load<u32>(ptr + BALANCE_BREAKER_OPEN_MS);
  if (bad == OK && failures > 0) {
    bad = breakerValid(S, 1, 1, 0, failures, 0, 0, openMs, openMs, load<u16>(ptr + BALANCE_BREAKER_HALF_OPEN));
  }
  for (let k = 0, n = weightCount(ptr); k < n && bad == OK; k++) bad = weightValid(S, weightAt(ptr, k));
  return bad; // n against the instance count: validate.ts, once the whole section is read
}

/** Whether the payload (0: none) asks for consistent hashing, which holds one of the hash tables. */
export function balanceHashes(ptr: usize): bool { return ptr != 0 && load<u8>(ptr + BALANCE_STRATEGY) == CONSISTENT_HASH; }

/** Sets the service's balancing as the payload at `ptr` says (0: no section, the defaults). */
export function balanceApply(service: i32, ptr: usize): void {
  const record = ptr == 0 ? DEFAULTS : ptr;
  const code = load<u8>(record + BALANCE_STRATEGY);
  const strategy = <i32>load<u8>(STRATEGIES + <usize>code);
  const config = serviceAt(service);
  let set = OK;
  if (<i32>strategyOf(service) != strategy) set = setStrategy(service, strategy);
  const choices = code == POWER_OF_TWO ? 2 : 0;
  if (set == OK && <i32>load<u8>(config, SERVICE_CHOICES) != choices) set = setOption(service, OPTION_CHOICES, choices);
  const failures = <i32>load<u16>(record + BALANCE_BREAKER_FAILURES);
  const openMs = <i32>load<u32>(record + BALANCE_BREAKER_OPEN_MS);
  const permits = <i32>load<u16>(record + BALANCE_BREAKER_HALF_OPEN);
  const on = load<u8>(config, SERVICE_BREAKER_ON) != 0;
  if (failures == 0) {
    if (on) disableBreaker(service);
  } else if (!on || <i32>load<u16>(config, SERVICE_BREAKER_CONSECUTIVE) != failures || load<i32>(config, SERVICE_OPEN_MS) != openMs
    || load<i32>(config, SERVICE_OPEN_MAX_MS) != openMs || <i32>load<u8>(config, SERVICE_HALF_OPEN_PERMITS) != permits) {
    if (set == OK) set = configureBreaker(service, 1, 1, 0, failures, 0, 0, openMs, openMs, permits);
  }
  assert(set == OK, "a validated balance section did not apply");
  balanceWeights(service, record);
}

/** Instance weights from the payload (the instances the service has now; ordinals past n weigh 1). */
export function balanceWeights(service: i32, ptr: usize): void {
  const n = weightCount(ptr);
  const count = <i32>serviceInstanceCount[service];
  let changed = false;
  for (let ordinal = 0; ordinal < count; ordinal++) {
    const weight = <u16>(ordinal < n ? weightAt(ptr, ordinal) : 1);
    const record = slotAt(slotOfOrdinal(service, ordinal));
    if (load<u16>(record, SLOT_WEIGHT) == weight) continue;
    store<u16>(record, weight, SLOT_WEIGHT);
    changed = true;
  }
  if (changed) markMembershipChanged(service);
}
