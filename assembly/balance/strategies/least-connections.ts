// Least connections: the eligible instance with the fewest requests in flight. Ties rotate: the
// scan starts at the rotation point and the first of the least loaded wins, then the point moves
// past it, so equal instances take turns instead of herding on the first (nginx least_conn).
// Exact comparison is a scan by definition (O(n), a tight loop over the pool); with
// choices = 2 it is Envoy's LEAST_REQUEST default instead: two distinct random instances, the
// less loaded wins (O(1)).
import { randomU32 } from "../random";
import { serviceAt, slotAt, poolSlotAt, SERVICE_CURSOR, SLOT_ACTIVE } from "../tables";

/**
 * Two distinct random pool entries (count >= 2) as slots, packed: first << 32 | second. One
 * draw serves both (Lemire's multiply-shift, reusing the fraction the first product leaves
 * below bit 32 for the second draw), so a pick pays one call to the generator, not two.
 */
@inline export function twoChoices(service: i32, count: i32): i64 {
  const product = <u64>randomU32() * <u64>count;
  const first = <i32>(product >>> 32);
  let second = <i32>(((product & 0xffff_ffff) * <u64>(count - 1)) >>> 32);
  if (second >= first) second++;
  return (<i64>poolSlotAt(service, first) << 32) | <i64>poolSlotAt(service, second);
}

@inline export function activeOf(slot: i32): u32 { return load<u32>(slotAt(slot), SLOT_ACTIVE); }

/** `choices`: the service's SERVICE_CHOICES (the caller has it loaded). */
@inline export function pickLeastConnections(service: i32, count: i32, choices: i32): i32 {
  const config = serviceAt(service);
  if (count > 2 && choices == 2) {
    const pair = twoChoices(service, count);
    const first = <i32>(pair >>> 32), second = <i32>pair;
    return activeOf(second) < activeOf(first) ? second : first;
  }
  let start = <i32>load<u8>(config, SERVICE_CURSOR);
  if (start >= count) start = 0;
  let best = start;
  let bestActive = activeOf(poolSlotAt(service, start));
  for (let i = 1; i < count && bestActive > 0; i++) { // nothing beats an idle instance
    let position = start + i;
    if (position >= count) position -= count;
    const active = activeOf(poolSlotAt(service, position));
    if (active < bestActive) { best = position; bestActive = active; }
  }
  store<u8>(config, <u8>(best + 1), SERVICE_CURSOR);
  return poolSlotAt(service, best);
}
