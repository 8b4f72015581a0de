// The kernel's loop: settle (take every step the last input made possible), tick (fire due
// deadlines, each to the layer that owns its timer, then settle), and run (tick, then sleep through the HAL until the next deadline,
// returning as soon as the host has actions to perform or input to give).
import { SERVICES_MAX, ALERTS_ENABLED } from "./limits";
import { E_INVALID_ARGUMENT } from "./errors";
import { clockRefresh, clockNow } from "./clock";
import { halSleepMs } from "./hal";
import {
  timerPopDue, timerNextDeadline, SERVICE_TIMER_BASE, CHECK_TIMER_BASE, INSTANCE_TIMERS, INSTANCE_TIMER_LIFECYCLE,
  INSTANCE_TIMER_HEALTH, DRAIN_TIMER_BASE, ROLLOUT_TIMER_BASE,
} from "./timers/heap";
import { WITH_ROLLOUT } from "./features";
import { drainDue } from "./lifecycle/resize";
import { rolloutTimerDue } from "./rollout/control";
import { outboxCount } from "./log/outbox";
import { takeDirty, retryDeferred } from "./lifecycle/dirty";
import { evaluate } from "./lifecycle/evaluate";
import { instanceDeadline } from "./lifecycle/instances";
import { recoveryTimerDue } from "./recovery/supervisor";
import { instanceRestartDue } from "./recovery/strategies/restart-instance";
import { checkTimerDue } from "./health/schedule";
import { watchdogDue } from "./health/watchdog";
import { fail } from "./util/detail";
import { manifestSettle } from "./manifest/apply";
import { alertsSettle, alertsNextDeadline } from "./alerts/ingest";
import { WITH_PLACEMENT } from "./features";
import { placementExpire, nextExpiry } from "./placement/reserve";
import { WITH_RESOURCES } from "./features";
import { reservationsExpire, reservationsNextDeadline } from "./resources/reservations";

/** Steps per settle: each service can step a few times per input; the rest waits for the next tick. */
const SETTLE_STEPS_MAX: i32 = SERVICES_MAX * 8;

export function settle(): void {
  for (let steps = 0; steps < SETTLE_STEPS_MAX; steps++) {
    const service = takeDirty();
    if (service < 0) {
      if (manifestSettle()) continue; // a manifest change waiting for a service at rest went ahead
      if (ALERTS_ENABLED) alertsSettle(clockNow()); // the alerts this input raised: routed, grouped, sent when due
      return;
    }
    evaluate(service);
  }
}

/** Hands a due timer to the layer that owns it (timers/heap.ts lays the ids out). */
function fire(timer: i32): void {
  if (timer >= ROLLOUT_TIMER_BASE) { if (WITH_ROLLOUT) rolloutTimerDue(timer - ROLLOUT_TIMER_BASE); return; }
  if (timer >= DRAIN_TIMER_BASE) { if (WITH_ROLLOUT) drainDue(timer - DRAIN_TIMER_BASE); return; }
  if (timer >= CHECK_TIMER_BASE) { checkTimerDue(timer - CHECK_TIMER_BASE); return; }
  if (timer >= SERVICE_TIMER_BASE) { recoveryTimerDue(timer - SERVICE_TIMER_BASE); return; }
  const slot = timer / INSTANCE_TIMERS;
  const owner = timer - slot * INSTANCE_TIMERS;
  if (owner == INSTANCE_TIMER_LIFECYCLE) instanceDeadline(slot);
  else if (owner == INSTANCE_TIMER_HEALTH) watchdogDue(slot);
  else instanceRestartDue(slot);
}

export function tick(): i32 {
  const now = clockRefresh();
  retryDeferred();
  for (let timer = timerPopDue(now); timer >= 0; timer = timerPopDue(now)) fire(timer);
  if (WITH_PLACEMENT) placementExpire(now);
  if (WITH_RESOURCES) reservationsExpire(now);
  settle();
  return outboxCount();
}

/** Sleeps at most this long at once, so a 32-bit sleep argument never overflows. */
const SLEEP_MS_MAX: i64 = 0x7fffffff;

export function run(durationMs: i32): i32 {
  if (durationMs < 0) {
    return fail(E_INVALID_ARGUMENT).text("run: duration ").int(durationMs).text(" ms is negative").code();
  }
  const end = clockRefresh() + <i64>durationMs;
  while (true) {
    const pending = tick();
    if (pending > 0) return pending;
    const now = clockNow();
    if (now >= end) return 0;
    let wakeAt = min(ALERTS_ENABLED ? min(timerNextDeadline(), alertsNextDeadline()) : timerNextDeadline(), end);
    if (WITH_PLACEMENT) wakeAt = min(wakeAt, nextExpiry());
    if (WITH_RESOURCES) wakeAt = min(wakeAt, reservationsNextDeadline());
    const woken = halSleepMs(<u32>min(wakeAt - now, SLEEP_MS_MAX));
    if (woken != 0) return tick();
    // A HAL whose sleep does not advance the clock would spin here: give control back instead.
    if (clockRefresh() == now) return tick();
  }
  return 0;
}
