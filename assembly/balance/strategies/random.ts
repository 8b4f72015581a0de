// Random: uniform over the eligible instances, or in proportion to their weights when the
// weights differ (a draw below the total weight, found by binary search over the pool's prefix
// sums: O(log n)). Draws come from the HAL (balance/random.ts).
import { randomBelow } from "../random";
import { serviceAt, slotAt, poolSlotAt, SERVICE_WEIGHTS_EQUAL, SERVICE_WEIGHT_TOTAL, SLOT_POOL_CUM } from "../tables";

@inline export function pickRandom(service: i32, count: i32): i32 {
  const config = serviceAt(service);
  if (load<u8>(config, SERVICE_WEIGHTS_EQUAL) != 0) return poolSlotAt(service, randomBelow(count));
  const target = <u32>randomBelow(<i32>load<u32>(config, SERVICE_WEIGHT_TOTAL));
  let low = 0, high = count - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (<u32>load<u16>(slotAt(poolSlotAt(service, middle)), SLOT_POOL_CUM) > target) high = middle;
    else low = middle + 1;
  }
  return poolSlotAt(service, low);
}
