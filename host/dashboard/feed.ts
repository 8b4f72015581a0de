// The dashboard's memory of a running supervisor: the message stream (bounded), the kernel's
// alerts, one traffic and health point per service per second, each service's health history
// for its sparkline, how often each instance was spawned, and each instance's last check.
// Listeners hear about every change at once so the page can be updated within milliseconds.
import type { Supervisor } from "../supervisor/supervisor.ts";
import { alertOf } from "../kernel/health.ts";
import { TrafficSeries } from "./series.ts";
import { SeqRing } from "./ring.ts";
import { HEALTH_CODES, type AlertView, type Cursor, type FeedEvent, type SeriesPoint } from "./types.ts";

/** Messages kept for the event stream and a late page. */
const EVENTS_MAX = 2000;
/** Alerts kept. */
const ALERTS_MAX = 500;
/** Seconds of chart points kept per service. */
const POINT_SECONDS = 300;
/** Seconds of health history per service (the sparkline). */
const HEALTH_SECONDS = 60;
/** Fewest points kept, whatever the service count. */
const POINTS_MIN = 1200;

export interface CheckSeen { kind: string; ok: boolean; timedOut: boolean; latencyMs: number; message: string; timeMs: number }

export class DashboardFeed {
  readonly events = new SeqRing<FeedEvent>(EVENTS_MAX);
  readonly alerts = new SeqRing<AlertView>(ALERTS_MAX);
  readonly points: SeqRing<SeriesPoint>;
  readonly healthHistory = new Map<string, number[]>();
  readonly runs = new Map<string, number>();
  readonly checks = new Map<string, CheckSeen>();
  /** When each service entered its current state (Unix ms). */
  readonly stateSince = new Map<string, number>();
  private readonly traffic = new TrafficSeries();
  private readonly listeners: (() => void)[] = [];
  private readonly detach: (() => void)[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(readonly supervisor: Supervisor) {
    this.points = new SeqRing<SeriesPoint>(Math.max(POINTS_MIN, supervisor.hostManifest.manifest.services.length * POINT_SECONDS));
    this.detach.push(
      supervisor.onMessage((m) => {
        this.events.push({ timeMs: m.timeMs, level: m.level, service: m.service ?? "", text: m.text });
        this.changed();
      }),
      supervisor.onEvent((event) => {
        const alert = alertOf(event);
        if (alert) this.alerts.push({ timeMs: Date.now(), service: alert.serviceName, severity: alert.severity, reason: alert.reason });
        if (event.kind === "instance-state" && event.to === "starting") this.countRun(event.serviceName, event.instance);
        if (event.kind === "service-state") this.stateSince.set(event.serviceName, Date.now());
        if (event.kind === "service-state" || event.kind === "instance-state" || event.kind === "health") this.changed();
      }),
      supervisor.onCheck((c) => {
        const { ok, timedOut, latencyMs, message } = c.result;
        this.checks.set(`${c.service}#${c.ordinal}`, { kind: c.kind, ok, timedOut, latencyMs, message, timeMs: Date.now() });
      }),
      supervisor.onRequest((request) => this.traffic.record(request)),
    );
    this.timer = setInterval(() => this.second(), 1000);
    this.timer.unref();
  }

  /** Called at once (synchronously) after every change the page should see. */
  onChange(listener: () => void): () => void {
    this.listeners.push(listener);
    return () => { const i = this.listeners.indexOf(listener); if (i >= 0) this.listeners.splice(i, 1); };
  }

  get cursor(): Cursor { return { events: this.events.last, points: this.points.last, alerts: this.alerts.last }; }

  dispose(): void {
    clearInterval(this.timer);
    for (const off of this.detach.splice(0)) off();
    this.listeners.length = 0;
  }

  private changed(): void { for (const listener of this.listeners) listener(); }

  private countRun(service: string, handle: number): void {
    const ordinal = this.supervisor.kernel.instances(service).indexOf(handle);
    if (ordinal < 0) return;
    const key = `${service}#${ordinal}`;
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
  }

  /** Closes one second: a chart point and a health sample per service. */
  private second(): void {
    const { kernel, health } = this.supervisor;
    const t = Math.round(Date.now() / 1000);
    const services = new Set<string>();
    for (const id of kernel.serviceIds()) {
      const service = kernel.name(id);
      services.add(service);
      const stats = this.traffic.take(service);
      this.points.push({ t, service, ...stats, availability: health.availability(id) });
      let history = this.healthHistory.get(service);
      if (!history) this.healthHistory.set(service, history = []);
      history.push(HEALTH_CODES.indexOf(health.of(id)));
      if (history.length > HEALTH_SECONDS) history.shift();
    }
    this.traffic.retain(services);
    this.changed();
  }
}
