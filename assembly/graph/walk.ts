// Breadth-first collection of the services reachable from one service along edges of chosen
// kinds, in one direction. Fixed queue, epoch marks (no clearing), no recursion.
import { SERVICES_MAX } from "../limits";
import { firstDependency, firstDependent, edgeNextOut, edgeNextIn, edgeTo, edgeFrom, edgeKind, NO_EDGE } from "./edges";
import { fillAll } from "../util/fill";
import { serviceState } from "../registry/services";
import { STATE_DISABLED } from "../registry/states";

export const TOWARD_DEPENDENCIES: bool = true;
export const TOWARD_DEPENDENTS: bool = false;
/** A walk collects a disabled service; whether it walks on through it (a flag, not a filter
 *  function: its calls were indirect, through the function table). */
export const THROUGH_DISABLED: bool = true;
export const NOT_THROUGH_DISABLED: bool = false;

@inline export function kindBit(kind: u8): u8 { return <u8>(1 << kind); }

/** The services of the last walk, the start first. */
export const walked = new StaticArray<u16>(SERVICES_MAX);
const seenEpoch = new StaticArray<u32>(SERVICES_MAX);
let epoch: u32 = 0;

/**
 * Collects `start` and every service reachable from it along edges whose kind is in `kinds`
 * (a mask of kindBit), toward dependencies or dependents. A disabled service is collected but,
 * unless `throughDisabled`, not walked through. Returns the count in `walked`.
 */
export function walkFrom(start: i32, towardDependencies: bool, kinds: u8, throughDisabled: bool): i32 {
  epoch++;
  if (epoch == 0) { fillAll(seenEpoch, 0); epoch = 1; }
  let count = 0;
  walked[count++] = <u16>start;
  seenEpoch[start] = epoch;
  for (let i = 0; i < count; i++) {
    const at = <i32>walked[i];
    if (i > 0 && !throughDisabled && serviceState[at] == STATE_DISABLED) continue;
    let e = towardDependencies ? firstDependency[at] : firstDependent[at];
    while (e != NO_EDGE) {
      const next = towardDependencies ? <i32>edgeTo[e] : <i32>edgeFrom[e];
      if ((kindBit(edgeKind[e]) & kinds) != 0 && seenEpoch[next] != epoch) {
        seenEpoch[next] = epoch;
        walked[count++] = <u16>next;
      }
      e = towardDependencies ? edgeNextOut[e] : edgeNextIn[e];
    }
  }
  return count;
}
