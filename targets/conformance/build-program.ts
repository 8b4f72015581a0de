// The conformance program every host replays: the all-layer scenario (scenario/all-layers.ts)
// recorded on the mcu profile's kernel (the smallest capacities, so the same program also fits
// release) and written to targets/conformance/build/all-layers.program, where the C build
// (targets/firmware/tools/gen-scenario.ts) and the wasmtime host read it.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeProgram, type Program } from "./program.ts";
import { recordAllLayers } from "./scenario/all-layers.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const PROGRAM_DIR = join(root, "targets/conformance/build");
export const PROGRAM_PATH = join(PROGRAM_DIR, "all-layers.program");
/** The profile the scenario is recorded on. */
export const RECORDING_PROFILE = "mcu";

export interface BuiltProgram { program: Program; bytes: Uint8Array; path: string; hash: string; events: number }

let built: BuiltProgram | null = null;

/** Records the scenario (once per process) and writes the program file; returns both forms. */
export function buildProgram(): BuiltProgram {
  if (built) return built;
  const recording = recordAllLayers(join(root, `build/${RECORDING_PROFILE}.wasm`));
  const bytes = encodeProgram(recording.program);
  mkdirSync(PROGRAM_DIR, { recursive: true });
  // Test files run in parallel processes: a reader never sees a half-written file.
  const temporary = `${PROGRAM_PATH}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, PROGRAM_PATH);
  built = { program: recording.program, bytes, path: PROGRAM_PATH, hash: recording.hash, events: recording.events };
  return built;
}
