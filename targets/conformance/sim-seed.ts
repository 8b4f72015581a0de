// A `myco sim` seed as a conformance program: the seeded simulator (host/sim) runs as usual
// through the typed Kernel of host/, while a recorder stands in for the kernel's exports and
// notes every call, the clock and the wake time of every sleep. Replayed on any host with the
// same virtual HAL (splitmix32 seeded with the simulator's seed), the kernel logs the very
// events the simulator saw.
import { runSeed, type SimResult } from "../../host/sim/run.ts";
import type { Simulation } from "../../host/executors/simulation.ts";
import { WAKE_NONE } from "./determinism.ts";
import { Recorder, type Recording } from "./recorder.ts";

export interface SeedRecording extends Recording { sim: SimResult }

/** Attaches a recorder to a simulation's kernel and HAL (before anything ran). */
export function attachRecorder(sim: Simulation): Recorder {
  const hal = sim.hal;
  const recorder = new Recorder(hal.seed, {
    nowMs: () => hal.nowMs(),
    wakeMs: () => { const at = hal.nextTaskAt(); return at === undefined ? WAKE_NONE : BigInt(at); },
  });
  const sleep = hal.sleepMs.bind(hal);
  hal.sleepMs = (ms: number) => { recorder.noteSleep(); return sleep(ms); };
  // The typed Kernel reads `exports` at every call: the recording stand-in takes its place.
  const kernel = sim.kernel as unknown as { exports: object };
  kernel.exports = recorder.wrap(kernel.exports);
  return recorder;
}

/** Runs simulator seed `seed` (release profile) and returns its run as a program. */
export function recordSeed(seed: number, steps: number): SeedRecording {
  let recorder: Recorder | null = null;
  const sim = runSeed(seed, { steps, profile: "release", onSimulation: (s) => { recorder = attachRecorder(s); } });
  if (!recorder) throw new Error(`seed ${seed}: the simulator never built its simulation`);
  return { ...(recorder as Recorder).finish(), sim };
}
