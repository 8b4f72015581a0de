// `npm run conformance`: records the all-layer program, builds the targets, replays the program
// on every host and prints
//   host <name> calls <count> events <count> hash <hex> event-hash <hex>
// per host. Hosts that run the same build profile must agree byte for byte; the mcu hosts must
// also match the recording itself (the program is recorded on mcu). The exit status is non-zero
// if any host fails or differs.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { buildProgram, RECORDING_PROFILE } from "./build-program.ts";
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
export interface ConformanceResult { hosts: HostResult[]; agree: boolean; recorded: { hash: string; events: number } }

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
export async function scriptedHosts(program: Program, programPath: string): Promise<HostResult[]> {
  const results: HostResult[] = [];
  for (const profile of PROFILES) {
    const wasm = join(root, `build/${profile}.wasm`);
    const suffix = profileSuffix(profile);
    results.push(await guarded(`node${suffix}`, profile, async () => (await replayOnLoader(wasm, program)).result));
    results.push(await guarded(`wasmtime-core${suffix}`, profile, () => runWasmtime("core", wasm, programPath, `wasmtime-core${suffix}`)));
  }
  const component = await buildComponent();
  results.push(await guarded("component", "release", async () => {
    const hal = new VirtualHal(program.seed);
    return replay(await ComponentKernel.create(hal), hal, program);
  }));
  results.push(await guarded("wasmtime-component", "release", () => runWasmtime("component", component.component, programPath, "wasmtime-component")));
  return results;
}

/** The C hosts: native per profile (on `programPath` when given), and the Cortex-M images on their built-in program. */
export async function firmwareHosts(options: { cortexM: boolean; programPath?: string }): Promise<HostResult[]> {
  const built = await buildFirmware({ cortexM: options.cortexM });
  const results: HostResult[] = [];
  for (const host of built.native) results.push(fromOutput(host.profile, await runNative(host, { program: options.programPath }), host.hostName));
  if (options.cortexM) for (const image of built.images) results.push(fromOutput(image.profile, await runImage(image), image.hostName));
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
  const built = buildProgram();
  const hosts = [...await scriptedHosts(built.program, built.path), ...await firmwareHosts({ cortexM: true })];
  const order = (h: HostResult) => (h.profile === "release" ? 0 : 1);
  hosts.sort((a, b) => order(a) - order(b));
  const recordedMatches = hosts.filter((h) => h.profile === RECORDING_PROFILE).every((h) => h.hash === built.hash);
  return { hosts, agree: compare(hosts) && recordedMatches, recorded: { hash: built.hash, events: built.events } };
}

export const formatHost = (h: HostResult): string => h.error
  ? `host ${h.host} FAILED ${h.error}`
  : `host ${h.host} calls ${h.calls} events ${h.events} hash ${h.hash} event-hash ${h.eventHash}`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { hosts, agree, recorded } = await runConformance();
  console.log(`program all-layers recorded on ${RECORDING_PROFILE}: events ${recorded.events} hash ${recorded.hash}`);
  for (const h of hosts) console.log(formatHost(h));
  console.log(agree ? "conformance: every host agrees" : "conformance: hosts DIFFER");
  process.exitCode = agree ? 0 : 1;
}
