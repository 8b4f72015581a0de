// The conformance programs the hosts replay, each a scenario recorded on one profile's kernel and
// written to targets/conformance/build/<name>.program, where the C build
// (targets/firmware/tools/gen-scenario.ts) and the wasmtime host read it:
//   all-layers  scenario/all-layers.ts, recorded on mcu (the smallest capacities with every layer,
//               so the same program also fits release); replayed by the release and mcu hosts
//   tiny        scenario/tiny.ts, recorded on tiny (issue 16: only what the tiny profile
//               contains); replayed by the tiny hosts, its hash committed below
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeProgram, type Program } from "./program.ts";
import type { Recording } from "./recorder.ts";
import { recordAllLayers } from "./scenario/all-layers.ts";
import { recordTiny } from "./scenario/tiny.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
export const PROGRAM_DIR = join(root, "targets/conformance/build");
export const PROGRAM_PATH = join(PROGRAM_DIR, "all-layers.program");
/** The profile the all-layers scenario is recorded on. */
export const RECORDING_PROFILE = "mcu";

export const PROGRAMS = {
  "all-layers": { profile: RECORDING_PROFILE, record: recordAllLayers },
  tiny: { profile: "tiny", record: recordTiny },
} as const satisfies Record<string, { profile: string; record: (wasmPath: string) => Recording }>;
export type ProgramName = keyof typeof PROGRAMS;

/**
 * The tiny program's answers as recorded on build/tiny.wasm: every tiny host must reproduce
 * them, and a change to the tiny kernel's behaviour (or to the scenario) shows here first.
 */
export const TINY_EXPECTED = { calls: 3343, events: 313, hash: "a9c7ab86a457d2b7", eventHash: "10533d18aaf920a0" } as const;

export interface BuiltProgram { name: ProgramName; program: Program; bytes: Uint8Array; path: string; hash: string; eventHash: string; calls: number; events: number }

const built = new Map<ProgramName, BuiltProgram>();

/** Records the named scenario (once per process) and writes the program file; returns both forms. */
export function buildProgram(name: ProgramName = "all-layers"): BuiltProgram {
  const done = built.get(name);
  if (done) return done;
  const recording = PROGRAMS[name].record(join(root, `build/${PROGRAMS[name].profile}.wasm`));
  const bytes = encodeProgram(recording.program);
  const path = join(PROGRAM_DIR, `${name}.program`);
  mkdirSync(PROGRAM_DIR, { recursive: true });
  // Test files run in parallel processes: a reader never sees a half-written file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
  const result: BuiltProgram = { name, program: recording.program, bytes, path, hash: recording.hash, eventHash: recording.eventHash,
    calls: recording.calls, events: recording.events };
  built.set(name, result);
  return result;
}

/** The program a build profile's hosts replay. */
export const programOf = (profile: string): ProgramName => (profile === "tiny" ? "tiny" : "all-layers");
