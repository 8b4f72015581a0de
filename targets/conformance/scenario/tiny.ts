// The tiny profile's conformance scenario (issue 16): tiny-device.yaml, loaded as a manifest blob
// and taken through what the tiny profile contains, recorded on build/tiny.wasm in the world of
// world.ts. Each phase checks that it did what it claims:
//
//   manifest          a corrupt blob rejected (nothing changed), then the device loaded
//   registry, graph   a duplicate name and a self-dependency refused; the start order
//   lifecycle         start-all with a hung start (timeout, kill) and a dependency on a healthy
//                     service; stop with dependents, a pulled-in start, a restart, stop-all with
//                     a stop that times out
//   health            checks answered with success, failure and timeout, one never answered, one late
//   balance           round robin, least connections and health-based picks with their requests
//                     reported back, a batch pick, the statistics
//   recovery          crashes restarted after backoff with jitter until restart intensity is exceeded
import { fileURLToPath } from "node:url";
import { World } from "../world.ts";
import type { Recording } from "../recorder.ts";
import { deviceManifest, loadManifest } from "./all-layers.ts";
import { strategyPicks } from "./balance.ts";
import { crash, EVENT, eventsOf } from "./lifecycle.ts";
import { code, type Ids } from "./common.ts";

export const TINY_DEVICE_PATH = fileURLToPath(new URL("./tiny-device.yaml", import.meta.url));
/** The scenario's seed (the virtual HAL's splitmix32 starts from it on every host). */
export const TINY_SEED = 2654435761;
const CAUSE_START_TIMEOUT = 7;
const CAUSE_STOP_TIMEOUT = 8;
const CHECK = { success: 0, failure: 1, timeout: 2 } as const;
const HEALTH_UNHEALTHY = 3;
const SERVICE_FAILED = 4;
const BALANCED = ["rr", "lc", "hb"] as const;

function manifestAndRegistry(world: World): Ids {
  const { blob, names } = deviceManifest([], TINY_DEVICE_PATH);
  const corrupt = blob.slice();
  corrupt[corrupt.length - 1] ^= 0x5a; // the checksum no longer matches
  if (loadManifest(world, corrupt) >= 0) throw new Error("tiny scenario: a corrupt manifest was accepted");
  world.expect(0, "serviceCount");
  if (loadManifest(world, blob) < 1) throw new Error(`tiny scenario: the device manifest was refused (${world.call("lastError")})`);
  world.expect(1, "manifestSerial");
  const ids: Ids = {};
  for (const name of names) ids[name] = world.expect((s) => s >= 0, "serviceLookup", ...world.put(name));
  world.expect(code("E_DUPLICATE_NAME"), "serviceRegister", ...world.put("storage"), 0, 1);
  world.expect(code("E_SELF_DEPENDENCY"), "dependencyAdd", ids.storage, ids.storage, 1);
  world.expect((n) => n === names.length, "order");
  world.expect((n) => n > 1, "orderWaveCount");
  return ids;
}

function boot(world: World, ids: Ids): void {
  world.behave(ids.app, { hung: new Set([0]) });
  const storageCheck = [
    { outcome: CHECK.success, latencyMs: 10 }, { outcome: CHECK.failure, latencyMs: 20 }, { outcome: CHECK.timeout, latencyMs: 100 },
    null, { outcome: CHECK.success, latencyMs: 150 },
  ];
  world.behave(ids.storage, { startDelayMs: 40, startJitterMs: 20, check: (n) => storageCheck[n] ?? { outcome: CHECK.success, latencyMs: 9 } });
  world.behave(ids.network, { startDelayMs: 60, startJitterMs: 30 });
  world.behave(ids.hb, { check: (n) => ({ outcome: n % 3 === 1 ? CHECK.failure : CHECK.success, latencyMs: 4 + (n % 4) }) });
  world.expect((n) => n > 0, "startAll");
  world.runFor(2500);
  if (!eventsOf(world).some((e) => e.kind === EVENT.instanceState && e.cause === CAUSE_START_TIMEOUT && e.service === ids.app)) {
    throw new Error("tiny scenario: app's hung start did not time out");
  }
  for (const id of [ids.storage, ids.rr, ids.hb]) world.call("healthOfService", id);
  for (let which = 0; which <= 3; which++) world.call("healthCounter", which);
}

function balance(world: World, ids: Ids): void {
  const third = world.call("serviceInstance", ids.hb, 2);
  world.call("instanceSetHealth", third, HEALTH_UNHEALTHY);
  strategyPicks(world, ids, BALANCED);
  for (const id of BALANCED.map((s) => ids[s])) world.call("balanceInstanceStats", world.call("serviceInstance", id, 0));
}

function recovery(world: World, ids: Ids): void {
  const draws = world.randomDraws;
  // network (always, 2 restarts in 3 s): the third crash in the window exceeds the intensity.
  for (let i = 0; i < 4; i++) {
    crash(world, ids.network, 0, 1);
    world.runFor(600);
  }
  world.expect(SERVICE_FAILED, "serviceState", ids.network); // gave up: no escalation in tiny
  for (let i = 0; i < 3; i++) {
    crash(world, ids.storage, 0, 2);
    world.runFor(400);
  }
  for (const id of [ids.network, ids.storage]) {
    for (let which = 0; which <= 5; which++) world.call("recoveryInfo", id, which);
  }
  if (world.randomDraws === draws) throw new Error("tiny scenario: recovery drew no random_u32 (no jitter ran)");
  for (const id of [ids.storage, ids.network]) {
    world.call("recoveryReset", id);
    world.call("serviceStart", id);
  }
  world.runFor(1500);
}

function shutdown(world: World, ids: Ids): void {
  world.expect((n) => n >= 0, "serviceStop", ids.network);
  world.runFor(1000);
  world.expect((n) => n >= 0, "serviceStart", ids.rr); // pulls network back in
  world.runFor(1200);
  world.expect((n) => n >= 0, "serviceRestart", ids.lc);
  world.runFor(800);
  for (const id of [ids.storage, ids.network]) world.behave(id, { stopDelayMs: 1000 }); // longer than their stop timeouts
  world.expect((n) => n >= 0, "stopAll");
  world.runFor(8000);
  if (!eventsOf(world).some((e) => e.kind === EVENT.instanceState && e.cause === CAUSE_STOP_TIMEOUT)) {
    throw new Error("tiny scenario: no stop timed out at shutdown");
  }
  for (const id of Object.values(ids)) world.call("serviceState", id);
}

export function recordTiny(wasmPath: string): Recording {
  const world = new World(wasmPath, TINY_SEED);
  const ids = manifestAndRegistry(world);
  boot(world, ids);
  balance(world, ids);
  recovery(world, ids);
  shutdown(world, ids);
  for (const which of [0, 1, 2]) world.call("counter", which);
  const events = eventsOf(world);
  for (const kind of [EVENT.manifestApplied, EVENT.manifestRejected, EVENT.recovery, EVENT.health, EVENT.serviceState]) {
    if (!events.some((e) => e.kind === kind)) throw new Error(`tiny scenario: no event of kind ${kind} was logged`);
  }
  return world.finish();
}
