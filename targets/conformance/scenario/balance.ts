// The balancing part of the all-layer scenario: every one of the nine strategies picks and
// gets its requests reported back (latencies as f64, different per instance, so least
// connections, fastest response's EWMA and health-based weighting all have something to
// decide on); a breaker opens on failures, refuses, lets a half-open probe through and closes;
// an isolated instance is refused; an outlier is ejected and re-admitted; statistics are read.
import type { World } from "../world.ts";
import { code, type Ids } from "./common.ts";

const OUTCOME = { failure: 0, success: 1 } as const;
const HEALTH_UNHEALTHY = 3;
const STRATEGY_SERVICES = ["rr", "wrr", "lc", "wlc", "rnd", "iph", "ch", "fast", "hb"] as const;

function handles(world: World, id: number): number[] {
  const count = world.expect((n) => n > 0, "serviceInstances", id);
  return Array.from({ length: count }, (_, k) => world.call("serviceInstance", id, k));
}

/** One pick as its strategy wants it (a key for the hashing ones); returns the handle or the error. */
function pick(world: World, service: string, id: number, i: number): number {
  if (service === "iph") return world.call("balancePickKey", id, 0x0a000001 + (i % 4));
  if (service === "ch") return i % 2 === 0 ? world.call("balancePickBytes", id, ...world.put(`user-${i % 5}`)) : world.call("balancePickKey", id, 7919 * i);
  return world.call("balancePick", id);
}

/** A request's latency: instance k is slower than k - 1, with a fraction so the EWMA is real f64 work. */
const latencyOf = (ordinal: number, i: number): number => 4.5 + ordinal * 7.25 + (i % 3) * 0.375;

/** Twelve picks per service with their requests reported back, then a batch pick and the statistics. */
export function strategyPicks(world: World, ids: Ids, services: readonly string[]): void {
  for (const service of services) {
    const id = ids[service];
    const byHandle = handles(world, id);
    const inFlight: number[] = [];
    let picked = 0;
    for (let i = 0; i < 12; i++) {
      const handle = pick(world, service, id, i);
      if (handle < 0) continue;
      picked++;
      inFlight.push(handle);
      // Least connections needs requests that stay open: every third one is finished later.
      if (i % 3 !== 2) {
        const h = inFlight.shift()!;
        world.call("balanceRequestFinished", h, latencyOf(byHandle.indexOf(h), i), OUTCOME.success);
      }
      world.advance(3);
    }
    for (const h of inFlight) world.call("balanceRequestFinished", h, latencyOf(byHandle.indexOf(h), 1), OUTCOME.success);
    if (picked === 0) throw new Error(`scenario: ${service} never picked an instance: ${world.detail()}`);
    world.call("balancePickBatch", id, 4, 100);
    world.call("balanceServiceStats", id);
  }
}

function breaker(world: World, ids: Ids): void {
  const [first, second] = handles(world, ids.rr);
  for (let i = 0; i < 3; i++) {
    world.expect(0, "balanceRequestStarted", first);
    world.call("balanceRequestFinished", first, 50.5 + i, OUTCOME.failure);
  }
  world.expect(code("E_BREAKER_OPEN"), "balanceRequestStarted", first);
  for (let i = 0; i < 4; i++) world.call("balancePick", ids.rr);
  world.call("balanceInstanceStats", first);
  world.runFor(1100); // the open time passes: one half-open probe
  world.expect(0, "balanceRequestStarted", first);
  world.call("balanceRequestFinished", first, 8.25, OUTCOME.success);
  world.call("balanceInstanceStats", first);
  world.expect((s) => s >= 0, "breakerIsolate", second);
  world.expect(code("E_BREAKER_OPEN"), "balanceRequestStarted", second);
  world.expect((s) => s >= 0, "breakerRelease", second);
  world.expect((s) => s >= 0, "breakerReset", first);
}

/** Outlier ejection, configured by lc's manifest (balance.outlier: 2 failures in a row eject for 500 ms). */
function outlier(world: World, ids: Ids): void {
  const [first] = handles(world, ids.lc);
  for (let i = 0; i < 2; i++) {
    world.call("balanceRequestStarted", first);
    world.call("balanceRequestFinished", first, 30.125, OUTCOME.failure);
  }
  for (let i = 0; i < 4; i++) world.expect((h) => h !== first, "balancePick", ids.lc);
  world.call("balanceInstanceStats", first);
  world.runFor(600); // ejection over
  world.call("balanceServiceStats", ids.lc);
}

export function balancePhase(world: World, ids: Ids): void {
  const [, , hbThird] = handles(world, ids.hb);
  world.call("instanceSetHealth", hbThird, HEALTH_UNHEALTHY);
  const [, , wrrThird] = handles(world, ids.wrr);
  world.expect(0, "balanceSetDraining", wrrThird, 1);
  const draws = world.randomDraws;
  strategyPicks(world, ids, STRATEGY_SERVICES);
  if (world.randomDraws === draws) throw new Error("scenario: the random strategy drew no random_u32");
  breaker(world, ids);
  outlier(world, ids);
  world.expect(0, "balanceSetDraining", wrrThird, 0);
}
