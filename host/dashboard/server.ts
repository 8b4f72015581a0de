// The dashboard's HTTP server, on loopback by default:
//
//   GET  /                              the page (and its scripts, styles and vendored libraries)
//   GET  /api/state                     everything the page starts from (a poll from cursor 0)
//   GET  /api/stream?cursor=E.P.A       server-sent events: one poll per change, within 50 ms
//   GET  /api/services/NAME             a service's detail: config (secrets redacted), logs, checks, recovery
//   POST /api/services/NAME/restart|stop|start, POST /api/reload
//   GET  /api/replay                    a simulation replay (`myco sim --dashboard`)
//
// Every /api call carries the token the server printed in its URL (query `token` or header
// `x-myco-token`): the token is written only into the URL shown to the user who started it,
// so the page gets the same local permission as the control socket (a 0600 socket in a 0700
// directory). Roles (a read-only viewer) come with the control interface's roles.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join } from "node:path";
import { describeError } from "../supervisor/supervisor.ts";
import { PushHub } from "./push.ts";
import { EMPTY_CURSOR, type DashboardSource } from "./source.ts";
import { CONTENT_TYPES, PAGE_ASSETS, VENDOR_ASSETS, VENDOR_DIR, WEB_DIR } from "./assets.ts";
import { SERVICE_ACTIONS, type Cursor, type ServiceAction } from "./types.ts";
import type { ReplayData } from "./replay.ts";

export interface DashboardOptions {
  host?: string;
  port: number;
  /** Live data; absent in a replay. */
  source?: DashboardSource;
  replay?: ReplayData;
  /** A fixed token (tests); a random one otherwise. */
  token?: string;
  onError?: (error: Error) => void;
}

export interface DashboardServer {
  /** host:port */
  address: string;
  /** The page's URL with its token. */
  url: string;
  token: string;
  pages(): number;
  close(): Promise<void>;
}

export class DashboardError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "DashboardError";
  }
}

export async function serveDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const host = options.host ?? "127.0.0.1";
  const missing = Object.keys(VENDOR_ASSETS).filter((name) => !existsSync(join(VENDOR_DIR, name)));
  if (missing.length) throw new DashboardError(`the dashboard's libraries are not built (${missing.join(", ")} missing in ${VENDOR_DIR}); run \`npm run build\``, "ENOASSETS");
  const token = options.token ?? randomBytes(18).toString("base64url");
  const onError = options.onError ?? (() => {});
  const hub = options.source ? new PushHub(options.source, onError) : undefined;
  const server: Server = createServer((req, res) => {
    route(req, res, options, token, hub).catch((error: Error) => send(res, 500, { error: describeError(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => {
      hub?.close();
      reject(error.code === "EADDRINUSE" ? new DashboardError(`dashboard port ${options.port} on ${host} is in use by another process; pick another with --dashboard PORT`, "EADDRINUSE")
        : error.code === "EADDRNOTAVAIL" ? new DashboardError(`dashboard address ${host} is not an address of this machine`, "EADDRNOTAVAIL") : error);
    });
    server.listen(options.port, host, resolve);
  });
  const bound = server.address();
  const address = `${host}:${typeof bound === "object" && bound ? bound.port : options.port}`;
  return {
    address, token, url: `http://${address}/?token=${token}`,
    pages: () => hub?.pageCount ?? 0,
    close: () => new Promise<void>((done) => {
      hub?.close();
      server.close(() => done());
      server.closeAllConnections();
    }),
  };
}

async function route(req: IncomingMessage, res: ServerResponse, options: DashboardOptions, token: string, hub: PushHub | undefined): Promise<void> {
  const url = new URL(req.url ?? "/", "http://dashboard");
  const path = url.pathname;
  if (!path.startsWith("/api/")) return asset(res, req.method ?? "GET", path);
  if (!authorised(req, url, token)) return send(res, 401, { error: "missing or wrong token: open the URL myco printed (it carries ?token=...)" });
  const source = options.source;
  if (req.method === "GET" && path === "/api/replay") {
    return options.replay ? send(res, 200, options.replay) : send(res, 404, { error: "this dashboard shows a live run, not a replay" });
  }
  if (!source || !hub) return send(res, 404, { error: "this dashboard shows a simulation replay; only /api/replay answers" });
  if (req.method === "GET" && path === "/api/state") return send(res, 200, await source.poll(EMPTY_CURSOR));
  if (req.method === "GET" && path === "/api/stream") return hub.add(res, parseCursor(url.searchParams.get("cursor")));
  const detail = /^\/api\/services\/([^/]+)$/.exec(path);
  if (req.method === "GET" && detail) return answer(res, () => source.detail(decodeURIComponent(detail[1])));
  const action = /^\/api\/services\/([^/]+)\/([a-z]+)$/.exec(path);
  if (req.method === "POST" && action) {
    const [service, verb] = [decodeURIComponent(action[1]), action[2]];
    if (!SERVICE_ACTIONS.includes(verb as ServiceAction)) return send(res, 404, { error: `unknown action '${verb}'; expected ${SERVICE_ACTIONS.join(", ")}` });
    return answer(res, async () => { await source.act(service, verb as ServiceAction); return { ok: true, service, action: verb }; });
  }
  if (req.method === "POST" && path === "/api/reload") return answer(res, async () => ({ ok: true, revision: await source.reload() }));
  send(res, 404, { error: `no ${req.method} ${path}` });
}

/** Runs a request that may fail on bad input (an unknown service): 400 with the message. */
async function answer(res: ServerResponse, work: () => Promise<unknown>): Promise<void> {
  let result: unknown;
  try {
    result = await work();
  } catch (error) {
    return send(res, 400, { error: describeError(error) });
  }
  send(res, 200, result);
}

function authorised(req: IncomingMessage, url: URL, token: string): boolean {
  const given = Buffer.from(String(req.headers["x-myco-token"] ?? url.searchParams.get("token") ?? ""));
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function parseCursor(text: string | null): Cursor {
  const [events, points, alerts] = (text ?? "").split(".").map((n) => Math.max(0, Math.floor(Number(n)) || 0));
  return { events: events ?? 0, points: points ?? 0, alerts: alerts ?? 0 };
}

async function asset(res: ServerResponse, method: string, path: string): Promise<void> {
  if (method !== "GET") return send(res, 405, { error: `${method} ${path}: the page's files are read-only` });
  const name = path === "/" ? "index.html" : path.slice(1);
  const file = PAGE_ASSETS.includes(name) ? join(WEB_DIR, name)
    : name.startsWith("vendor/") && VENDOR_ASSETS[name.slice(7)] ? join(VENDOR_DIR, name.slice(7)) : undefined;
  if (!file) return send(res, 404, { error: `no file ${path}` });
  const body = await readFile(file);
  res.writeHead(200, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" }).end(body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
}

/** `[host:]port` as given to --dashboard; loopback by default. */
export function parseListen(text: string, option: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  if (!m || Number(m[2]) > 65535) throw new DashboardError(`${option} '${text}' is not [host:]port (8080, 127.0.0.1:8080)`, "EUSAGE");
  return { host: m[1] ?? "127.0.0.1", port: Number(m[2]) };
}
