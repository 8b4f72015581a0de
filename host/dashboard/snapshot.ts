// The dashboard's view of a running supervisor, read from the kernel at the moment it is asked:
// every service with its instances (pid, uptime, spawns, in-flight requests, breaker,
// ejection), its dependencies and its strategy; and one service's detail on demand (config
// with secrets redacted by the kernel, recent log lines, last checks, recovery history).
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { DashboardFeed } from "./feed.ts";
import type { InstanceView, ServiceDetail, ServiceView, Snapshot } from "./types.ts";

/** Log lines per instance in a service's detail. */
const DETAIL_LOG_LINES = 40;
/** Recovery and restart entries in a service's detail. */
const DETAIL_RECOVERY_MAX = 30;

export function snapshotOf(supervisor: Supervisor, feed: DashboardFeed): Snapshot {
  const { kernel } = supervisor;
  return {
    manifest: supervisor.hostManifest.file,
    pid: process.pid,
    uptimeMs: Date.now() - supervisor.startedAt,
    revision: supervisor.manifestApi.revision,
    timeMs: Date.now(),
    services: kernel.serviceIds().map((id) => serviceView(supervisor, feed, kernel.name(id))),
  };
}

function serviceView(supervisor: Supervisor, feed: DashboardFeed, name: string): ServiceView {
  const { kernel, health, balancer } = supervisor;
  const balanced = supervisor.balanced(name);
  const spec = supervisor.serviceSpec(name);
  return {
    name,
    state: kernel.state(name),
    health: health.of(name),
    healthHistory: feed.healthHistory.get(name) ?? [],
    instances: kernel.instances(name).map((handle, ordinal) => instanceView(supervisor, feed, name, handle, ordinal, balanced)),
    restarts: supervisor.restarts.get(name) ?? 0,
    strategy: balanced ? balancer.serviceStats(name).strategy : "",
    gateway: supervisor.gateways.get(name)?.address ?? "",
    dependencies: (spec?.dependencies ?? []).map((d) => ({ to: d.name, kind: d.kind })),
  };
}

function instanceView(supervisor: Supervisor, feed: DashboardFeed, service: string, handle: number, ordinal: number, balanced: boolean): InstanceView {
  const { kernel, health, balancer, executor } = supervisor;
  const view: InstanceView = {
    ordinal, state: kernel.instanceState(handle), health: health.ofInstance(handle),
    pid: executor.pid(handle) ?? null, uptimeMs: executor.uptimeMs(handle) ?? null, runs: feed.runs.get(`${service}#${ordinal}`) ?? 0,
    inFlight: null, breaker: "", ejected: false,
  };
  if (!balanced) return view;
  try {
    const stats = balancer.instanceStats(handle);
    return { ...view, inFlight: stats.active, breaker: stats.breaker, ejected: stats.ejected };
  } catch {
    return view; // not a balancer member now (not running)
  }
}

export function detailOf(supervisor: Supervisor, feed: DashboardFeed, service: string): ServiceDetail {
  supervisor.kernel.id(service); // an unknown service throws, with the kernel's message naming it
  const config: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(supervisor.manifestApi.config(service))) config[key] = value ?? null;
  const logs = supervisor.executor.logsOf(service)
    .flatMap(({ ordinal, ring }) => ring.lines(DETAIL_LOG_LINES).map((line) => ({ ordinal, ...line })))
    .sort((a, b) => a.timeMs - b.timeMs);
  const checks = supervisor.kernel.instances(service).flatMap((_, ordinal) => {
    const seen = feed.checks.get(`${service}#${ordinal}`);
    return seen ? [{ ordinal, ...seen }] : [];
  });
  const recovery = feed.events.filter((e) => e.service === service && /recovery|restart|fault|gave up|->\s*failed/.test(e.text)).slice(-DETAIL_RECOVERY_MAX);
  return {
    name: service, view: serviceView(supervisor, feed, service), sinceMs: feed.stateSince.get(service) ?? supervisor.startedAt,
    config, logs, checks, recovery,
  };
}
