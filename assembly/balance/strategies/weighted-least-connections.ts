// Weighted least connections: the lowest (active + 1) / weight, so at equal load the heavier
// instance wins (Envoy LEAST_REQUEST's weight / (active + 1)^bias with bias 1.0, compared
// exactly in integers). Option activeBiasPercent sets Envoy's bias in hundredths: 0 ignores
// load, 100 is the default, others use weight * exp(-bias * ln(active + 1)). Ties rotate as in
// least connections; choices = 2 compares two random instances instead of all (O(1)).
import { twoChoices, activeOf } from "./least-connections";
import { ln, expNonPositive } from "../math";
import { serviceAt, slotAt, poolSlotAt, SERVICE_CURSOR, SLOT_ACTIVE, SLOT_WEIGHT } from "../tables";

/** Envoy's effective weight: weight / (active + 1)^bias. */
function effectiveWeight(slot: i32, bias: f64): f64 {
  const record = slotAt(slot);
  const weight = <f64>load<u16>(record, SLOT_WEIGHT);
  return bias == 0 ? weight : weight * expNonPositive(-bias * ln(<f64>load<u32>(record, SLOT_ACTIVE) + 1));
}

/** True when `a` is strictly less loaded for its weight than `b`. */
@inline function lighter(a: i32, b: i32, biasPercent: i32): bool {
  if (biasPercent != 100) return effectiveWeight(a, <f64>biasPercent / 100) > effectiveWeight(b, <f64>biasPercent / 100);
  const ra = slotAt(a), rb = slotAt(b);
  return (<u64>load<u32>(ra, SLOT_ACTIVE) + 1) * <u64>load<u16>(rb, SLOT_WEIGHT)
    < (<u64>load<u32>(rb, SLOT_ACTIVE) + 1) * <u64>load<u16>(ra, SLOT_WEIGHT);
}

/**
 * `choices` and `biasPercent`: the service's SERVICE_CHOICES and SERVICE_BIAS_PERCENT;
 * `weightsEqual`: every pool entry weighs the same (SERVICE_WEIGHTS_EQUAL), so with bias 1.0
 * the lighter one is the one with fewer requests in flight (weights are >= 1).
 */
@inline export function pickWeightedLeastConnections(service: i32, count: i32, choices: i32, biasPercent: i32, weightsEqual: bool): i32 {
  const config = serviceAt(service);
  if (count > 2 && choices == 2) {
    const pair = twoChoices(service, count);
    const first = <i32>(pair >>> 32), second = <i32>pair;
    if (weightsEqual && biasPercent == 100) return activeOf(second) < activeOf(first) ? second : first;
    return lighter(second, first, biasPercent) ? second : first;
  }
  let start = <i32>load<u8>(config, SERVICE_CURSOR);
  if (start >= count) start = 0;
  let best = start;
  let bestSlot = poolSlotAt(service, start);
  for (let i = 1; i < count; i++) {
    let position = start + i;
    if (position >= count) position -= count;
    const slot = poolSlotAt(service, position);
    if (lighter(slot, bestSlot, biasPercent)) { best = position; bestSlot = slot; }
  }
  store<u8>(config, <u8>(best + 1), SERVICE_CURSOR);
  return bestSlot;
}
