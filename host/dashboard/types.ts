// What the dashboard page receives: plain JSON, the same whether the data comes from the
// supervisor in this process, from a running `myco run` over its control socket, or from a
// simulation replay.

export interface InstanceView {
  ordinal: number;
  state: string;
  health: string;
  pid: number | null;
  uptimeMs: number | null;
  /** How many times this instance was spawned in this run. */
  runs: number;
  /** Requests in flight through the balancer, breaker state, ejection: balanced services only. */
  inFlight: number | null;
  breaker: string;
  ejected: boolean;
}

export interface ServiceView {
  name: string;
  state: string;
  health: string;
  /** One health code per second, oldest first (HEALTH_CODES), the newest last. */
  healthHistory: number[];
  instances: InstanceView[];
  restarts: number;
  /** The balancing strategy, or "" when the service is not balanced. */
  strategy: string;
  gateway: string;
  dependencies: { to: string; kind: string }[];
}

export interface Snapshot {
  manifest: string;
  pid: number;
  uptimeMs: number;
  revision: number;
  timeMs: number;
  services: ServiceView[];
}

export interface FeedEvent {
  seq: number;
  timeMs: number;
  level: "info" | "warn" | "error";
  service: string;
  text: string;
}

export interface AlertView {
  seq: number;
  timeMs: number;
  service: string;
  severity: string;
  reason: string;
}

/** One second of one service's traffic and health. */
export interface SeriesPoint {
  seq: number;
  /** Unix time of the second's end, in seconds. */
  t: number;
  service: string;
  requests: number;
  errors: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Share of the availability window the service was healthy, 0..1. */
  availability: number;
}

export interface Cursor { events: number; points: number; alerts: number }

/** What changed since a cursor, and the current snapshot. */
export interface Poll {
  cursor: Cursor;
  snapshot: Snapshot;
  events: FeedEvent[];
  points: SeriesPoint[];
  alerts: AlertView[];
}

export interface ServiceDetail {
  name: string;
  /** The service's row, as the table shows it. */
  view: ServiceView;
  /** When the service entered its current state (Unix ms). */
  sinceMs: number;
  config: Record<string, string | null>;
  logs: { ordinal: number; timeMs: number; stream: string; text: string }[];
  checks: { ordinal: number; kind: string; ok: boolean; timedOut: boolean; latencyMs: number; message: string; timeMs: number }[];
  recovery: FeedEvent[];
}

export type ServiceAction = "restart" | "stop" | "start";
export const SERVICE_ACTIONS: readonly ServiceAction[] = ["restart", "stop", "start"];

export const HEALTH_CODES = ["unknown", "healthy", "degraded", "unhealthy"] as const;
