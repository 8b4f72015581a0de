// `npm run conformance`: records the all-layer program and the tiny profile's program, builds the
// targets, replays each program on its profiles' hosts and prints
//   host <name> calls <count> events <count> hash <hex> event-hash <hex>
// per host. Hosts that run the same build profile must agree byte for byte; the mcu hosts must
// also match the all-layer recording itself (it is recorded on mcu), the tiny hosts the tiny
// recording and its committed hash (build-program.ts TINY_EXPECTED). The exit status is non-zero
// if any host fails or differs.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { buildProgram, programOf, RECORDING_PROFILE, TINY_EXPECTED } from "./build-program.ts";
import type { Program } from "./program.ts";
import { replay } from "./replay.ts";
import { replayOnLoader } from "../node/host.ts";
import { VirtualHal } from "../node/hal.ts";
import { buildComponent } from "../wasi/tools/build.ts";
import { ComponentKernel } from "../wasi/host/component-port.ts";
import { buildFirmware, PROFILES, profileSuffix, type Profile } from "../firmware/tools/build.ts";
import { runImage, runNative, type HostOutput } from "../firmware/tools/run.ts";
import { runWasmtime } from "../wasmtime/run.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface HostResult { host: string; profile: Profile; calls: number; events: number; hash: string; eventHash: string; error?: string }
export interface ConformanceResult {
  hosts: HostResult[];
  agree: boolean;
  recorded: { hash: string; events: number };
  /** The tiny program as recorded now (it must equal TINY_EXPECTED). */
  tiny: { hash: string; events: number };
}

/** The profiles that replay the all-layer program (the tiny profile has its own). */
export const ALL_LAYERS_PROFILES: readonly Profile[] = PROFILES.filter((p) => programOf(p) === "all-layers");

const failed = (host: string, profile: Profile, error: unknown): HostResult =>
  ({ host, profile, calls: 0, events: 0, hash: "", eventHash: "", error: error instanceof Error ? error.message : String(error) });

async function guarded(host: string, profile: Profile, run: () => Promise<Omit<HostResult, "host" | "profile">>): Promise<HostResult> {
  try {
    return { host, profile, ...await run() };
  } catch (error) {
    return failed(host, profile, error);
  }
}

function fromOutput(profile: Profile, output: HostOutput, fallbackName: string): HostResult {
  if (!output.host || !output.ok) return failed(output.host?.name ?? fallbackName, profile, `exit ${output.exitCode}:\n${output.text}`);
  const { name, ...line } = output.host;
  return { host: name, profile, ...line };
}

/** Every TypeScript and wasmtime host, per profile (the component exists for release only). */
export async function scriptedHosts(program: Program, programPath: string, profiles: readonly Profile[] = ALL_LAYERS_PROFILES): Promise<HostResult[]> {
  const results: HostResult[] = [];
  for (const profile of profiles) {
    const wasm = join(root, `build/${profile}.wasm`);
    const suffix = profileSuffix(profile);
    results.push(await guarded(`node${suffix}`, profile, async () => (await replayOnLoader(wasm, program)).result));
    results.push(await guarded(`wasmtime-core${suffix}`, profile, () => runWasmtime("core", wasm, programPath, `wasmtime-core${suffix}`)));
  }
  if (!profiles.includes("release")) return results;
  const component = await buildComponent();
  results.push(await guarded("component", "release", async () => {
    const hal = new VirtualHal(program.seed);
    return replay(await ComponentKernel.create(hal), hal, program);
  }));
  results.push(await guarded("wasmtime-component", "release", () => runWasmtime("component", component.component, programPath, "wasmtime-component")));
  return results;
}

/**
 * The C hosts of `profiles` (every profile by default): native (on `programPath` when given), and
 * the Cortex-M images on their built-in program (each profile's own: tiny's for tiny).
 */
export async function firmwareHosts(options: { cortexM: boolean; programPath?: string; profiles?: readonly Profile[] }): Promise<HostResult[]> {
  const built = await buildFirmware({ cortexM: options.cortexM });
  const wanted = (profile: Profile) => (options.profiles ?? PROFILES).includes(profile);
  const results: HostResult[] = [];
  for (const host of built.native.filter((h) => wanted(h.profile))) {
    results.push(fromOutput(host.profile, await runNative(host, { program: options.programPath }), host.hostName));
  }
  if (options.cortexM) for (const image of built.images.filter((i) => wanted(i.profile))) results.push(fromOutput(image.profile, await runImage(image), image.hostName));
  return results;
}

/** Every host of a profile must match that profile's first host (the Node loader host). */
export function compare(hosts: HostResult[]): boolean {
  return hosts.every((h) => {
    const reference = hosts.find((r) => r.profile === h.profile);
    return !h.error && reference !== undefined && h.hash === reference.hash && h.eventHash === reference.eventHash &&
      h.events === reference.events && h.calls === reference.calls;
  });
}

export async function runConformance(): Promise<ConformanceResult> {
  const built = buildProgram("all-layers");
  const tiny = buildProgram("tiny");
  const hosts = [...await scriptedHosts(built.program, built.path), ...await scriptedHosts(tiny.program, tiny.path, ["tiny"]),
    ...await firmwareHosts({ cortexM: true })];
  const order = (h: HostResult) => ["release", "mcu", "tiny"].indexOf(h.profile);
  hosts.sort((a, b) => order(a) - order(b));
  const matches = (profile: Profile, hash: string) => hosts.filter((h) => h.profile === profile).every((h) => h.hash === hash);
  const recordedMatches = matches(RECORDING_PROFILE, built.hash) && tiny.hash === TINY_EXPECTED.hash && matches("tiny", TINY_EXPECTED.hash);
  return { hosts, agree: compare(hosts) && recordedMatches, recorded: { hash: built.hash, events: built.events }, tiny: { hash: tiny.hash, events: tiny.events } };
}

export const formatHost = (h: HostResult): string => h.error
  ? `host ${h.host} FAILED ${h.error}`
  : `host ${h.host} calls ${h.calls} events ${h.events} hash ${h.hash} event-hash ${h.eventHash}`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { hosts, agree, recorded, tiny } = await runConformance();
  console.log(`program all-layers recorded on ${RECORDING_PROFILE}: events ${recorded.events} hash ${recorded.hash}`);
  console.log(`program tiny recorded on tiny: events ${tiny.events} hash ${tiny.hash} (expected ${TINY_EXPECTED.hash})`);
  for (const h of hosts) console.log(formatHost(h));
  console.log(agree ? "conformance: every host agrees" : "conformance: hosts DIFFER");
  process.exitCode = agree ? 0 : 1;
}
