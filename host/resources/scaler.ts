// Demand-driven scaling, the Node host's part: it measures and reports; the kernel decides and
// resizes (resources/scale.ts: HPA's rule, the stabilisation window, admission; then
// lifecycle/resize.ts: joiners spawn, leavers drain through the balancer and stop).
// Per scaling service, every `reportMs` the host reports its `scale.metric` per instance:
//   inflight  the mean of the requests in flight at its gateway (sampled every `probeMs`)
//             over the period, divided by its instance count
//   latency   the p99 of the request latencies its gateway saw in the period, in ms (nothing
//             seen: not reported)
//   cpu       the mean cpu millicores of its instances' process groups over the period (/proc)
// The host never computes an instance count: the kernel answers it and emits the spawns and stops.
import type { Kernel } from "../kernel/kernel.ts";
import { SCALE_METRICS, type NodeResources, type ScaleMetric } from "../kernel/resources.ts";
import { sampleGroups, millicores } from "./sampler.ts";

export interface ScalerOptions {
  kernel: Kernel;
  resources: NodeResources;
  /** Runs kernel work on the host's driver (it settles and drains afterwards). */
  call(work: () => void): void;
  /** Requests in flight at the service's gateway now (undefined: it has none). */
  inFlight(service: string): number | undefined;
  /** The pid (its process group's id) of a live instance. */
  pidOf(handle: number): number | undefined;
  /** Report period (default 1000 ms). */
  reportMs?: number;
  /** In-flight probe period (default 50 ms). */
  probeMs?: number;
  /** Told of each kernel answer that changed the count (the run view, tests). */
  changed?(service: string, from: number, to: number): void;
}

interface Period { inFlightSum: number; probes: number; latencies: number[]; cpu: Map<number, { ticks: number; atMs: number }> }

export class Scaler {
  private readonly periods = new Map<string, Period>();
  private probe: NodeJS.Timeout | undefined;
  private report: NodeJS.Timeout | undefined;
  reports = 0;

  constructor(private readonly options: ScalerOptions) {}

  /** Starts measuring the services whose RESOURCES record has a scale metric. */
  start(): void {
    this.stop();
    this.periods.clear();
    for (const id of this.options.kernel.serviceIds()) {
      if (this.metricOf(id) !== "none") this.periods.set(this.options.kernel.name(id), fresh());
    }
    if (this.periods.size === 0) return;
    this.probe = setInterval(() => this.probeInFlight(), this.options.probeMs ?? 50);
    this.report = setInterval(() => this.reportAll(), this.options.reportMs ?? 1000);
    this.probe.unref();
    this.report.unref();
  }

  stop(): void {
    clearInterval(this.probe);
    clearInterval(this.report);
    this.probe = this.report = undefined;
  }

  /** A gateway finished a request of `service` (its latency feeds the latency metric). */
  observe(service: string, latencyMs: number): void {
    this.periods.get(service)?.latencies.push(latencyMs);
  }

  private probeInFlight(): void {
    for (const [service, period] of this.periods) {
      const now = this.options.inFlight(service);
      if (now === undefined) continue;
      period.inFlightSum += now;
      period.probes++;
    }
  }

  private reportAll(): void {
    const k = this.options.kernel;
    const values: [string, number][] = [];
    for (const [service, period] of this.periods) {
      const id = k.id(service);
      const metric = this.metricOf(id);
      const value = metric === "inflight" ? inFlightPerInstance(period, k.instances(id).length)
        : metric === "latency" ? p99(period.latencies)
        : metric === "cpu" ? this.cpuPerInstance(period, k.instances(id)) : undefined;
      this.periods.set(service, { ...fresh(), cpu: period.cpu });
      if (value !== undefined) values.push([service, value]);
    }
    if (values.length === 0) return;
    this.reports++;
    this.options.call(() => {
      for (const [service, value] of values) {
        const before = k.instances(k.id(service)).length;
        const after = this.options.resources.scale(service, value);
        if (after !== before) this.options.changed?.(service, before, after);
      }
    });
  }

  private metricOf(id: number): ScaleMetric {
    return SCALE_METRICS[this.options.resources.read(id).scaleMetric ?? 0] ?? "none";
  }

  private cpuPerInstance(period: Period, handles: number[]): number | undefined {
    const pids = new Map(handles.map((h) => [h, this.options.pidOf(h)] as const).filter((e): e is [number, number] => e[1] !== undefined));
    const usage = sampleGroups(new Set(pids.values()));
    const now = performance.now();
    let total = 0, measured = 0;
    for (const [handle, pid] of pids) {
      const group = usage.get(pid);
      if (!group) continue;
      const seen = period.cpu.get(handle);
      period.cpu.set(handle, { ticks: group.cpuTicks, atMs: now });
      if (!seen) continue;
      total += millicores(seen.ticks, group.cpuTicks, now - seen.atMs);
      measured++;
    }
    for (const handle of period.cpu.keys()) if (!pids.has(handle)) period.cpu.delete(handle);
    return measured > 0 ? total / measured : undefined;
  }
}

function fresh(): Period { return { inFlightSum: 0, probes: 0, latencies: [], cpu: new Map() }; }

function inFlightPerInstance(period: Period, instances: number): number | undefined {
  if (period.probes === 0 || instances === 0) return undefined;
  return period.inFlightSum / period.probes / instances;
}

function p99(latencies: number[]): number | undefined {
  if (latencies.length === 0) return undefined;
  const sorted = latencies.sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)];
}
