// `npm run conformance`: builds the targets, replays the scenario on every host and prints
//   host <name> events <count> hash <hex>
// per host. Hosts that run the same build profile must agree byte for byte (the four the issue
// names run the release profile: node, component, native, qemu-cortex-m3); the exit status is
// non-zero if any host fails or any hash differs from its profile's.
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { loadScenario, type Scenario } from "./scenario.ts";
import { replay } from "./replay.ts";
import { replayOnLoader } from "../node/host.ts";
import { VirtualHal } from "../node/hal.ts";
import { buildComponent } from "../wasi/tools/build.ts";
import { ComponentKernel } from "../wasi/host/component-port.ts";
import { buildFirmware, PROFILES, profileSuffix, type Profile } from "../firmware/tools/build.ts";
import { runImage, runNative, type HostOutput } from "../firmware/tools/run.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface HostResult { host: string; profile: Profile; events: number; hash: string; error?: string }
export interface ConformanceResult { hosts: HostResult[]; agree: boolean }

function fromOutput(profile: Profile, output: HostOutput, fallbackName: string): HostResult {
  if (!output.host || !output.ok) {
    return { host: output.host?.name ?? fallbackName, profile, events: 0, hash: "", error: `exit ${output.exitCode}:\n${output.text}` };
  }
  return { host: output.host.name, profile, events: output.host.events, hash: output.host.hash };
}

async function nodeHosts(scenario: Scenario): Promise<HostResult[]> {
  return Promise.all(PROFILES.map(async (profile) => {
    const { result } = await replayOnLoader(join(root, `build/${profile}.wasm`), scenario);
    return { host: `node${profileSuffix(profile)}`, profile, events: result.events, hash: result.hash };
  }));
}

async function componentHost(scenario: Scenario): Promise<HostResult> {
  await buildComponent();
  const hal = new VirtualHal(scenario.seed);
  const result = replay(await ComponentKernel.create(hal), hal, scenario);
  return { host: "component", profile: "release", events: result.events, hash: result.hash };
}

async function firmwareHosts(): Promise<HostResult[]> {
  const built = await buildFirmware({ cortexM: true });
  const results: HostResult[] = [];
  for (const host of built.native) results.push(fromOutput(host.profile, await runNative(host), host.hostName));
  for (const image of built.images) results.push(fromOutput(image.profile, await runImage(image), image.hostName));
  return results;
}

/** Every host of a profile must match that profile's first host (the Node loader host). */
export function compare(hosts: HostResult[]): boolean {
  return hosts.every((h) => {
    const reference = hosts.find((r) => r.profile === h.profile);
    return !h.error && reference !== undefined && h.hash === reference.hash && h.events === reference.events;
  });
}

export async function runConformance(): Promise<ConformanceResult> {
  const scenario = loadScenario();
  const hosts = [...await nodeHosts(scenario), await componentHost(scenario), ...await firmwareHosts()];
  const order = (h: HostResult) => (h.profile === "release" ? 0 : 1);
  hosts.sort((a, b) => order(a) - order(b));
  return { hosts, agree: compare(hosts) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { hosts, agree } = await runConformance();
  for (const h of hosts) {
    console.log(h.error ? `host ${h.host} FAILED ${h.error}` : `host ${h.host} events ${h.events} hash ${h.hash}`);
  }
  console.log(agree ? "conformance: every host agrees" : "conformance: hosts DIFFER");
  process.exitCode = agree ? 0 : 1;
}
