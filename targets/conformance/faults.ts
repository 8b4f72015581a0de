// Fault injection, the same on every host that can reach the kernel's memory (the Node loader
// host here, the C host in targets/firmware/src/main.c): a stray write fills the kernel's tables
// (the heap past the I/O buffer) with one byte value, then probes run in order until one traps.
// The same corruption must trap alike everywhere; the test compares the reports.
import type { LoaderKernel } from "../node/loader-port.ts";
import { KernelTrap } from "../node/trap.ts";

export interface FaultRound { fill: number; probes: [string, ...number[]][] }

export const FAULT_ROUNDS: FaultRound[] = [
  { fill: 0x7f, probes: [["serviceStop", 0], ["serviceRestart", 0], ["tick"]] },
  { fill: 0xff, probes: [["order"], ["reset"], ["serviceName", 0]] },
];

/** A trap as main.c prints it: `trap <call> kind <kind> abort "<message>" at <file>:<line>:<column>`. */
export interface TrapReport { call: string; kind: string; abort: string; at: string }

export function corruptTables(kernel: LoaderKernel, fill: number): void {
  const io = kernel.call("ioBuffer");
  const top = kernel.call("heapHighWater");
  kernel.memoryBytes().fill(fill, io + kernel.call("ioCapacity"), top);
}

/** Corrupts, then probes; returns the first trap (null if no probe trapped). */
export function injectFault(kernel: LoaderKernel, round: FaultRound): TrapReport | null {
  corruptTables(kernel, round.fill);
  for (const [call, ...args] of round.probes) {
    try {
      kernel.call(call, ...args);
    } catch (error) {
      if (!(error instanceof KernelTrap)) throw error;
      const abort = error.abort;
      return { call, kind: error.kind, abort: abort?.message ?? "", at: abort ? `${abort.file}:${abort.line}:${abort.column}` : ":0:0" };
    }
  }
  return null;
}
