// Linux control groups, detected, not assumed: cgroup v2 (one unified hierarchy whose
// cgroup.controllers lists memory, cpu, pids and whose subtree we may enable) or v1 (one
// hierarchy per controller: memory, cpu, pids), each controller usable only when a child group
// can be made under the group this host already runs in (/proc/self/cgroup), so the host never
// leaves the accounting it was put in. One group per instance, `myco-<host pid>/<service>.<n>`:
//   memory  v2 memory.max          v1 memory.limit_in_bytes (+ memsw when present)
//   cpu     v2 cpu.max "q p"       v1 cpu.cfs_quota_us / cpu.cfs_period_us
//   pids    v2 pids.max            v1 pids.max
// A spawn joins its group before it execs (an `sh` step writes its pid to cgroup.procs), so
// nothing it forks escapes: a fork bomb meets pids.max at once.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export type CgroupController = "memory" | "cpu" | "pids";
export const CONTROLLERS: readonly CgroupController[] = ["memory", "cpu", "pids"];
const ROOT = "/sys/fs/cgroup";
const CPU_PERIOD_US = 100_000;

export interface CgroupLimits {
  memoryMiB?: number;
  cpuMillicores?: number;
  pids?: number;
}

export interface CgroupSupport {
  version: 1 | 2 | null;
  /** The controller's directory for this host's groups (`.../myco-<pid>`), per usable controller. */
  bases: Partial<Record<CgroupController, string>>;
  /** Why a controller is not usable (for `myco status`). */
  missing: Partial<Record<CgroupController, string>>;
}

/** The cgroup path (relative to a hierarchy) this process is in, per v1 controller and for v2 (key ""). */
function ownGroups(): Map<string, string> {
  const groups = new Map<string, string>();
  try {
    for (const line of readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      const [, controllers, path] = line.split(":");
      if (path === undefined) continue;
      for (const c of controllers.split(",")) groups.set(c, path);
    }
  } catch { /* not Linux */ }
  return groups;
}

/** Makes the directory; null when it exists now, else why not (an errno code). */
function makeBase(dir: string): string | null {
  try {
    mkdirSync(dir, { recursive: true });
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "denied";
  }
}

function detectV2(groups: Map<string, string>, hostId: string): CgroupSupport | null {
  const own = groups.get("");
  const here = own !== undefined ? join(ROOT, own) : ROOT;
  const controllersFile = join(here, "cgroup.controllers");
  if (!existsSync(join(ROOT, "cgroup.controllers")) || !existsSync(controllersFile)) return null;
  const available = readFileSync(controllersFile, "utf8").trim().split(/\s+/);
  const support: CgroupSupport = { version: 2, bases: {}, missing: {} };
  const base = join(here, hostId);
  const failed = available.some((c) => (CONTROLLERS as readonly string[]).includes(c)) ? makeBase(base) : "no controllers";
  for (const c of CONTROLLERS) {
    if (!available.includes(c)) { support.missing[c] = `cgroup v2: controller ${c} is not available in ${here}`; continue; }
    if (failed) { support.missing[c] = `cgroup v2: cannot create ${base} (${failed})`; continue; }
    try {
      writeFileSync(join(here, "cgroup.subtree_control"), `+${c}`);
      writeFileSync(join(base, "cgroup.subtree_control"), `+${c}`);
      support.bases[c] = base;
    } catch (error) {
      support.missing[c] = `cgroup v2: cannot enable ${c} below ${here} (${(error as NodeJS.ErrnoException).code})`;
    }
  }
  return Object.keys(support.bases).length > 0 ? support : { version: null, bases: {}, missing: support.missing };
}

function detectV1(groups: Map<string, string>, hostId: string): CgroupSupport {
  const support: CgroupSupport = { version: 1, bases: {}, missing: {} };
  for (const c of CONTROLLERS) {
    const hierarchy = join(ROOT, c);
    const probe = c === "memory" ? "memory.limit_in_bytes" : c === "cpu" ? "cpu.cfs_quota_us" : "pids.max";
    const own = groups.get(c) ?? "/";
    const base = join(hierarchy, own, hostId);
    if (!existsSync(join(hierarchy, "cgroup.procs"))) { support.missing[c] = `cgroup v1: no ${c} hierarchy at ${hierarchy}`; continue; }
    const failed = makeBase(base);
    if (failed) { support.missing[c] = `cgroup v1: cannot create ${base} (${failed})`; continue; }
    if (!existsSync(join(base, probe))) { support.missing[c] = `cgroup v1: ${base} has no ${probe}`; continue; }
    support.bases[c] = base;
  }
  if (Object.keys(support.bases).length === 0) support.version = null;
  return support;
}

/** What this host may use, made ready under `myco-<pid>` (remove() takes it away again). */
export function detectCgroups(hostId = `myco-${process.pid}`): CgroupSupport {
  const groups = ownGroups();
  const v2 = detectV2(groups, hostId);
  if (v2 && v2.version === 2) return v2;
  const v1 = detectV1(groups, hostId);
  if (v1.version === 1) return v1;
  const missing = { ...v2?.missing, ...v1.missing };
  return { version: null, bases: {}, missing };
}

/** The instance's group directory under a controller's base. */
export function groupDir(base: string, service: string, ordinal: number): string {
  return join(base, `${service}.${ordinal}`);
}

function write(dir: string, file: string, value: string): void {
  writeFileSync(join(dir, file), value);
}

/** Makes the instance's groups and writes its limits; returns the cgroup.procs files its spawn joins. */
export function prepareGroups(support: CgroupSupport, service: string, ordinal: number, limits: CgroupLimits): string[] {
  const procs: string[] = [];
  for (const c of CONTROLLERS) {
    const base = support.bases[c];
    const value = c === "memory" ? limits.memoryMiB : c === "cpu" ? limits.cpuMillicores : limits.pids;
    if (!base || !value) continue;
    const dir = groupDir(base, service, ordinal);
    mkdirSync(dir, { recursive: true });
    if (support.version === 2) {
      if (c === "memory") write(dir, "memory.max", String(value * 1024 * 1024));
      if (c === "cpu") write(dir, "cpu.max", `${Math.max(1000, Math.round((value * CPU_PERIOD_US) / 1000))} ${CPU_PERIOD_US}`);
      if (c === "pids") write(dir, "pids.max", String(value));
    } else {
      if (c === "memory") {
        write(dir, "memory.limit_in_bytes", String(value * 1024 * 1024));
        if (existsSync(join(dir, "memory.memsw.limit_in_bytes"))) {
          try { write(dir, "memory.memsw.limit_in_bytes", String(value * 1024 * 1024)); } catch { /* swap accounting off */ }
        }
      }
      if (c === "cpu") {
        write(dir, "cpu.cfs_period_us", String(CPU_PERIOD_US));
        write(dir, "cpu.cfs_quota_us", String(Math.max(1000, Math.round((value * CPU_PERIOD_US) / 1000))));
      }
      if (c === "pids") write(dir, "pids.max", String(value));
    }
    procs.push(join(dir, "cgroup.procs"));
  }
  return procs;
}

/** Reads one limit file of an instance's group (tests and status show what is in force). */
export function readLimit(support: CgroupSupport, controller: CgroupController, service: string, ordinal: number): string | undefined {
  const base = support.bases[controller];
  if (!base) return undefined;
  const file = support.version === 2
    ? { memory: "memory.max", cpu: "cpu.max", pids: "pids.max" }[controller]
    : { memory: "memory.limit_in_bytes", cpu: "cpu.cfs_quota_us", pids: "pids.max" }[controller];
  try { return readFileSync(join(groupDir(base, service, ordinal), file), "utf8").trim(); } catch { return undefined; }
}

/** Removes this host's (empty) groups, deepest first; a group that still holds a process stays. */
export function removeGroups(support: CgroupSupport): void {
  for (const base of new Set(Object.values(support.bases))) {
    if (!base) continue;
    try {
      for (const entry of readdirSync(base, { withFileTypes: true })) {
        if (entry.isDirectory()) { try { rmdirSync(join(base, entry.name)); } catch { /* busy */ } }
      }
      rmdirSync(base);
    } catch { /* gone or busy */ }
  }
}
