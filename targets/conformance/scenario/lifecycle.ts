// The lifecycle and recovery parts of the all-layer scenario: boot with a hung start and the
// health checks' every outcome, shutdown with dependents, a pulled-in start, a restart and a
// stop that times out; crashes restarted after backoff with jitter until restart intensity is
// exceeded and the escalation runs (restart-dependents, a reboot request).
import { ACTION, World, type CheckAnswer } from "../world.ts";
import type { Ids } from "./common.ts";

export const EVENT = { serviceState: 1, instanceState: 2, health: 6, alert: 7, fault: 8, recovery: 9, manifestApplied: 16, manifestRejected: 17, discovery: 18 } as const;
const CAUSE_START_TIMEOUT = 7;
const CAUSE_STOP_TIMEOUT = 8;
const CHECK = { success: 0, failure: 1, timeout: 2 } as const;
const HEALTH_COUNTER_CHECK_TIMEOUTS = 3;

export interface LoggedEvent { timeMs: number; kind: number; from: number; to: number; cause: number; service: number; instance: number; value: number }

export function eventsOf(world: World): LoggedEvent[] {
  return world.events.map((record) => {
    const v = new DataView(record.buffer, record.byteOffset, record.byteLength);
    return {
      timeMs: Number(v.getBigInt64(0, true)), kind: v.getUint8(12), from: v.getUint8(13), to: v.getUint8(14), cause: v.getUint8(15),
      service: v.getInt32(16, true), instance: v.getInt32(20, true), value: v.getInt32(24, true),
    };
  });
}

/**
 * storage's liveness check (timeout 100 ms, 2 failures fail it): success twice, then a failure
 * and a timeout reported by the host (the instance fails its check and is killed), then one
 * never answered (the kernel's own timeout) and one answered after the timeout (ignored), then
 * success for good.
 */
const STORAGE_CHECK: CheckAnswer[] = [
  { outcome: CHECK.success, latencyMs: 10 }, { outcome: CHECK.success, latencyMs: 12 },
  { outcome: CHECK.failure, latencyMs: 20 }, { outcome: CHECK.timeout, latencyMs: 100 },
  null, { outcome: CHECK.success, latencyMs: 150 },
];

function bootBehaviour(world: World, ids: Ids): void {
  world.behave(ids.updater, { hung: new Set([0]) });
  world.behave(ids.storage, { startDelayMs: 40, startJitterMs: 20, check: (n) => STORAGE_CHECK[n] ?? { outcome: CHECK.success, latencyMs: 9 } });
  world.behave(ids.network, { startDelayMs: 60, startJitterMs: 30 });
  world.behave(ids.telemetry, { startDelayMs: 50, startJitterMs: 40, stopDelayMs: 350, check: (n) => ({ outcome: n % 5 === 3 ? CHECK.failure : CHECK.success, latencyMs: 7 }) });
  world.behave(ids.hb, { check: (n) => ({ outcome: n % 3 === 1 ? CHECK.failure : CHECK.success, latencyMs: 4 + (n % 4) }) });
}

export function lifecyclePhase(world: World, ids: Ids, part: "boot" | "shutdown"): void {
  if (part === "boot") {
    bootBehaviour(world, ids);
    world.expect((n) => n > 0, "startAll");
    world.runFor(2500);
    const timedOut = eventsOf(world).some((e) => e.kind === EVENT.instanceState && e.cause === CAUSE_START_TIMEOUT && e.service === ids.updater);
    if (!timedOut) throw new Error("scenario: updater's hung start did not time out");
    world.expect((n) => n > 0, "healthCounter", HEALTH_COUNTER_CHECK_TIMEOUTS);
    for (const id of [ids.storage, ids.hb, ids.telemetry]) {
      world.call("healthOfService", id);
      world.call("healthHistory", id);
      world.call("healthAvailability", id);
    }
    for (let which = 0; which <= 3; which++) world.call("healthCounter", which);
    return;
  }
  world.expect((n) => n >= 0, "serviceStop", ids.network);
  world.runFor(1000);
  world.expect((n) => n >= 0, "serviceStart", ids.telemetry); // pulls network back in
  world.runFor(1200);
  world.advance(25);
  world.call("tick");
  world.expect((n) => n >= 0, "serviceRestart", ids.config);
  world.runFor(800);
  // Longer than their 400 ms stop timeouts: killed.
  for (const id of [ids.storage, ids.network]) world.behave(id, { stopDelayMs: 1000 });
  world.expect((n) => n >= 0, "stopAll");
  world.runFor(8000);
  const killed = eventsOf(world).some((e) => e.kind === EVENT.instanceState && e.cause === CAUSE_STOP_TIMEOUT);
  if (!killed) throw new Error("scenario: no stop timed out at shutdown");
  for (const id of Object.values(ids)) world.call("serviceState", id);
}

/** Exits the service's instance `ordinal` with `status` (as a crash the host saw). */
export function crash(world: World, id: number, ordinal: number, status: number): void {
  const handle = world.call("serviceInstance", id, ordinal);
  if (handle >= 0) world.call("instanceExited", handle, status);
}

export function recoveryPhase(world: World, ids: Ids): void {
  const drawsBefore = world.randomDraws;
  const actionsBefore = world.actions.length;
  // telemetry restarts one-for-all: one crash restarts both instances.
  crash(world, ids.telemetry, 1, 3);
  world.runFor(900);
  // network (always, 2 restarts in 3 s, jitter 50 %): the third crash exceeds the intensity, the
  // escalation restarts its dependents once, and the next exceedance gives up.
  for (let i = 0; i < 5; i++) {
    crash(world, ids.network, 0, 1);
    world.runFor(600);
  }
  // storage (on-failure, 2 in 5 s, escalation reboot): gives up and asks for a reboot.
  for (let i = 0; i < 4; i++) {
    crash(world, ids.storage, 0, 2);
    world.runFor(400);
  }
  for (const id of [ids.network, ids.storage, ids.telemetry]) {
    for (let which = 0; which <= 5; which++) world.call("recoveryInfo", id, which);
  }
  if (world.randomDraws === drawsBefore) throw new Error("scenario: recovery drew no random_u32 (no jitter ran)");
  if (!world.actions.slice(actionsBefore).some((a) => a.kind === ACTION.rebootRequest)) throw new Error("scenario: no reboot request");
  for (const id of [ids.storage, ids.network]) {
    world.call("recoveryReset", id);
    world.call("serviceStart", id);
  }
  world.runFor(1500);
}
