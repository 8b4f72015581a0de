// Start order in waves (Kahn's algorithm by levels): wave 0 holds the services with no
// dependencies; wave k+1 those whose dependencies all sit in waves <= k. Within a wave, ids
// ascend (registration order), so the order is deterministic. Stop order is the reverse.
// Every edge kind orders (requires and wants imply `after`, as compose's depends_on does).
import { SERVICES_MAX } from "../limits";
import { OK, E_DEPENDENCY_CYCLE } from "../errors";
import { serviceUsed, servicesRegistered } from "../registry/services";
import { firstDependent, edgeNextIn, edgeFrom, dependencyCount, NO_EDGE, graphGeneration } from "./edges";
import { reportCycles } from "./cycles";
import { sortRange } from "../util/sort";
import { fail } from "../util/detail";

/** Services in start order. */
export const orderIds = new StaticArray<u16>(SERVICES_MAX);
/** Wave of each service (indexed by service id). */
export const orderWave = new StaticArray<u16>(SERVICES_MAX);
/** Unmet dependencies per service while ordering; > 0 afterwards means "in or behind a cycle". */
export const orderPending = new StaticArray<i32>(SERVICES_MAX);

let orderedCount: i32 = 0;
let waveCount: i32 = 0;
let validGeneration: u32 = 0;
let validGenerationSet: bool = false;

@inline export function orderLength(): i32 { return orderedCount; }
@inline export function orderWaves(): i32 { return waveCount; }

/** Orders every registered service; returns the count, or E_DEPENDENCY_CYCLE with the path(s). */
export function orderCompute(): i32 {
  let count = 0;
  for (let id = 0; id < SERVICES_MAX; id++) {
    if (!unchecked(serviceUsed[id])) continue;
    const pending = unchecked(dependencyCount[id]);
    unchecked(orderPending[id] = pending);
    if (pending == 0) unchecked(orderIds[count++] = <u16>id);
  }
  let waveStart = 0;
  let wave = 0;
  while (waveStart < count) {
    const waveEnd = count;
    if (wave > 0) sortRange(orderIds, waveStart, waveEnd);
    for (let i = waveStart; i < waveEnd; i++) {
      const id = <i32>unchecked(orderIds[i]);
      unchecked(orderWave[id] = <u16>wave);
      for (let e = unchecked(firstDependent[id]); e != NO_EDGE; e = unchecked(edgeNextIn[e])) {
        const dependent = <i32>unchecked(edgeFrom[e]);
        const pending = unchecked(orderPending[dependent]) - 1;
        unchecked(orderPending[dependent] = pending);
        if (pending == 0) unchecked(orderIds[count++] = <u16>dependent);
      }
    }
    waveStart = waveEnd;
    wave++;
  }
  orderedCount = count;
  waveCount = wave;
  if (count < servicesRegistered()) {
    reportCycles(fail(E_DEPENDENCY_CYCLE), orderPending);
    return E_DEPENDENCY_CYCLE;
  }
  validGeneration = graphGeneration();
  validGenerationSet = true;
  return count;
}

/** OK when the graph has no cycle; recomputes only after the graph changed. */
export function graphValidate(): i32 {
  if (validGenerationSet && validGeneration == graphGeneration()) return OK;
  const result = orderCompute();
  return result < 0 ? result : OK;
}
