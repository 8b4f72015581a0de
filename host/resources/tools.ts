// The real tools the resource enforcement runs, found on PATH once; a missing one is an error
// naming the Debian package that has it, never a silent skip.
import { accessSync, constants } from "node:fs";
import { join } from "node:path";

const found = new Map<string, string>();

export class MissingToolError extends Error {
  constructor(tool: string, pkg: string) {
    super(`${tool} is not installed: it enforces per-service limits (install the Debian package ${pkg})`);
    this.name = "MissingToolError";
  }
}

export function findTool(tool: string, pkg: string): string {
  const known = found.get(tool);
  if (known) return known;
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":").concat(["/usr/bin", "/bin", "/usr/sbin", "/sbin"])) {
    const path = join(dir || ".", tool);
    try {
      accessSync(path, constants.X_OK);
      found.set(tool, path);
      return path;
    } catch { /* next */ }
  }
  throw new MissingToolError(tool, pkg);
}
