// Usage of whole process groups from /proc, without native addons: one pass over /proc/*/stat
// sums, per process group, the resident set (RSS), the processes and the cpu ticks; open file
// descriptors are counted from /proc/PID/fd when asked. Every instance leads its own group
// (host/executors/process.ts spawns with setsid), so a group is an instance with all it forked.
import { readdirSync, readFileSync } from "node:fs";

const PAGE_BYTES = 4096;
const CLOCK_TICKS_PER_S = 100;

export interface GroupUsage {
  rssBytes: number;
  pids: number;
  cpuTicks: number;
  members: number[];
}

/** Usage of each wanted process group (by its leader's pid) in one pass over /proc. */
export function sampleGroups(groups: Set<number>): Map<number, GroupUsage> {
  const usage = new Map<number, GroupUsage>();
  if (groups.size === 0) return usage;
  let entries: string[];
  try { entries = readdirSync("/proc"); } catch { return usage; }
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try { stat = readFileSync(`/proc/${entry}/stat`, "latin1"); } catch { continue; } // it exited meanwhile
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const group = Number(fields[2]);
    if (!groups.has(group)) continue;
    let row = usage.get(group);
    if (!row) usage.set(group, (row = { rssBytes: 0, pids: 0, cpuTicks: 0, members: [] }));
    row.rssBytes += Number(fields[21]) * PAGE_BYTES;
    row.cpuTicks += Number(fields[11]) + Number(fields[12]);
    row.pids++;
    row.members.push(Number(entry));
  }
  return usage;
}

/** Open file descriptors of the group's processes. */
export function countFds(members: number[]): number {
  let fds = 0;
  for (const pid of members) {
    try { fds += readdirSync(`/proc/${pid}/fd`).length; } catch { /* exited */ }
  }
  return fds;
}

/** Cpu millicores used between two tick counts `elapsedMs` apart. */
export function millicores(ticksBefore: number, ticksNow: number, elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  return Math.round((((ticksNow - ticksBefore) / CLOCK_TICKS_PER_S) * 1_000_000) / elapsedMs);
}
