// The conformance replay: runs a program (program.ts) against a kernel on the virtual HAL and
// hashes what the kernel answers. targets/firmware/src/replay.c and targets/wasmtime/host.py
// are its twins, step for step: change all three or none.
//
//   hash        FNV-1a 64 over every call's result slot (8 bytes, little-endian) followed by
//               the bytes the call wrote to the I/O buffer (result * out-unit, when positive):
//               events, actions, picks, query results, statistics, names, errors alike
//   event hash  FNV-1a 64 over the event-log records alone (the export flagged FLAG_EVENT_LOG),
//               comparable with the event log of a simulator run
import type { KernelPort } from "./port.ts";
import { FLAG_EVENT_LOG, type Program } from "./program.ts";
import { Fnv1a64, type ReplayHal } from "./determinism.ts";
import { slotBytes } from "./slots.ts";

export interface ReplayResult { calls: number; events: number; hash: string; eventHash: string }

export function replay(kernel: KernelPort, hal: ReplayHal, program: Program): ReplayResult {
  const hash = new Fnv1a64();
  const eventHash = new Fnv1a64();
  let calls = 0;
  let events = 0;
  for (const step of program.steps) {
    switch (step.kind) {
      case "io": kernel.writeIo(step.bytes); break;
      case "clock": hal.nowMs = step.ms; break;
      case "wake": hal.wakeMs = step.ms; break;
      case "call": {
        const fn = program.exports[step.index];
        const { result, out } = kernel.callExport(fn, step.args);
        calls++;
        hash.update(slotBytes(result));
        hash.update(out);
        if (fn.flags & FLAG_EVENT_LOG) {
          eventHash.update(out);
          events += Number(result);
        }
        break;
      }
    }
  }
  return { calls, events, hash: hash.hex(), eventHash: eventHash.hex() };
}
