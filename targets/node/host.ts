// The Node host's whole run, in the order of the firmware's main.c: the conformance program,
// two fault rounds each followed by a restart and a replay that must hash the same.
import { LoaderKernel } from "./loader-port.ts";
import { VirtualHal } from "./hal.ts";
import { replay, type ReplayResult } from "../conformance/replay.ts";
import type { Program } from "../conformance/program.ts";
import { FAULT_ROUNDS, injectFault, type TrapReport } from "../conformance/faults.ts";

export interface NodeHostRun { first: ReplayResult; traps: (TrapReport | null)[]; restarts: ReplayResult[] }

/** Replays the program on a kernel over a fresh virtual HAL. */
export async function replayOnLoader(wasmPath: string, program: Program): Promise<{ kernel: LoaderKernel; result: ReplayResult }> {
  const kernel = await LoaderKernel.create(wasmPath, new VirtualHal(program.seed));
  return { kernel, result: replay(kernel, kernel.hal, program) };
}

export async function runNodeHost(wasmPath: string, program: Program): Promise<NodeHostRun> {
  const { kernel, result: first } = await replayOnLoader(wasmPath, program);
  const traps: (TrapReport | null)[] = [];
  const restarts: ReplayResult[] = [];
  for (const round of FAULT_ROUNDS) {
    traps.push(injectFault(kernel, round));
    kernel.hal.reset();
    await kernel.restart();
    restarts.push(replay(kernel, kernel.hal, program));
  }
  return { first, traps, restarts };
}
