// The all-layer conformance scenario: a device (device.yaml, loaded as a manifest) taken
// through every layer of the kernel, recorded as a conformance program in the world of
// world.ts. Each phase checks that it did what it claims (a scenario that silently stopped
// exercising a layer fails to build instead of passing on every host):
//
//   registry, graph   bad names and dependencies refused; the manifest registers the rest
//   manifest          load (and a corrupt blob rejected, nothing changed), later a hot reload
//                     (a hot key changed in place, a strategy and an instance count changed) and
//                     a rollback
//   lifecycle         start-all with a hung start (timeout, kill), stop with dependents, start,
//                     restart, stop-all with a stop that times out
//   balance           picks of all nine strategies with the requests reported back (latencies as
//                     f64, so fastest response's EWMA runs), breakers opening and closing, an
//                     outlier ejected, the statistics read
//   health            checks answered with success, failure and timeout, one never answered (the
//                     kernel's own timeout), one answered late (ignored)
//   recovery          crashes restarted after backoff with jitter (the kernel draws random_u32),
//                     restart intensity exceeded, escalation (restart-dependents, reboot request)
//   discovery         queries by pattern, type, state and tags, subscriptions with their events
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { encodeManifest, parseManifest } from "../../../host/manifest/index.ts";
import { ACTION, World } from "../world.ts";
import type { Recording } from "../recorder.ts";
import { balancePhase } from "./balance.ts";
import { EVENT, eventsOf, lifecyclePhase, recoveryPhase } from "./lifecycle.ts";
import { discoveryPhase } from "./discovery.ts";
import { code, type Ids } from "./common.ts";

export const DEVICE_PATH = fileURLToPath(new URL("./device.yaml", import.meta.url));
/** The scenario's seed: the virtual HAL's splitmix32 starts from it on every host. */
export const SCENARIO_SEED = 1103515245;
/** Manifest chunks fit the smallest profile's I/O buffer (mcu: 1,024 bytes). */
const STAGE_CHUNK_BYTES = 1024;

/** A device's manifest blob: `path` (device.yaml), with `edits` (pattern, replacement) applied to its text. */
export function deviceManifest(edits: [RegExp, string][] = [], path = DEVICE_PATH): { blob: Uint8Array; names: string[] } {
  let text = readFileSync(path, "utf8");
  for (const [pattern, replacement] of edits) {
    if (!pattern.test(text)) throw new Error(`${path}: the scenario's edit ${pattern} matches nothing`);
    text = text.replace(pattern, replacement);
  }
  const parsed = parseManifest(text, path);
  if (!parsed.manifest) throw new Error(`${path}: ${parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("; ")}`);
  return { blob: encodeManifest(parsed.manifest), names: parsed.manifest.services.map((s) => s.name) };
}

/** Stages a blob in chunks and loads it; returns the kernel's status. */
export function loadManifest(world: World, blob: Uint8Array): number {
  for (let offset = 0; offset < blob.length; offset += STAGE_CHUNK_BYTES) {
    const part = blob.subarray(offset, offset + STAGE_CHUNK_BYTES);
    const [length] = world.put(part);
    world.expect(0, "manifestStage", offset, length);
  }
  return world.call("manifestLoad", blob.length);
}

function registryPhase(world: World, names: string[]): Ids {
  const ids: Ids = {};
  for (const name of names) ids[name] = world.expect((s) => s >= 0, "serviceLookup", ...world.put(name));
  world.expect(code("E_DUPLICATE_NAME"), "serviceRegister", ...world.put("storage"), 0, 1);
  world.expect(code("E_NAME_INVALID_CHAR"), "serviceRegister", ...world.put("not a name!"), 0, 1);
  world.expect(code("E_SELF_DEPENDENCY"), "dependencyAdd", ids.storage, ids.storage, 1);
  world.expect(code("E_DUPLICATE_DEPENDENCY"), "dependencyAdd", ids.config, ids.storage, 1);
  world.expect(0, "dependencyAddByName", ids.updater, ...world.put("config"), 3); // updater after config
  world.expect((n) => n === names.length, "order");
  world.expect((n) => n > 1, "orderWaveCount");
  return ids;
}

function manifestPhase(world: World): { blob: Uint8Array; names: string[] } {
  const { blob, names } = deviceManifest();
  const corrupt = blob.slice();
  corrupt[corrupt.length - 1] ^= 0x5a; // the checksum no longer matches
  world.call("manifestRevision");
  if (loadManifest(world, corrupt) >= 0) throw new Error("scenario: a corrupt manifest was accepted");
  world.call("manifestErrorOffset");
  world.expect((s) => s < 0, "manifestRollback"); // nothing to roll back to
  if (loadManifest(world, blob) < 1) throw new Error(`scenario: the device manifest was refused: ${world.detail()}`);
  return { blob, names };
}

/** Hot reload (a hot key, a strategy and an instance count change), then a rollback. */
function reloadPhase(world: World, ids: Ids): void {
  const before = world.actions.length;
  const { blob: reloaded } = deviceManifest([
    [/^serial: 1$/m, "serial: 2"],
    [/(?<=log-level: \{[^}]*value: )info/, "debug"], // a hot key: changed in place
    [/(?<=  rnd:\n(?:    .*\n)*?    balance: \{ strategy: )random/, "round-robin"],
    [/(?<=  lc:\n    instances: )2/, "3"],
  ]);
  if (loadManifest(world, reloaded) < 0) throw new Error(`scenario: the hot reload was refused: ${world.detail()}`);
  world.runFor(400);
  world.expect(2, "manifestSerial");
  world.expect(5, "configGet", ids.config, ...world.put("log-level"));
  if (!world.actions.slice(before).some((a) => a.kind === ACTION.configChanged)) throw new Error("scenario: the hot key change gave no config-changed action");
  for (let i = 0; i < 4; i++) world.call("balancePick", ids.rnd);
  world.expect((r) => r >= 3, "manifestRollback");
  world.runFor(400);
  world.expect(1, "manifestSerial");
  world.expect(4, "configGet", ids.config, ...world.put("log-level"));
  world.expect((n) => n >= 0, "manifestPending");
  world.expect((n) => n > 0, "manifestDump");
  world.expect((n) => n > 0, "manifestDumpRead", 0);
}

export interface AllLayers extends Recording { world: World }

export function recordAllLayers(wasmPath: string): AllLayers {
  const world = new World(wasmPath, SCENARIO_SEED);
  const { names } = manifestPhase(world);
  const ids = registryPhase(world, names);
  const subscriptions = discoveryPhase(world, ids, "subscribe");
  lifecyclePhase(world, ids, "boot");
  discoveryPhase(world, ids, "query", subscriptions);
  balancePhase(world, ids);
  recoveryPhase(world, ids);
  reloadPhase(world, ids);
  lifecyclePhase(world, ids, "shutdown");
  for (const which of [0, 1, 2]) world.call("counter", which);
  world.call("eventsOverwritten");
  const events = eventsOf(world);
  for (const kind of [EVENT.manifestApplied, EVENT.manifestRejected, EVENT.discovery, EVENT.recovery, EVENT.alert, EVENT.health]) {
    if (!events.some((e) => e.kind === kind)) throw new Error(`scenario: no event of kind ${kind} was logged`);
  }
  return { ...world.finish(), world };
}
