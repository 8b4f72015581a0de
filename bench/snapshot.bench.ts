// Snapshot and restore per profile: the snapshot's size, the time to take it (CRC-32 over the
// state, read out in I/O-buffer chunks) and to restore it (verify pass, apply pass), and the
// kernel upgrade's pause: from the moment the host stops feeding the old kernel (the take
// begins) to the moment the new one answers (restored, self-checked, adopted, its first call
// returned), over PAUSES upgrades (release: 200, each measured with hrtime and process.cpuUsage):
// the median and the 99th percentile of the wall time and of the host process's CPU time, with
// its parts. The goal (<= 5 ms, bench/goals.ts) names the wall median; on a shared machine the
// wall time adds the waits for a core, which the CPU time leaves out. Compiling and instantiating
// the new module happen before the pause while the old kernel still runs (reported beside it). The peer
// is the floor a host could reach without the kernel's checks: a bare copy of the module's whole
// memory (`Uint8Array.slice`).
import { Kernel, VirtualHal, KernelManifest, type Profile } from "../host/index.ts";
import { loadModule } from "../host/kernel/module.ts";
import { takeSnapshot, restoreSnapshot, upgradeKernel, prepareUpgrade, type UpgradeResult } from "../host/kernel/snapshot.ts";
import { parseManifestFile } from "../host/manifest/parse.ts";
import { encodeManifest } from "../host/manifest/blob.ts";
import { measureOnce, lowerIsBetter, type BenchRow } from "./harness.ts";

const PROFILES: Profile[] = ["release", "bench"];
/** Upgrades measured per profile: release's pause is a few ms; bench's (14 MiB of state) about a second. */
const PAUSES: Record<Profile, number> = { release: 200, bench: 15, mcu: 0, debug: 0, fleet: 0, tiny: 0 };

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const median = (values: number[]): number => quantile(values, 0.5);
const EXAMPLE = new URL("../examples/edge-gateway/services.yaml", import.meta.url).pathname;

function running(profile: Profile): Kernel {
  const kernel = new Kernel({ hal: new VirtualHal(7), profile });
  const { manifest } = parseManifestFile(EXAMPLE);
  if (!manifest) throw new Error(`${EXAMPLE} does not parse`);
  new KernelManifest(kernel).load(encodeManifest(manifest));
  kernel.startAll();
  for (const action of kernel.drainActions()) if (action.kind === "spawn") kernel.instanceStarted(action.instance);
  return kernel;
}

const plain = (name: string, value: number): BenchRow => ({ name, unit: "ms", value, peer: null, peerValue: null, ratio: null });

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const profile of PROFILES) {
    const kernel = running(profile);
    const bytes = takeSnapshot(kernel);
    const memory = () => new Uint8Array(kernel.exports.memory.buffer).slice();
    const copyMs = measureOnce(memory, 9);
    rows.push({ name: `snapshot (${profile}): size`, unit: "KiB", value: bytes.length / 1024, peer: null, peerValue: null, ratio: null });
    rows.push(lowerIsBetter(`snapshot (${profile}): take`, "ms", measureOnce(() => takeSnapshot(kernel), 9), "copy of the whole memory", copyMs));
    const fresh = new Kernel({ hal: new VirtualHal(7), profile });
    rows.push(lowerIsBetter(`snapshot (${profile}): restore (verify + apply)`, "ms", measureOnce(() => restoreSnapshot(fresh, bytes), 9),
      "copy of the whole memory", copyMs));
    const module = loadModule(profile);
    const results: UpgradeResult[] = [];
    const prepares: number[] = [];
    const cpus: number[] = []; // the pause's CPU time: on a loaded machine the wall clock adds the waits for a core
    for (let i = 0; i < PAUSES[profile]; i++) {
      const started = performance.now();
      const prepared = prepareUpgrade(kernel, module);
      prepares.push(performance.now() - started);
      const cpu = process.cpuUsage();
      results.push(upgradeKernel(kernel, prepared));
      const used = process.cpuUsage(cpu);
      cpus.push((used.user + used.system) / 1000);
    }
    const pauses = results.map((r) => r.pauseMs);
    const part = (key: "takeMs" | "restoreMs" | "checkMs") => median(results.map((r) => r[key]));
    rows.push(lowerIsBetter(`kernel upgrade (${profile}): pause`, "ms", median(pauses), "copy of the whole memory", copyMs));
    rows.push(plain(`kernel upgrade (${profile}): pause, 99th percentile`, quantile(pauses, 0.99)));
    rows.push(plain(`kernel upgrade (${profile}): pause, CPU time of the host process`, median(cpus)));
    rows.push(plain(`kernel upgrade (${profile}): pause, CPU time, 99th percentile`, quantile(cpus, 0.99)));
    rows.push(plain(`kernel upgrade (${profile}): pause part, take`, part("takeMs")));
    rows.push(plain(`kernel upgrade (${profile}): pause part, restore (verify + apply)`, part("restoreMs")));
    rows.push(plain(`kernel upgrade (${profile}): pause part, self-check and swap`, part("checkMs")));
    rows.push(plain(`kernel upgrade (${profile}): instantiate, before the pause`, median(prepares)));
  }
  return rows;
}
