// Kernel time: read from the HAL once at every entry, then shared by everything in that call,
// so one command sees one instant. A host clock that steps backwards is clamped, not obeyed.
import { halNowMs } from "./hal";

let nowMs: i64 = 0;
let backwardStepCount: u32 = 0;

export function clockRefresh(): i64 {
  const reading = halNowMs();
  if (reading >= nowMs) nowMs = reading;
  else backwardStepCount++;
  return nowMs;
}

@inline export function clockNow(): i64 { return nowMs; }

export function clockBackwardSteps(): u32 { return backwardStepCount; }

export function clockReset(): void { nowMs = 0; backwardStepCount = 0; }
