// This machine's capacity, detected: cpu (the cores the host may use, or its cgroup's cpu
// quota), memory (total, or the cgroup's limit when lower), storage free under the working
// directory, open files and pids the system allows. A `myco run --capacity` option or the
// supervisor's `capacity` option overrides any of them; a dimension left 0 is not counted.
import { availableParallelism, totalmem } from "node:os";
import { readFileSync, statfsSync } from "node:fs";
import type { ResourceVector } from "../kernel/placement.ts";

const MIB = 1024 * 1024;

function readNumber(path: string): number | undefined {
  try {
    const value = Number(readFileSync(path, "utf8").trim().split(/\s+/)[0]);
    return Number.isFinite(value) ? value : undefined;
  } catch { return undefined; }
}

/** The memory limit of the group this process runs in (v1), when it is a real limit. */
function cgroupMemoryMiB(): number | undefined {
  try {
    const line = readFileSync("/proc/self/cgroup", "utf8").split("\n").find((l) => /:memory:/.test(l));
    const own = line?.split(":")[2];
    const limit = readNumber(`/sys/fs/cgroup/memory${own ?? ""}/memory.limit_in_bytes`) ?? readNumber("/sys/fs/cgroup/memory.max");
    return limit && limit < 2 ** 52 ? Math.floor(limit / MIB) : undefined;
  } catch { return undefined; }
}

export function detectCapacity(cwd = process.cwd()): ResourceVector {
  const memory = Math.floor(totalmem() / MIB);
  const limited = cgroupMemoryMiB();
  let storage = 0;
  try { const fs = statfsSync(cwd); storage = Math.floor((fs.bavail * fs.bsize) / MIB); } catch { /* unknown: not counted */ }
  return {
    cpu: availableParallelism() * 1000,
    memory: limited !== undefined ? Math.min(memory, limited) : memory,
    storage,
    fds: readNumber("/proc/sys/fs/file-max") ?? 0,
    pids: readNumber("/proc/sys/kernel/pid_max") ?? 0,
  };
}

const SIZE_UNITS: Record<string, number> = { "": 1 / MIB, b: 1 / MIB, kib: 1 / 1024, kb: 1 / 1024, k: 1 / 1024, mib: 1, mb: 1, m: 1, gib: 1024, gb: 1024, g: 1024 };

/** `cpu=2,memory=4GiB,fds=4096` (cpu in cores; sizes with a unit; counts plain). */
export function parseCapacity(text: string): ResourceVector {
  const capacity: ResourceVector = {};
  for (const part of text.split(",").filter(Boolean)) {
    const [key, value] = part.split("=");
    const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value?.trim() ?? "");
    if (!match) throw new Error(`--capacity: '${part}' is not resource=amount (e.g. cpu=2, memory=4GiB)`);
    const amount = Number(match[1]);
    const unit = match[2].toLowerCase();
    if (key === "cpu") capacity.cpu = Math.round(amount * 1000);
    else if (key === "memory" || key === "storage" || key === "scratch") {
      if (!(unit in SIZE_UNITS)) throw new Error(`--capacity: unknown size unit '${match[2]}' in '${part}'`);
      capacity[key] = Math.floor(amount * SIZE_UNITS[unit]);
    } else if (["iops", "bandwidth", "connections", "gpu", "fds", "pids"].includes(key)) capacity[key as "fds"] = Math.floor(amount);
    else throw new Error(`--capacity: unknown resource '${key}' (cpu, memory, storage, scratch, iops, bandwidth, connections, gpu, fds, pids)`);
  }
  return capacity;
}
