// One row per service of a running supervisor: what `myco run` shows live and `myco status`
// prints. Plain data (it travels over the control socket as JSON).
import type { Supervisor } from "./supervisor.ts";
import { formatTable } from "../status-table.ts";

export interface ServiceStatus {
  service: string;
  state: string;
  health: string;
  /** Instances running / instances. */
  instances: string;
  /** The revision each instance runs, by ordinal ("2 2 1" while a rollout is under way). */
  revisions: string;
  restarts: number;
  /** Picks by the balancer (its current runs), or "" when the service is not balanced. */
  picks: string;
  /** "closed", or e.g. "open 1/3" when some instance breakers are not closed. */
  breaker: string;
  /** The gateway's address, if it has one ("ADDRESS -> backup" while it is failed over). */
  gateway: string;
  /** Its limits and who holds each, e.g. "memory 64 cgroup, fds 32 prlimit, cpu 500 sampled" ("" without limits). */
  limits: string;
}

export function serviceStatus(supervisor: Supervisor): ServiceStatus[] {
  const { kernel, health, balancer } = supervisor;
  return kernel.serviceIds().map((id) => {
    const name = kernel.name(id);
    const handles = kernel.instances(id);
    const up = handles.filter((h) => kernel.instanceState(h) === "running").length;
    let picks = "";
    const breakers = { open: 0, "half-open": 0 };
    // Picks and breakers mean something only where requests are balanced: a gateway or a balance spec.
    const balanced = supervisor.balanced(name);
    for (const handle of balanced ? handles : []) {
      try {
        const stats = balancer.instanceStats(handle);
        picks = String(Number(picks || 0) + stats.picks);
        if (stats.breaker !== "closed") breakers[stats.breaker]++;
      } catch {
        // not a balancer member now (not running)
      }
    }
    const notClosed = Object.entries(breakers).filter(([, n]) => n > 0).map(([state, n]) => `${state} ${n}/${handles.length}`);
    return {
      service: name,
      state: kernel.state(id),
      health: health.of(id),
      instances: `${up}/${handles.length}`,
      revisions: handles.map((h) => supervisor.rollouts.revisionOf(h)).join(" "),
      restarts: supervisor.restarts.get(name) ?? 0,
      picks: balanced ? picks : "",
      breaker: !balanced ? "" : notClosed.length ? notClosed.join(", ") : "closed",
      gateway: gatewayOf(supervisor, name),
      limits: limitsOf(supervisor, name),
    };
  });
}

function limitsOf(supervisor: Supervisor, service: string): string {
  const how = supervisor.enforcer.enforcement(service);
  if (Object.keys(how).length === 0) return "";
  const record = supervisor.enforcer.resources.read(service) as Record<string, number>;
  return Object.entries(how).map(([resource, by]) => {
    const value = resource === "core" ? record.coreMiB : record[`limit${resource[0].toUpperCase()}${resource.slice(1)}`];
    return `${resource} ${value} ${by}`;
  }).join(", ");
}

function gatewayOf(supervisor: Supervisor, service: string): string {
  const gateway = supervisor.gateways.get(service);
  if (!gateway?.address) return "";
  return gateway.routedTo === service ? gateway.address : `${gateway.address} -> ${gateway.routedTo}`;
}

/** The rows as a table with a header line (for a terminal); the limits column only when a service has limits. */
export function formatStatus(rows: ServiceStatus[]): string {
  const limited = rows.some((row) => row.limits);
  return formatTable(rows.map((row) => Object.fromEntries(Object.entries(row)
    .filter(([k]) => k !== "limits" || limited).map(([k, v]) => [k, String(v ?? "")]))));
}
