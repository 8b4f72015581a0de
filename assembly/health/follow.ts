// How health follows the lifecycle (wired to its transitions through hooks.ts, wiring.ts): an
// instance that comes up gets its checks armed and its watchdog running; one that leaves RUNNING
// owes no more results and loses its watchdog deadline; every transition recomputes health.
import { instanceService } from "../registry/instances";
import { STATE_RUNNING } from "../registry/states";
import { timerCancel, timerOfWatchdog } from "../timers/heap";
import { scheduleInstanceUp, scheduleInstanceDown } from "./schedule";
import { healthUpdateInstance, healthUpdateService } from "./state";

/** Every instance transition. */
export function healthOnInstanceTransition(slot: i32, from: u8, to: u8, cause: u8): void {
  const service = <i32>instanceService[slot];
  if (to == STATE_RUNNING) scheduleInstanceUp(slot, service);
  else if (from == STATE_RUNNING) {
    timerCancel(timerOfWatchdog(slot));
    scheduleInstanceDown(slot, service);
  }
  healthUpdateInstance(slot, cause, -1);
}

/** Every service transition. */
export function healthOnServiceTransition(service: i32, cause: u8): void {
  healthUpdateService(service, cause);
}
