// Finding a command before spawning it, so "not found" and "not executable" are clear messages
// instead of a shell's exit 127/126, and turning an exit (code or signal) into the kernel's
// status (code >= 0, or the signal number negated).
import { accessSync, statSync, constants as fsConstants } from "node:fs";
import { constants as osConstants } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";

export type Resolved = { ok: true; path: string } | { ok: false; status: 126 | 127; message: string };

/** Resolves `command` against `cwd` (when it has a slash) or the PATH (when it has none). */
export function resolveCommand(command: string, cwd: string, pathVariable: string | undefined): Resolved {
  if (command === "") return { ok: false, status: 127, message: "the command is empty" };
  if (command.includes("/")) {
    const path = isAbsolute(command) ? command : resolve(cwd, command);
    return checkFile(path, `'${command}'`);
  }
  let notExecutable: Resolved | undefined;
  for (const dir of (pathVariable ?? "").split(delimiter)) {
    if (!dir) continue;
    const found = checkFile(join(dir, command), `'${command}' (found at ${join(dir, command)})`);
    if (found.ok) return found;
    if (found.status === 126) notExecutable ??= found;
  }
  return notExecutable ?? { ok: false, status: 127, message: `command '${command}' was not found on the PATH` };
}

function checkFile(path: string, label: string): Resolved {
  let mode: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { ok: false, status: 126, message: `command ${label} is a directory` };
    mode = stat.mode;
  } catch {
    return { ok: false, status: 127, message: `command ${label} does not exist` };
  }
  try {
    accessSync(path, fsConstants.X_OK);
  } catch {
    return { ok: false, status: 126, message: `command ${label} is not executable (mode ${(mode & 0o777).toString(8)})` };
  }
  return { ok: true, path };
}

/** Checks that `cwd` is a directory; returns a message when it is not. */
export function checkDirectory(cwd: string): string | undefined {
  try {
    if (!statSync(cwd).isDirectory()) return `working directory '${cwd}' is not a directory`;
  } catch {
    return `working directory '${cwd}' does not exist`;
  }
  return undefined;
}

/** The kernel's exit status: the code, or the signal's number negated (SIGKILL -> -9). */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (signal) return -(osConstants.signals[signal] ?? 1);
  return code ?? 0;
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(osConstants.signals).map(([name, n]) => [n, name]));

/** "exit code 3", "SIGKILL". */
export function describeStatus(status: number): string {
  return status >= 0 ? `exit code ${status}` : (SIGNAL_NAMES.get(-status) ?? `signal ${-status}`);
}
