// Random: uniform over the eligible instances, or in proportion to their weights when the
// weights differ (a draw below the total weight, found in the pool's prefix sums: from the
// draw's bucket of the guide table, O(1) expected (guide.ts), or by binary search, O(log n), in
// a profile without guide tables). Draws come from the HAL (balance/random.ts).
import { PICK_GUIDE_BUCKETS } from "../../limits";
import { randomBelow, randomU32 } from "../random";
import { guideFind, GUIDE_POOL } from "../guide";
import { serviceAt, slotAt, poolSlotAt, SERVICE_WEIGHTS_EQUAL, SERVICE_WEIGHT_TOTAL, SLOT_POOL_CUM } from "../tables";

@inline export function pickRandom(service: i32, count: i32): i32 {
  const config = serviceAt(service);
  if (load<u8>(config, SERVICE_WEIGHTS_EQUAL) != 0) return poolSlotAt(service, randomBelow(count));
  const total = load<u32>(config, SERVICE_WEIGHT_TOTAL);
  if (PICK_GUIDE_BUCKETS > 0) return poolSlotAt(service, guideFind(service, GUIDE_POOL, randomU32(), total));
  const target = <u32>randomBelow(<i32>total);
  let low = 0, high = count - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (<u32>load<u16>(slotAt(poolSlotAt(service, middle)), SLOT_POOL_CUM) > target) high = middle;
    else low = middle + 1;
  }
  return poolSlotAt(service, low);
}
