// The Node host's whole run, in the order of the firmware's main.c: the conformance replay, two
// fault rounds each followed by a restart and a replay that must hash the same.
import { LoaderKernel } from "./loader-port.ts";
import { VirtualHal } from "./hal.ts";
import { replay, type ReplayResult } from "../conformance/replay.ts";
import type { Scenario } from "../conformance/scenario.ts";
import { FAULT_ROUNDS, injectFault, type TrapReport } from "../conformance/faults.ts";

export interface NodeHostRun { first: ReplayResult; traps: (TrapReport | null)[]; restarts: ReplayResult[] }

/** Replays the scenario on a kernel over a fresh virtual HAL. */
export async function replayOnLoader(wasmPath: string, scenario: Scenario): Promise<{ kernel: LoaderKernel; result: ReplayResult }> {
  const kernel = await LoaderKernel.create(wasmPath, new VirtualHal(scenario.seed));
  return { kernel, result: replay(kernel, kernel.hal, scenario) };
}

export async function runNodeHost(wasmPath: string, scenario: Scenario): Promise<NodeHostRun> {
  const { kernel, result: first } = await replayOnLoader(wasmPath, scenario);
  const traps: (TrapReport | null)[] = [];
  const restarts: ReplayResult[] = [];
  for (const round of FAULT_ROUNDS) {
    traps.push(injectFault(kernel, round));
    kernel.hal.reset(scenario.seed);
    await kernel.restart();
    restarts.push(replay(kernel, kernel.hal, scenario));
  }
  return { first, traps, restarts };
}
