// Where the dashboard's data comes from: the supervisor in this process (`myco run
// --dashboard`), or a running `myco run` reached over its control socket (`myco dashboard`).
// Both answer the same calls with the same JSON.
import type { Supervisor } from "../supervisor/supervisor.ts";
import { controlRequest, type ControlResponse } from "../supervisor/control-protocol.ts";
import { DashboardFeed } from "./feed.ts";
import { snapshotOf, detailOf } from "./snapshot.ts";
import type { Cursor, Poll, ServiceAction, ServiceDetail } from "./types.ts";

export interface DashboardSource {
  /** What changed after `cursor`, with the current snapshot. */
  poll(cursor: Cursor): Promise<Poll>;
  detail(service: string): Promise<ServiceDetail>;
  act(service: string, action: ServiceAction): Promise<void>;
  /** Applies the manifest file again; resolves to the new revision. */
  reload(): Promise<number>;
  /** Called at once on a change; a source that cannot tell is polled instead (undefined). */
  onChange?(listener: () => void): () => void;
  close(): void;
}

export const EMPTY_CURSOR: Cursor = { events: 0, points: 0, alerts: 0 };

/** The supervisor of this process. */
export class LocalSource implements DashboardSource {
  readonly feed: DashboardFeed;

  constructor(private readonly supervisor: Supervisor) {
    this.feed = new DashboardFeed(supervisor);
  }

  pollNow(cursor: Cursor): Poll {
    const { feed } = this;
    return {
      cursor: feed.cursor, snapshot: snapshotOf(this.supervisor, feed),
      events: feed.events.since(cursor.events), points: feed.points.since(cursor.points), alerts: feed.alerts.since(cursor.alerts),
    };
  }

  async poll(cursor: Cursor): Promise<Poll> { return this.pollNow(cursor); }
  detailNow(service: string): ServiceDetail { return detailOf(this.supervisor, this.feed, service); }
  async detail(service: string): Promise<ServiceDetail> { return this.detailNow(service); }

  async act(service: string, action: ServiceAction): Promise<void> { this.actNow(service, action); }

  actNow(service: string, action: ServiceAction): void {
    if (action === "restart") this.supervisor.restart(service);
    else if (action === "stop") this.supervisor.stopService(service);
    else this.supervisor.startService(service);
  }

  async reload(): Promise<number> { return this.supervisor.reload(); }
  onChange(listener: () => void): () => void { return this.feed.onChange(listener); }
  close(): void { this.feed.dispose(); }
}

/** A running `myco run`, over its control socket. */
export class RemoteSource implements DashboardSource {
  constructor(readonly socketPath: string) {}

  private async ask(request: Parameters<typeof controlRequest>[1]): Promise<Extract<ControlResponse, { ok: true }>> {
    const answer = await controlRequest(this.socketPath, request);
    if (!answer.ok) throw new Error(answer.error);
    return answer;
  }

  async poll(cursor: Cursor): Promise<Poll> { return (await this.ask({ command: "dashboard", cursor })).poll!; }
  async detail(service: string): Promise<ServiceDetail> { return (await this.ask({ command: "detail", service })).detail!; }
  async act(service: string, action: ServiceAction): Promise<void> { await this.ask({ command: action, service }); }
  async reload(): Promise<number> { return (await this.ask({ command: "reload" })).revision!; }
  close(): void {}
}
