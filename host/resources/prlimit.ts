// Per-process limits at spawn through util-linux `prlimit` (no native addon): the open file
// descriptors (RLIMIT_NOFILE: an instance past it gets EMFILE, nothing else is touched) and the
// core file size (RLIMIT_CORE). The result is a command prefix the spawn execs through.
import { findTool } from "./tools.ts";

export interface ProcessLimits {
  fds?: number;
  /** Core file size limit in MiB (0: no core files). */
  coreMiB?: number;
}

/** `prlimit --nofile=N:N --core=B:B --` when a limit is set; [] otherwise. Throws when prlimit is missing. */
export function prlimitPrefix(limits: ProcessLimits): string[] {
  const args: string[] = [];
  if (limits.fds) args.push(`--nofile=${limits.fds}:${limits.fds}`);
  if (limits.coreMiB !== undefined) args.push(`--core=${limits.coreMiB * 1024 * 1024}:${limits.coreMiB * 1024 * 1024}`);
  if (args.length === 0) return [];
  return [findTool("prlimit", "util-linux"), ...args, "--"];
}
