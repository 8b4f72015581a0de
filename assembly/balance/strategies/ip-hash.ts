// IP hash (nginx ip_hash, weighted): the client address's hash picks one of all the service's
// instances in proportion to weight, so a client keeps its instance while the pool is unchanged
// and other instances coming and going do not move it. When the instance it lands on is not
// eligible, the hash is stirred and tried again (nginx tries 20 times), then the pick falls back
// to the eligible pool. IPv4 and IPv6 keys: balance/hash.ts addressKey. O(1) expected per try
// with unequal weights (the guide table, guide.ts; the same ordinal as a binary search), O(log n)
// in a profile without guide tables.
import { PICK_GUIDE_BUCKETS } from "../../limits";
import { serviceInstanceCount } from "../../registry/services";
import { mix32 } from "../hash";
import { guideFind, GUIDE_ORDINALS } from "../guide";
import {
  serviceAt, slotAt, poolSlotAt, slotOfOrdinal, SERVICE_ORDINAL_WEIGHT_TOTAL, SERVICE_ORDINAL_WEIGHTS_EQUAL,
  SLOT_IN_POOL, SLOT_ORDINAL_CUM,
} from "../tables";

const TRIES_MAX: i32 = 20;

/** The ordinal whose weight range holds `target` (binary search over the prefix sums). */
function ordinalAt(service: i32, instances: i32, target: u32): i32 {
  let low = 0, high = instances - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (<u32>load<u16>(slotAt(slotOfOrdinal(service, middle)), SLOT_ORDINAL_CUM) > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

@inline export function pickIpHash(service: i32, count: i32, key: u32): i32 {
  const config = serviceAt(service);
  const instances = <i32>unchecked(serviceInstanceCount[service]);
  const equal = load<u8>(config, SERVICE_ORDINAL_WEIGHTS_EQUAL) != 0;
  const total = <u64>load<u32>(config, SERVICE_ORDINAL_WEIGHT_TOTAL);
  let hash = mix32(key);
  for (let attempt = 0; attempt < TRIES_MAX; attempt++) {
    const ordinal = equal
      ? <i32>((<u64>hash * <u64>instances) >>> 32)
      : PICK_GUIDE_BUCKETS > 0 ? guideFind(service, GUIDE_ORDINALS, hash, <u32>total)
      : ordinalAt(service, instances, <u32>((<u64>hash * total) >>> 32));
    const slot = slotOfOrdinal(service, ordinal);
    if (load<u8>(slotAt(slot), SLOT_IN_POOL) != 0) return slot;
    hash = mix32(hash + 0x9e3779b9);
  }
  return poolSlotAt(service, <i32>((<u64>hash * <u64>count) >>> 32));
}
