// balance/guide.ts: a weighted pick's walk from its draw's bucket lands on exactly the entry a
// binary search over the prefix sums finds (so seeded sequences and hashes did not change when
// the guide tables replaced the search), checked against a reference search written here.
import { serviceStart, serviceInstance, balanceSetWeight, balancePick, balancePickKey } from "../index";
import { mix32 } from "../balance/hash";
import { guideFind, GUIDE_POOL } from "../balance/guide";
import { STRATEGY_RANDOM, STRATEGY_IP_HASH } from "../balance/tables";
import { applyStrategy } from "./support/records";
import { freshKernel, mustRegister, answerAll } from "./support/kernel";

const N = 64;
const handles = new StaticArray<i32>(N);
const cums = new StaticArray<u32>(N);

/** A running service of N instances weighing `weightOf(k)`, with the strategy, its prefix sums kept in `cums`. */
function weighted(strategy: i32, weightOf: (k: i32) => i32): i32 {
  freshKernel();
  const id = mustRegister("api", N);
  serviceStart(id);
  answerAll();
  assert(applyStrategy(id, strategy) >= 0, "strategy");
  let total: u32 = 0;
  for (let k = 0; k < N; k++) {
    handles[k] = serviceInstance(id, k);
    const weight = weightOf(k);
    assert(balanceSetWeight(handles[k], weight) >= 0, "weight");
    total += <u32>weight;
    cums[k] = total;
  }
  assert(balancePick(id) >= 0, "a pick rebuilds the pool, its prefix sums and guide tables");
  return id;
}

/** The reference: the first entry whose prefix sum exceeds (draw * total) >> 32, by binary search. */
function searched(draw: u32): i32 {
  const target = <u32>((<u64>draw * <u64>cums[N - 1]) >>> 32);
  let low = 0, high = N - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (cums[middle] > target) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** Draws at every bucket edge (and one either side), then a spread of others. */
function drawAt(i: i32): u32 {
  if (i < 3 * 64) return (<u32>(i / 3) << 26) + <u32>(i % 3) - 1;
  return mix32(<u32>i);
}
const DRAWS = 3 * 64 + 20_000;

describe("guide tables", () => {
  it("weighted random: the guided walk finds the binary search's entry for every draw (weights 1..5)", () => {
    const id = weighted(STRATEGY_RANDOM, (k: i32): i32 => 1 + k % 5);
    let same = 0;
    for (let i = 0; i < DRAWS; i++) if (guideFind(id, GUIDE_POOL, drawAt(i), cums[N - 1]) == searched(drawAt(i))) same++;
    expect(same).toBe(DRAWS);
  });

  it("weighted random: the same with one heavy instance among light ones (buckets spanning no boundary)", () => {
    const id = weighted(STRATEGY_RANDOM, (k: i32): i32 => (k == 40 ? 1000 : 1));
    let same = 0;
    for (let i = 0; i < DRAWS; i++) if (guideFind(id, GUIDE_POOL, drawAt(i), cums[N - 1]) == searched(drawAt(i))) same++;
    expect(same).toBe(DRAWS);
  });

  it("weighted IP hash: a key picks the ordinal the binary search over its hash finds", () => {
    const id = weighted(STRATEGY_IP_HASH, (k: i32): i32 => 1 + (k * 7) % 11);
    let same = 0;
    for (let i = 0; i < DRAWS; i++) {
      const key = drawAt(i);
      if (balancePickKey(id, key) == handles[searched(mix32(key))]) same++;
    }
    expect(same).toBe(DRAWS);
  });
});
