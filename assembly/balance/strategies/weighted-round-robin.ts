// Weighted round robin: nginx's smooth weighted round robin (ngx_http_upstream_get_peer), bit
// for bit. Every pick adds each eligible instance's weight to its current weight, picks the
// largest current weight (the first in pool order on a tie) and takes the pool's total weight
// off the winner. Weights 5:1:1 give a a b a c a a. Current weights persist across pool
// changes, as in nginx. The sequence is periodic, so it is precomputed once per pool
// (balance/cycle.ts) and a pick reads the next entry: O(1); a pool whose cycle does not fit a
// table scans the pool on every pick (O(n)).
import { cycleNext, cycleBuild, CYCLE_READY, CYCLE_UNBUILT } from "../cycle";
import {
  serviceAt, slotAt, poolRowAt, poolSlotAt, SERVICE_WEIGHT_TOTAL, SERVICE_WRR_STATE, SLOT_CURRENT, SLOT_WEIGHT,
} from "../tables";

@inline export function pickSmoothWeighted(service: i32, count: i32): i32 {
  const config = serviceAt(service);
  let state = load<u8>(config, SERVICE_WRR_STATE);
  if (state == CYCLE_UNBUILT && cycleBuild(service, count)) state = CYCLE_READY;
  if (state == CYCLE_READY) return poolSlotAt(service, cycleNext(config));
  return scan(service, count);
}

/** nginx's pick: a scan over the pool. */
function scan(service: i32, count: i32): i32 {
  const row = poolRowAt(service);
  let best: usize = 0;
  let bestSlot = 0;
  let bestCurrent = i32.MIN_VALUE;
  for (let position = 0; position < count; position++) {
    const slot = <i32>load<u16>(row + (<usize>position << 1));
    const record = slotAt(slot);
    const current = load<i32>(record, SLOT_CURRENT) + <i32>load<u16>(record, SLOT_WEIGHT);
    store<i32>(record, current, SLOT_CURRENT);
    if (current > bestCurrent) { bestCurrent = current; best = record; bestSlot = slot; }
  }
  store<i32>(best, bestCurrent - <i32>load<u32>(serviceAt(service), SERVICE_WEIGHT_TOTAL), SLOT_CURRENT);
  return bestSlot;
}
