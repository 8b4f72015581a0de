// Reading a running supervisor's manifest file again (`myco reload`, SIGHUP to `myco run`): the
// same file, parsed the same way (config sources, templates), checked like at the start. The
// kernel then diffs it against what runs (assembly/manifest/apply.ts).
import { resolve, basename } from "node:path";
import { loadHostManifest, type HostManifest } from "./host-manifest.ts";
import type { ParseOptions } from "../manifest/parse.ts";
import { formatDiagnostic } from "../manifest/diagnostics.ts";

export class ManifestFileError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`${file}: ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing changed:\n${problems.join("\n")}`);
    this.name = "ManifestFileError";
  }
}

/** The manifest `current` came from, read again; throws ManifestFileError with every problem. */
export function rereadHostManifest(current: HostManifest, options: ParseOptions = {}): HostManifest {
  const { hostManifest, diagnostics } = loadHostManifest(resolve(current.dir, basename(current.file)), options);
  if (!hostManifest) throw new ManifestFileError(current.file, diagnostics.map(formatDiagnostic));
  return { ...hostManifest, file: current.file };
}
