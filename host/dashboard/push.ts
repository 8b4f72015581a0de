// Server-sent events to the dashboard pages: each page has a cursor; a change is pushed at
// most every PUSH_EVERY_MS (a burst of changes costs one snapshot, not one per change), and at
// least every IDLE_PUSH_MS. A source that cannot announce changes is polled at that pace.
import type { ServerResponse } from "node:http";
import type { DashboardSource } from "./source.ts";
import type { Cursor } from "./types.ts";

/** Fastest push rate per page: the event-to-page latency is at most this plus the work. */
const PUSH_EVERY_MS = 50;
/** Slowest push (uptimes move; a polled source is asked this often). */
const IDLE_PUSH_MS = 1000;
/** A source that cannot announce changes is asked this often while a page is open. */
const POLL_EVERY_MS = 200;
/** An SSE comment this often keeps proxies and the browser from closing an idle stream. */
const KEEPALIVE_MS = 15_000;

interface Page { res: ServerResponse; cursor: Cursor }

export class PushHub {
  private readonly pages = new Set<Page>();
  private timer: NodeJS.Timeout | undefined;
  private lastPushMs = 0;
  private pushing = false;
  private readonly ticker: NodeJS.Timeout;
  private readonly keepalive: NodeJS.Timeout;
  private readonly unsubscribe: (() => void) | undefined;

  constructor(private readonly source: DashboardSource, private readonly onError: (error: Error) => void) {
    this.unsubscribe = source.onChange?.(() => this.schedule());
    this.ticker = setInterval(() => this.schedule(), source.onChange ? IDLE_PUSH_MS : POLL_EVERY_MS);
    this.keepalive = setInterval(() => { for (const page of this.pages) page.res.write(": keepalive\n\n"); }, KEEPALIVE_MS);
  }

  get pageCount(): number { return this.pages.size; }

  add(res: ServerResponse, cursor: Cursor): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write("retry: 1000\n\n");
    const page: Page = { res, cursor };
    this.pages.add(page);
    res.on("close", () => this.pages.delete(page));
    this.schedule();
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.ticker);
    clearInterval(this.keepalive);
    this.unsubscribe?.();
    for (const page of this.pages) page.res.end();
    this.pages.clear();
  }

  private schedule(): void {
    if (this.timer || this.pages.size === 0) return;
    const waitMs = Math.max(0, this.lastPushMs + PUSH_EVERY_MS - Date.now());
    this.timer = setTimeout(() => { this.timer = undefined; void this.push(); }, waitMs);
  }

  private async push(): Promise<void> {
    if (this.pushing) return this.schedule();
    this.pushing = true;
    this.lastPushMs = Date.now();
    try {
      for (const page of this.pages) {
        const poll = await this.source.poll(page.cursor);
        page.cursor = poll.cursor;
        page.res.write(`data: ${JSON.stringify(poll)}\n\n`);
      }
    } catch (error) {
      this.onError(error as Error);
    } finally {
      this.pushing = false;
    }
  }
}
