// One pick: make the pool current, let the service's strategy choose (within a canary rollout's
// class when it splits the picks: split.ts), count it.
//
// The strategy interface (one file per strategy in strategies/, as Envoy keeps one policy per
// extension): `pick<Strategy>(service, count[, key or options]): slot`, called only with a current,
// non-empty pool of `count` eligible slots (eligibility.ts), returning one of them. Keyed
// strategies get a 32-bit key; a request without one gets a random key (Envoy's fallback
// when a hash policy finds nothing to hash). Each is @inline: called only here, and a call
// costs a wasm2c host a stack-depth check on top of the call itself.
import { E_NO_ELIGIBLE_INSTANCE } from "../errors";
import { fail } from "../util/detail";
import { sayService, serviceInstanceCount } from "../registry/services";
import { poolReady } from "./eligibility";
import { breakerAdmitted } from "./breaker";
import { countPick } from "./stats";
import { randomU32 } from "./random";
import { pickRoundRobin } from "./strategies/round-robin";
import { pickLeastConnections } from "./strategies/least-connections";
import { pickSmoothWeighted } from "./strategies/weighted-round-robin";
import { pickWeightedLeastConnections } from "./strategies/weighted-least-connections";
import { pickRandom } from "./strategies/random";
import { pickIpHash } from "./strategies/ip-hash";
import { pickConsistentHash } from "./strategies/consistent-hash";
import { pickFastestResponse } from "./strategies/fastest-response";
import { pickHealthBased } from "./strategies/health-based";
import { WITH_ALL_STRATEGIES, WITH_BREAKER, WITH_ROLLOUT } from "../features";
import { splitApplies, splitStable, splitTakesCanary, splitEnterCanaries, splitLeaveCanaries } from "./split";
import {
  STRATEGY_ROUND_ROBIN, STRATEGY_LEAST_CONNECTIONS, STRATEGY_WEIGHTED_ROUND_ROBIN, STRATEGY_WEIGHTED_LEAST_CONNECTIONS,
  STRATEGY_RANDOM, STRATEGY_IP_HASH, STRATEGY_CONSISTENT_HASH, STRATEGY_FASTEST_RESPONSE, BREAKER_HALF_OPEN,
  serviceAt, slotAt, byteIn, SERVICE_STRATEGY, SERVICE_CHOICES, SERVICE_POOL_COUNT, SERVICE_POOL_MEMBERS, SERVICE_PANIC,
  SERVICE_PANIC_PICKS, SERVICE_NO_ELIGIBLE, SERVICE_HALF_OPEN, SERVICE_WEIGHTS_EQUAL, SERVICE_OPTIONS_WORD, SERVICE_POOL_WORD,
  SLOT_BREAKER, SERVICE_SPLIT_SHARE,
} from "./tables";

/** Picks an instance of a registered service: its slot, or E_NO_ELIGIBLE_INSTANCE. */
export function pickInstance(service: i32, key: u32, keyed: bool): i32 {
  poolReady(service);
  const config = serviceAt(service);
  const pool = load<u64>(config, SERVICE_POOL_WORD);
  const count = byteIn(pool, SERVICE_POOL_WORD, SERVICE_POOL_COUNT);
  if (count == 0) return noEligible(service);
  const options = load<u64>(config, SERVICE_OPTIONS_WORD);
  const strategy = byteIn(options, SERVICE_OPTIONS_WORD, SERVICE_STRATEGY);
  const share = WITH_ROLLOUT ? <i32>load<u8>(config, SERVICE_SPLIT_SHARE) : 0; // (no load where rollouts are compiled out)
  const slot = WITH_ROLLOUT && share != 0 && splitApplies(strategy)
    ? pickSplit(service, count, strategy, options, pool, share)
    : pickBy(service, count, strategy, options, pool, key, keyed);
  countPick(slot, service);
  // Picks in panic mode are counted; otherwise a half-open breaker hands out a probe permit
  // (under the panic rule the pool ignores breakers). Both bytes clear (one test of the two
  // adjacent bytes): nothing to do.
  if (<u16>(pool >> (<u64>(SERVICE_PANIC - SERVICE_POOL_WORD) << 3)) != 0) {
    if (byteIn(pool, SERVICE_POOL_WORD, SERVICE_PANIC) != 0) {
      store<u32>(config, load<u32>(config, SERVICE_PANIC_PICKS) + 1, SERVICE_PANIC_PICKS);
    } else if (WITH_BREAKER && load<u8>(slotAt(slot), SLOT_BREAKER) == BREAKER_HALF_OPEN) {
      breakerAdmitted(slot, service);
    }
  }
  return slot;
}

assert(SERVICE_HALF_OPEN == SERVICE_PANIC + 1, "a pick tests the panic and half-open bytes as one u16");

/** The service's strategy over the pool's first `count` entries. */
@inline function pickBy(service: i32, count: i32, strategy: i32, options: u64, pool: u64, key: u32, keyed: bool): i32 {
  const choices = byteIn(options, SERVICE_OPTIONS_WORD, SERVICE_CHOICES);
  if (!WITH_ALL_STRATEGIES) return pickInTiny(service, count, strategy, choices);
  switch (strategy) {
    case STRATEGY_ROUND_ROBIN: return pickRoundRobin(service, count);
    case STRATEGY_LEAST_CONNECTIONS: return pickLeastConnections(service, count, choices);
    case STRATEGY_WEIGHTED_ROUND_ROBIN: return pickSmoothWeighted(service, count);
    case STRATEGY_WEIGHTED_LEAST_CONNECTIONS:
      return pickWeightedLeastConnections(service, count, choices, <i32><u16>options, byteIn(pool, SERVICE_POOL_WORD, SERVICE_WEIGHTS_EQUAL) != 0);
    case STRATEGY_RANDOM: return pickRandom(service, count);
    case STRATEGY_IP_HASH: return pickIpHash(service, count, keyed ? key : randomU32());
    case STRATEGY_CONSISTENT_HASH: return pickConsistentHash(service, count, keyed ? key : randomU32());
    case STRATEGY_FASTEST_RESPONSE: return pickFastestResponse(service, count);
    default: return pickHealthBased(service, count);
  }
}

/** A canary rollout's split (split.ts): the class by the share counter, then the strategy within it. */
function pickSplit(service: i32, count: i32, strategy: i32, options: u64, pool: u64, share: i32): i32 {
  const stable = splitStable(service);
  let canary = splitTakesCanary(service, share);
  if (stable == count) canary = false; // a class with no member gives its picks to the other
  else if (stable == 0) canary = true;
  if (!canary) return pickBy(service, stable, strategy, options, pool, 0, false);
  splitEnterCanaries(service, stable, count);
  const slot = pickBy(service, count - stable, strategy, options, pool, 0, false);
  splitLeaveCanaries(service, stable, count);
  return slot;
}

/** The tiny profile's three strategies (the others are not compiled: strategyInProfile). */
function pickInTiny(service: i32, count: i32, strategy: i32, choices: i32): i32 {
  if (strategy == STRATEGY_ROUND_ROBIN) return pickRoundRobin(service, count);
  if (strategy == STRATEGY_LEAST_CONNECTIONS) return pickLeastConnections(service, count, choices);
  return pickHealthBased(service, count);
}

function noEligible(service: i32): i32 {
  const config = serviceAt(service);
  store<u32>(config, load<u32>(config, SERVICE_NO_ELIGIBLE) + 1, SERVICE_NO_ELIGIBLE);
  return sayService(fail(E_NO_ELIGIBLE_INSTANCE).text("service "), service).text(": none of its ")
    .int(serviceInstanceCount[service]).text(" instances is eligible (")
    .int(load<u8>(config, SERVICE_POOL_MEMBERS)).text(" running, enabled and not draining)").code();
}
