// The supervisor's alerting: configures the kernel from the manifest's `alerts:` section (at
// start and on every reload), executes its notify actions (deliver.ts) and reports each
// outcome back, turns its notification events into messages, and keeps what `myco alerts`
// shows: the receivers and whether they are reachable, the silences (with the operator's
// reason) and the latest notifications.
import type { Kernel } from "../kernel/kernel.ts";
import type { Action, KernelEvent } from "../kernel/abi.ts";
import { KernelAlerts, notifyOf, type NotifyEvent } from "../kernel/alerts.ts";
import { MycoError } from "../kernel/errors.ts";
import type { AlertsSpec } from "../supervisor/alerts-manifest.ts";
import type { MessageLevel } from "../executors/process.ts";
import { deliver, describe, type Notification } from "./deliver.ts";

/** Notifications remembered for `myco alerts`. */
const SENT_MAX = 50;

export interface SentNotification extends Notification { outcome: "delivered" | "failed"; error?: string }
export interface SilenceView { id: number; service: string | null; untilMs: number; reason: string }
export interface ReceiverView { name: string; kind: string; target: string; unreachable: boolean }
export interface AlertsView { receivers: ReceiverView[]; silences: SilenceView[]; sent: SentNotification[] }

export interface NotifierHost {
  /** Runs a kernel call in the driver (so its actions are dispatched). */
  call(work: () => void): void;
  note(level: MessageLevel, text: string, service?: string): void;
  manifest(): string;
}

export class Notifier {
  readonly api: KernelAlerts;
  private spec: AlertsSpec | undefined;
  private readonly sent: SentNotification[] = [];
  private readonly silences = new Map<number, { reason: string; untilMs: number }>();

  constructor(kernel: Kernel, private readonly host: NotifierHost) {
    this.api = new KernelAlerts(kernel);
  }

  /** (Re)configures the kernel: receivers by index, routes in order. Silences stay. */
  configure(spec: AlertsSpec | undefined): void {
    this.api.clear();
    this.spec = spec;
    if (!spec) return;
    spec.receivers.forEach((r, id) => this.api.receiver(id, { retryInitialMs: r.retryInitialMs, retryMaxMs: r.retryMaxMs, attemptsMax: r.attemptsMax }));
    const index = new Map(spec.receivers.map((r, id) => [r.name, id]));
    for (const route of spec.routes) {
      this.api.route({ receiver: index.get(route.receiver)!, severities: route.severities, service: route.service, groupWaitMs: route.groupWaitMs, repeatMs: route.repeatMs, sendResolved: route.sendResolved });
    }
  }

  /** ACTION_NOTIFY: deliver, then tell the kernel; never awaited by the supervisor. */
  handle(action: Action): void {
    const group = this.api.group(action.instance);
    const receiver = this.spec?.receivers[group.receiver];
    if (!receiver) return this.host.call(() => this.report(group.group, false));
    const notification: Notification = {
      receiver: receiver.name, group: group.group, service: group.service, state: group.state, alerts: group.alerts, severity: group.severity,
      reason: group.reason, timeMs: Date.now(), manifest: this.host.manifest(),
    };
    void deliver(receiver, notification, (level, text) => this.host.note(level, text, group.service)).then((result) => {
      this.sent.push({ ...notification, outcome: result.ok ? "delivered" : "failed", error: result.ok ? undefined : result.error });
      if (this.sent.length > SENT_MAX) this.sent.shift();
      if (!result.ok) this.host.note("warn", `alerts: ${describe(notification)} not delivered to '${receiver.name}': ${result.error}`, group.service);
      this.host.call(() => this.report(group.group, result.ok));
    });
  }

  /** A report for a group a reload has cleared meanwhile is moot. */
  private report(group: number, ok: boolean): void {
    try {
      this.api.report(group, ok);
    } catch (error) {
      if (!(error instanceof MycoError)) throw error;
    }
  }

  /** The kernel's notification events, as messages. */
  observe(event: KernelEvent): void {
    const n = notifyOf(event);
    if (!n) return;
    const text = this.message(n);
    if (text) this.host.note(n.outcome === "unreachable" ? "error" : "info", text, n.service);
  }

  private message(n: NotifyEvent): string | null {
    const name = this.spec?.receivers[n.receiver]?.name ?? `#${n.receiver}`;
    switch (n.outcome) {
      case "retry": return `alerts: ${n.service}: delivery to '${name}' failed; the kernel retries in ${n.value} ms`;
      case "unreachable": return `alerts: receiver '${name}' is unreachable (${n.value} attempts failed); reported once, notifications resume when it answers`;
      case "receiver-back": return `alerts: receiver '${name}' answers again`;
      case "silenced": return `alerts: ${n.service}: alert held back by a silence`;
      case "groups-full": return `alerts: ${n.service}: every notification group is in use; this alert is not notified`;
      default: return null;
    }
  }

  silence(service: string | undefined, durationMs: number, reason: string): SilenceView {
    const id = this.api.silence(service, durationMs);
    const untilMs = Date.now() + durationMs;
    this.silences.set(id, { reason, untilMs });
    this.host.note("info", `alerts: ${service ?? "every service"} silenced for ${Math.round(durationMs / 1000)} s${reason ? `: ${reason}` : ""}`, service);
    return { id, service: service ?? null, untilMs, reason };
  }

  unsilence(id: number): void {
    this.api.unsilence(id);
    this.silences.delete(id);
  }

  view(): AlertsView {
    const silences: SilenceView[] = [];
    for (const [id, { reason, untilMs }] of this.silences) {
      const kernel = this.api.silenceOf(id);
      if (!kernel) { this.silences.delete(id); continue; } // over
      silences.push({ id, service: kernel.service ?? null, untilMs, reason });
    }
    const receivers = (this.spec?.receivers ?? []).map((r, id) => ({
      name: r.name, kind: r.target.kind, target: r.target.kind === "webhook" ? r.target.url : r.target.kind === "command" ? r.target.command : "log",
      unreachable: this.api.receiverDown(id),
    }));
    return { receivers, silences, sent: [...this.sent] };
  }
}
