// `myco upgrade-kernel [FILE.wasm]` in a running `myco run` (like systemd's daemon-reexec): the
// kernel module is replaced under the supervisor, whose children, gateway connections and event
// log carry on untouched. The kernel state crosses as a snapshot (host/kernel/snapshot.ts); a
// module that does not compile or instantiate, refuses the snapshot or fails the self-check
// leaves the old kernel in charge, and the answer says why.
import { readFileSync, existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Supervisor } from "./supervisor.ts";
import { modulePath } from "../kernel/module.ts";
import { setImmediate as nextTurn } from "node:timers/promises";
import { prepareUpgrade, upgradeKernel, type PreparedUpgrade, type UpgradeResult } from "../kernel/snapshot.ts";

export interface KernelUpgrade extends UpgradeResult {
  /** The module file now running. */
  file: string;
  /** The kernel's next event sequence number before and after (no gap: equal). */
  eventSeq: number;
}

/**
 * Replaces the running kernel by the module in `file` (default: the build of the run's profile).
 * The module is compiled (off the main thread) and instantiated before the pause, and the event
 * loop turns once in between, so the old kernel keeps answering its host until the take.
 */
export async function upgradeRunningKernel(supervisor: Supervisor, file?: string): Promise<KernelUpgrade> {
  const path = file === undefined ? modulePath(supervisor.kernel.profile) : resolve(file);
  if (!existsSync(path)) throw new Error(`kernel module ${path} does not exist`);
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(readFileSync(path));
  } catch (error) {
    throw new Error(`kernel module ${path} is not a valid WebAssembly module (${(error as Error).message}); the running kernel stays`);
  }
  let prepared: PreparedUpgrade;
  try {
    prepared = prepareUpgrade(supervisor.kernel, module);
  } catch (error) {
    throw new Error(`kernel module ${path} does not instantiate (${(error as Error).message}); the running kernel stays`);
  }
  await nextTurn(); // the host feeds the old kernel what arrived meanwhile
  const before = supervisor.kernel.exports.eventsNextSeq();
  let result: UpgradeResult;
  try {
    result = upgradeKernel(supervisor.kernel, prepared);
  } catch (error) {
    throw new Error(`kernel module ${path} was not taken: ${(error as Error).message}; the running kernel stays`);
  }
  const after = supervisor.kernel.exports.eventsNextSeq();
  if (after !== before) throw new Error(`the upgraded kernel's event sequence is ${after}, the old one's was ${before}`);
  supervisor.note("info", `kernel upgraded to ${path}: ${result.snapshotBytes} bytes of state carried over, ${result.pauseMs.toFixed(2)} ms pause`);
  return { ...result, file: path, eventSeq: after };
}
