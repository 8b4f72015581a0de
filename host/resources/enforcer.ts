// The Node host's resource enforcement: it executes what the kernel's RESOURCES records say
// and reports what it sees; the kernel decides (admission, limits, the over-limit action).
//   node capacity  detected from the machine (capacity.ts), overridden by `capacity`
//   cgroups        memory, cpu and pids limits per instance where a writable hierarchy offers
//                  the controller (cgroups.ts, v2 or v1); the spawn joins its group before exec
//   prlimit        open files and core size per instance, at spawn (prlimit.ts)
//   sampling       every `sampleMs`, the usage of each limited instance's process group from
//                  /proc (sampler.ts) for the limits no cgroup holds, reported to the kernel
//                  (usageReport), which restarts, stops or alerts
// `mode`: auto (cgroups where usable, sampling for the rest), sampling (no cgroups), cgroups
// (refuses to run without a usable hierarchy).
import type { Kernel } from "../kernel/kernel.ts";
import type { ResourceVector } from "../kernel/placement.ts";
import { NodeResources } from "../kernel/resources.ts";
import { detectCgroups, prepareGroups, removeGroups, type CgroupSupport, type CgroupController } from "./cgroups.ts";
import { prlimitPrefix } from "./prlimit.ts";
import { sampleGroups, millicores } from "./sampler.ts";
import { detectCapacity } from "./capacity.ts";

export type EnforcementMode = "auto" | "cgroups" | "sampling";
export type Enforcer = "cgroup" | "prlimit" | "sampled";

export interface EnforcerOptions {
  kernel: Kernel;
  /** Runs kernel work on the host's driver (it settles and drains afterwards). */
  call(work: () => void): void;
  /** The pid (its process group's id) of a live instance. */
  pidOf(handle: number): number | undefined;
  mode?: EnforcementMode;
  /** Sampling interval (default 1000 ms). */
  sampleMs?: number;
  /** Overrides of the detected capacity. */
  capacity?: ResourceVector;
}

/** The limits a cgroup controller can hold, by kernel record field. */
const CGROUP_FIELDS: Record<CgroupController, "limitMemory" | "limitCpu" | "limitPids"> = {
  memory: "limitMemory", cpu: "limitCpu", pids: "limitPids",
};
type SampledResource = "memory" | "cpu" | "pids";
const SAMPLED: [SampledResource, CgroupController][] = [["memory", "memory"], ["cpu", "cpu"], ["pids", "pids"]];
const JOIN = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"';

export class ResourceEnforcer {
  readonly resources: NodeResources;
  readonly cgroups: CgroupSupport;
  private timer: NodeJS.Timeout | undefined;
  /** The services with a sampled limit, and which (refresh()). */
  private sampled: { id: number; resources: SampledResource[] }[] = [];
  private readonly cpuSeen = new Map<number, { ticks: number; atMs: number }>();
  samples = 0;
  /** False on a profile without the kernel's resources layer (mcu): nothing to enforce. */
  readonly available: boolean;

  constructor(private readonly options: EnforcerOptions) {
    this.resources = new NodeResources(options.kernel);
    this.available = options.kernel.exports.resourceQueued() >= 0;
    this.cgroups = options.mode === "sampling" ? { version: null, bases: {}, missing: {} } : detectCgroups();
    if (options.mode === "cgroups" && this.cgroups.version === null) {
      throw new Error(`resources: cgroups asked for, but none is usable here: ${Object.values(this.cgroups.missing).join("; ")}`);
    }
  }

  /** The node's capacity: detected, then the overrides. */
  capacity(): ResourceVector { return { ...detectCapacity(), ...this.options.capacity }; }

  /** Sets the node's capacity in the kernel and starts sampling what needs it. */
  start(): void {
    if (!this.available) return;
    this.resources.setCapacity(this.capacity());
    this.refresh();
  }

  /**
   * Reads again which services have a limit that only sampling holds (at start and after every
   * manifest load): the timer runs only while some do, so a host whose limits are all held by
   * cgroups or prlimit, or that has none, never wakes up to sample.
   */
  refresh(): void {
    if (!this.available) return;
    clearInterval(this.timer);
    this.timer = undefined;
    const k = this.options.kernel;
    this.sampled = k.serviceIds().map((id) => {
      const how = this.enforcement(k.name(id));
      return { id, resources: SAMPLED.map(([r]) => r).filter((r) => how[r] === "sampled") };
    }).filter((s) => s.resources.length > 0);
    if (this.sampled.length === 0) return;
    this.timer = setInterval(() => this.sample(), this.options.sampleMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    removeGroups(this.cgroups);
  }

  private limits(service: string) { return this.resources.read(service); }

  /** Who enforces each of a service's limits, e.g. { memory: "cgroup", fds: "prlimit", cpu: "sampled" }. */
  enforcement(service: string): Record<string, Enforcer> {
    if (!this.available) return {};
    const limits = this.limits(service);
    const out: Record<string, Enforcer> = {};
    for (const [resource, controller] of SAMPLED) {
      if (limits[CGROUP_FIELDS[controller]] > 0) out[resource] = this.cgroups.bases[controller] ? "cgroup" : "sampled";
    }
    if (limits.limitFds > 0) out.fds = "prlimit";
    if (limits.coreMiB !== 0xffff) out.core = "prlimit";
    return out;
  }

  /** The command prefix one spawn execs through: join its cgroups, then prlimit. Throws what stops it. */
  prefix(service: string, ordinal: number): string[] {
    if (!this.available) return [];
    const limits = this.limits(service);
    const procs = prepareGroups(this.cgroups, service, ordinal, {
      memoryMiB: limits.limitMemory, cpuMillicores: limits.limitCpu, pids: limits.limitPids,
    });
    const join = procs.length > 0 ? ["/bin/sh", "-c", JOIN, "myco-cgroup", ...procs, "--"] : [];
    const prlimit = prlimitPrefix({ fds: limits.limitFds || undefined, coreMiB: limits.coreMiB === 0xffff ? undefined : limits.coreMiB });
    return [...join, ...prlimit];
  }

  /** One sampling pass: the usage of every limited instance no cgroup holds, to the kernel. */
  sample(): void {
    const k = this.options.kernel;
    const wanted: { handle: number; pid: number; resources: SampledResource[] }[] = [];
    for (const { id, resources } of this.sampled) {
      for (const handle of k.instances(id)) {
        const pid = this.options.pidOf(handle);
        if (pid !== undefined) wanted.push({ handle, pid, resources });
      }
    }
    if (wanted.length === 0) return;
    const usage = sampleGroups(new Set(wanted.map((w) => w.pid)));
    const now = performance.now();
    this.samples++;
    this.options.call(() => {
      for (const { handle, pid, resources } of wanted) {
        const group = usage.get(pid);
        if (!group) continue;
        for (const resource of resources) {
          const value = resource === "memory" ? Math.ceil(group.rssBytes / (1024 * 1024))
            : resource === "pids" ? group.pids : this.cpu(handle, group.cpuTicks, now);
          if (value === undefined) continue;
          try { this.resources.report(handle, resource, value); } catch { /* the instance went away meanwhile */ }
        }
      }
    });
  }

  private cpu(handle: number, ticks: number, nowMs: number): number | undefined {
    const seen = this.cpuSeen.get(handle);
    this.cpuSeen.set(handle, { ticks, atMs: nowMs });
    return seen ? millicores(seen.ticks, ticks, nowMs - seen.atMs) : undefined;
  }

  /** What `myco status` says of the host's enforcement. */
  describe(): string {
    const used = Object.keys(this.cgroups.bases);
    const cg = this.cgroups.version ? `cgroup v${this.cgroups.version} (${used.join(", ")})` : "no cgroups";
    const missing = Object.values(this.cgroups.missing);
    return `${cg}; prlimit for fds and core; sampling every ${this.options.sampleMs ?? 1000} ms for the rest${missing.length ? ` [${missing.join("; ")}]` : ""}`;
  }
}
