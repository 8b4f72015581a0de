// The command-line tools the targets need, each with the Debian package that provides it, so a
// missing tool fails the build with a message that says what to install (.ci/run installs them).
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export const TOOLS = {
  "wasm2c": "wabt",
  "arm-none-eabi-gcc": "gcc-arm-none-eabi",
  "arm-none-eabi-size": "binutils-arm-none-eabi (with gcc-arm-none-eabi)",
  "qemu-system-arm": "qemu-system-arm",
  "valgrind": "valgrind",
  "gcc": "gcc",
  "size": "binutils",
} as const;
export type Tool = keyof typeof TOOLS;

export class MissingToolError extends Error {
  constructor(readonly tool: Tool) {
    super(`${tool} is not installed: install the Debian package ${TOOLS[tool]} (apt-get install ${TOOLS[tool].split(" ")[0]})`);
    this.name = "MissingToolError";
  }
}

const found = new Map<Tool, boolean>();

export async function hasTool(tool: Tool): Promise<boolean> {
  let ok = found.get(tool);
  if (ok === undefined) {
    ok = await run("sh", ["-c", `command -v ${tool}`]).then(() => true, () => false);
    found.set(tool, ok);
  }
  return ok;
}

export async function requireTool(tool: Tool): Promise<void> {
  if (!(await hasTool(tool))) throw new MissingToolError(tool);
}

/** The newlib nano/semihosting specs come from a separate Debian package than the compiler. */
export async function requireNewlib(): Promise<void> {
  await requireTool("arm-none-eabi-gcc");
  const { stdout } = await run("arm-none-eabi-gcc", ["-print-file-name=nano.specs"]);
  if (stdout.trim() === "nano.specs") {
    throw new Error("newlib for arm-none-eabi is not installed: install the Debian package libnewlib-arm-none-eabi");
  }
}

export interface CommandResult { stdout: string; stderr: string; code: number }

/** Runs a command; a non-zero exit is returned, not thrown, so callers can report the output. */
export async function command(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: options.cwd, timeout: options.timeoutMs, maxBuffer: 64 << 20 });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; code?: number | string; killed?: boolean; signal?: string };
    if (e.code === "ENOENT") throw new Error(`${file}: not found`);
    const code = typeof e.code === "number" ? e.code : -1;
    const why = e.killed ? `\n(killed by ${e.signal ?? "a signal"}: timed out?)` : "";
    return { stdout: e.stdout ?? "", stderr: (e.stderr ?? "") + why, code };
  }
}

/** As `command`, throwing with the command line and its output when it fails. */
export async function mustRun(file: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  const result = await command(file, args, options);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(" ")} failed (exit ${result.code}):\n${result.stdout}${result.stderr}`);
  }
  return result;
}
