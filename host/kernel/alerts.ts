// Typed wrapper over the kernel's alert notification (assembly/alerts/): receivers and routes
// (from a manifest's `alerts:` section or by hand), silences, the host's delivery reports, and
// the group a notify action names. The kernel decides; this only encodes.
import type { Kernel, ServiceRef } from "./kernel.ts";
import type { KernelEvent } from "./abi.ts";
import type { CoreExports } from "./exports.ts";
import { SEVERITIES, ALERT_REASONS, type Severity, type AlertReason } from "./health.ts";

export interface ReceiverRetry { retryInitialMs: number; retryMaxMs: number; attemptsMax: number }

export interface AlertRoute {
  receiver: number;
  severities: Severity[];
  /** A service name, or undefined for every service. */
  service?: string;
  groupWaitMs: number;
  /** 0: never repeat. */
  repeatMs: number;
  sendResolved: boolean;
}

/** What a notify action asks the host to deliver. */
export interface AlertGroup {
  group: number;
  service: string;
  receiver: number;
  state: "firing" | "resolved";
  /** Alerts since the group's last delivered notification. */
  alerts: number;
  severity: Severity;
  reason: AlertReason;
}

export const NOTIFY_OUTCOMES = ["", "sent", "retry", "unreachable", "silenced", "groups-full", "receiver-back"] as const;
export type NotifyOutcome = Exclude<(typeof NOTIFY_OUTCOMES)[number], "">;

export interface NotifyEvent { outcome: NotifyOutcome; service: string; group: number; receiver: number; value: number; timeMs: number }

/** The notification event an EVENT_NOTIFY record carries, or null. */
export function notifyOf(event: KernelEvent): NotifyEvent | null {
  if (event.kind !== "notify") return null;
  return { outcome: NOTIFY_OUTCOMES[event.fromCode] as NotifyOutcome, service: event.serviceName, group: event.instance, receiver: event.toCode, value: event.value, timeMs: event.timeMs };
}

export class KernelAlerts {
  constructor(readonly kernel: Kernel) {}

  private get x(): CoreExports { return this.kernel.exports; }

  receiver(id: number, retry: ReceiverRetry): void {
    this.kernel.check(this.x.alertReceiverSet(id, retry.retryInitialMs, retry.retryMaxMs, retry.attemptsMax));
  }

  /** Appends a route; returns its index. */
  route(route: AlertRoute): number {
    // No severity named: -1, the kernel's default (every severity).
    const mask = route.severities.length === 0 ? -1 : route.severities.reduce((m, s) => m | (1 << SEVERITIES.indexOf(s)), 0);
    const service = route.service === undefined ? -1 : this.kernel.id(route.service);
    return this.kernel.check(this.x.alertRouteAdd(route.receiver, mask, service, route.groupWaitMs, route.repeatMs, route.sendResolved ? 1 : 0));
  }

  /** Removes receivers, routes and groups (silences stay). */
  clear(): void { this.kernel.check(this.x.alertsClear()); }

  /** Silences a service (or every service) for `durationMs`; returns the silence id. */
  silence(service: ServiceRef | undefined, durationMs: number): number {
    return this.kernel.check(this.x.alertSilence(service === undefined ? -1 : this.kernel.id(service), durationMs));
  }

  unsilence(id: number): void { this.kernel.check(this.x.alertUnsilence(id)); }

  /** The silence if in force: the service it covers (undefined: every one) and its end on the kernel clock. */
  silenceOf(id: number): { service: string | undefined; untilMs: number } | null {
    const service = this.x.alertSilenceService(id);
    if (service < -1) return null;
    return { service: service === -1 ? undefined : this.kernel.name(service), untilMs: Number(this.x.alertSilenceUntil(id)) };
  }

  /** The host's answer to a notify action. */
  report(group: number, ok: boolean): void { this.kernel.check(this.x.alertReport(group, ok ? 1 : 0)); }

  group(group: number): AlertGroup {
    const field = (f: number) => this.kernel.check(this.x.alertGroupRead(group, f));
    return {
      group, service: this.kernel.name(field(0)), receiver: field(1), state: field(2) === 1 ? "firing" : "resolved", alerts: field(3),
      severity: SEVERITIES[field(4)], reason: ALERT_REASONS[field(5)],
    };
  }

  receiverDown(id: number): boolean { return this.kernel.check(this.x.alertReceiverDown(id)) === 1; }
}
