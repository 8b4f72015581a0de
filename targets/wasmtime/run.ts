// Runs the wasmtime host (host.py, wasmtime-py under Cranelift) from TypeScript: the core
// module of a profile or the component, on a program file, and reads the line it prints.
// The Python environment is made by `.ci/run` (python3 -m venv .venv-wasmtime, then
// pip install wasmtime); a missing one is an error that says how to make it, never a skip.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { command } from "../tools/toolchain.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const HOST = join(root, "targets/wasmtime/host.py");
export const VENV = join(root, ".venv-wasmtime");
const TIMEOUT_MS = 300_000;

export class MissingWasmtimeError extends Error {
  constructor(python: string, detail: string) {
    super(`the wasmtime host needs the Python package wasmtime (wasmtime-py) in ${python}: run ` +
      `\`python3 -m venv ${VENV} && ${VENV}/bin/pip install wasmtime\` (.ci/run does this), or point MYCO_WASMTIME_PYTHON ` +
      `at a python that has it${detail ? ` (${detail})` : ""}`);
    this.name = "MissingWasmtimeError";
  }
}

/** The python that runs host.py: $MYCO_WASMTIME_PYTHON, else the repository's .venv-wasmtime. */
export async function wasmtimePython(): Promise<string> {
  const python = process.env.MYCO_WASMTIME_PYTHON ?? join(VENV, "bin/python");
  if (!existsSync(python)) throw new MissingWasmtimeError(python, "no such file");
  const probe = await command(python, ["-c", "import wasmtime"]);
  if (probe.code !== 0) throw new MissingWasmtimeError(python, probe.stderr.trim().split("\n").at(-1) ?? "");
  return python;
}

export interface WasmtimeLine { name: string; calls: number; events: number; hash: string; eventHash: string }

/** Replays `program` (a file) on the core module `module` or the component; throws with the host's output on failure. */
export async function runWasmtime(kind: "core" | "component", module: string, program: string, name: string): Promise<WasmtimeLine> {
  const python = await wasmtimePython();
  const result = await command(python, [HOST, kind, module, program, name], { timeoutMs: TIMEOUT_MS });
  const text = result.stdout + result.stderr;
  const m = /^host (\S+) calls (\d+) events (\d+) hash ([0-9a-f]{16}) event-hash ([0-9a-f]{16})$/m.exec(text);
  if (result.code !== 0 || !m) throw new Error(`wasmtime ${kind} host failed (exit ${result.code}):\n${text}`);
  return { name: m[1], calls: Number(m[2]), events: Number(m[3]), hash: m[4], eventHash: m[5] };
}
