// The control socket's server in a running `myco run` (the requests and answers: control-protocol.ts):
// a Unix-domain socket in the per-user runtime directory (runtime-dir.ts), the socket 0600, so
// only the same user (and root) can connect. One JSON request per connection, one JSON answer.
//
// Every request carries "credential": the token of a role's credential file (credentials.ts).
// The kernel authorises every command against the caller's capabilities (assembly/security/) and
// audits it; the server appends the kernel's audit events to the hash-chained trail beside the
// socket (audit-trail.ts). A caller without a valid credential is denied everything.
import { createServer, connect, type Server } from "node:net";
import { chmodSync, unlinkSync, existsSync } from "node:fs";
import { AccessControl, auditDecision, type ControlCommand } from "../kernel/security.ts";
import { issueCredentials, Authenticator, ROLE_NAMES } from "./credentials.ts";
import { defaultAuditPath } from "./runtime-dir.ts";
import type { ControlRequest, ControlResponse, ControlMessage, InstanceLogLine } from "./control-protocol.ts";
import { AuditTrail } from "./audit-trail.ts";
import type { Supervisor } from "./supervisor.ts";
import { serviceStatus } from "./status.ts";
import { describeError } from "./supervisor.ts";
import { upgradeRunningKernel } from "./upgrade.ts";
import { LocalSource, EMPTY_CURSOR } from "../dashboard/source.ts";

/** The kernel's control command each request needs (detail, alerts and whoami are status reads; the dashboard is metrics). */
const AUTHORITY: Record<ControlRequest["command"], ControlCommand> = {
  status: "status", logs: "logs", detail: "status", dashboard: "metrics", alerts: "status", whoami: "status",
  restart: "restart", reload: "reload", start: "start", stop: "stop", silence: "silence", unsilence: "silence",
  "upgrade-kernel": "upgrade", rollout: "rollout",
};

const COMMANDS = Object.keys(AUTHORITY);

/** A request larger than this is refused (they are a few dozen bytes). */
const REQUEST_BYTES_MAX = 4096;
/** Lines a logs request may ask for per instance. */
const LOG_LINES_MAX = 10_000;

export interface ControlOptions {
  /** Where the audit trail is appended (default: control.audit beside the socket). */
  auditFile?: string;
}

export class ControlServer {
  private server: Server | undefined;
  /** What `myco dashboard` and `myco status SERVICE` read: the feed of this run's changes. */
  private dashboard: LocalSource | undefined;
  private readonly access: AccessControl;
  private readonly callers = new Authenticator<number>();
  private trail: AuditTrail | undefined;
  private stopAuditing: (() => void) | undefined;

  constructor(private readonly supervisor: Supervisor, readonly path: string, private readonly options: ControlOptions = {}) {
    this.access = new AccessControl(supervisor.kernel);
  }

  /** The audit trail's file. */
  get auditFile(): string { return this.options.auditFile ?? defaultAuditPath(this.path); }

  /** One principal per role, named after it, whose credential file is written beside the socket. */
  private admitCallers(): void {
    const tokens = issueCredentials(this.path);
    for (const role of ROLE_NAMES) {
      let id: number;
      try { id = this.access.principal(role); } catch { id = this.access.addPrincipal(role, role); }
      this.callers.add(tokens.get(role)!, id);
    }
    this.trail = new AuditTrail(this.auditFile);
    this.stopAuditing = this.supervisor.onEvent((event) => {
      const decision = auditDecision(event);
      if (!decision || !this.trail) return;
      this.trail.append({
        principal: this.access.principalName(decision.principal), role: decision.role, command: decision.command,
        service: decision.command === "roles" ? this.access.principalName(decision.subject) : decision.subject < 0 ? null : event.serviceName,
        allowed: decision.allowed, code: decision.code,
      });
    });
  }

  /** Listens; a live socket at the path means another `myco run`; a stale one is replaced. */
  async listen(): Promise<void> {
    if (existsSync(this.path)) {
      if (await answers(this.path)) throw new Error(`another myco run is listening on ${this.path}`);
      unlinkSync(this.path);
    }
    const server = createServer((socket) => {
      let input = "";
      socket.setEncoding("utf8");
      socket.setTimeout(5000, () => socket.destroy());
      socket.on("data", (chunk: string) => {
        input += chunk;
        if (input.length > REQUEST_BYTES_MAX) return void socket.end(`${JSON.stringify({ ok: false, error: "request too large" })}\n`);
        const newline = input.indexOf("\n");
        if (newline < 0) return;
        void Promise.resolve(this.answer(input.slice(0, newline))).then((response) => socket.end(`${JSON.stringify(response)}\n`));
      });
      socket.on("error", () => socket.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      // The directory is 0700 already; the umask keeps the socket private from its first instant.
      const umask = process.umask(0o177);
      server.listen(this.path, () => {
        process.umask(umask);
        resolve();
      });
    });
    chmodSync(this.path, 0o600);
    this.admitCallers();
    this.server = server;
    this.dashboard = new LocalSource(this.supervisor); // from the start: `myco status SERVICE` tells since when
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.dashboard?.close();
    this.stopAuditing?.();
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    try { unlinkSync(this.path); } catch { /* gone already */ }
  }

  /** The answer to one request; a kernel upgrade answers later (its module compiles off the main thread). */
  private answer(line: string): ControlResponse | Promise<ControlResponse> {
    let request: ControlMessage;
    try {
      request = JSON.parse(line) as ControlMessage;
    } catch {
      return { ok: false, error: "the request is not JSON" };
    }
    if (typeof request !== "object" || request === null || !Object.hasOwn(AUTHORITY, String(request.command))) {
      return { ok: false, error: `unknown command '${(request as { command?: unknown } | null)?.command}'; expected ${COMMANDS.join(", ")}` };
    }
    try {
      const principal = this.callers.identify(request.credential) ?? -1;
      this.authorise(principal, request);
      switch (request.command) {
        case "whoami":
          return { ok: true, principal: this.access.principalName(principal), role: this.access.role(principal) };
        case "status":
          return {
            ok: true, status: serviceStatus(this.supervisor), pid: process.pid, manifest: this.supervisor.hostManifest.file,
            uptimeMs: Date.now() - this.supervisor.startedAt, resources: this.supervisor.enforcer.describe(),
          };
        case "logs": return this.logs(request);
        case "restart":
          this.supervisor.restart(String(request.service));
          return { ok: true };
        case "reload":
          return { ok: true, revision: this.supervisor.reload() };
        case "start":
          this.supervisor.startService(String(request.service));
          return { ok: true };
        case "stop":
          this.supervisor.stopService(String(request.service));
          return { ok: true };
        case "detail":
          return { ok: true, detail: this.source().detailNow(String(request.service)) };
        case "dashboard":
          return { ok: true, poll: this.source().pollNow({ ...EMPTY_CURSOR, ...request.cursor }) };
        case "alerts":
          return { ok: true, alerts: this.supervisor.notifier.view() };
        case "silence":
          return {
            ok: true,
            silence: this.supervisor.notifier.silence(request.service === undefined ? undefined : String(request.service), Math.floor(Number(request.durationMs)), String(request.reason ?? "")),
          };
        case "unsilence":
          this.supervisor.notifier.unsilence(Math.floor(Number(request.id)));
          return { ok: true };
        case "upgrade-kernel":
          return upgradeRunningKernel(this.supervisor, request.file === undefined ? undefined : String(request.file))
            .then((upgrade): ControlResponse => ({ ok: true, upgrade }), (error: unknown): ControlResponse => ({ ok: false, error: describeError(error) }));
        case "rollout":
          return { ok: true, rollout: this.supervisor.rollout(request.action, String(request.service), request.revision) };
        default:
          return { ok: false, error: `unknown command '${(request as { command?: unknown }).command}'; expected ${COMMANDS.join(", ")}` };
      }
    } catch (error) {
      return { ok: false, error: describeError(error) };
    }
  }

  /** The kernel's decision (it audits it); the driver then passes the audit event on to the trail. */
  private authorise(principal: number, request: ControlRequest): void {
    const service = "service" in request && typeof request.service === "string" ? request.service : undefined;
    const known = service !== undefined && this.supervisor.kernel.exports.serviceLookup(this.supervisor.kernel.put(service)) >= 0;
    try {
      this.access.authorise(principal, AUTHORITY[request.command], known ? service : undefined);
    } catch (error) {
      if (principal < 0) (error as Error).message += " (no valid credential: is this your run? choose a role with --as ROLE, or a file with MYCO_CREDENTIAL)";
      throw error;
    } finally {
      this.supervisor.driver.poke();
    }
  }

  private source(): LocalSource {
    this.dashboard ??= new LocalSource(this.supervisor);
    return this.dashboard;
  }

  private logs(request: { service?: string; lines?: number; since?: Record<string, number> }): ControlResponse {
    const { kernel } = this.supervisor;
    const services = request.service === undefined ? kernel.serviceIds().map((id) => kernel.name(id)) : [String(request.service)];
    // An unknown service is an error, with the kernel's message naming it.
    for (const service of services) kernel.id(service);
    const count = Math.max(1, Math.min(LOG_LINES_MAX, Math.floor(Number(request.lines ?? 100)) || 100));
    const logs: InstanceLogLine[] = [];
    const next: Record<string, number> = {};
    for (const service of services) {
      for (const { ordinal, ring } of this.supervisor.executor.logsOf(service)) {
        const key = `${service}#${ordinal}`;
        const seen = request.since?.[key];
        const lines = seen === undefined ? ring.lines(count) : ring.since(seen).lines;
        next[key] = ring.counters.lines;
        for (const line of lines) logs.push({ ...line, service, ordinal });
      }
    }
    logs.sort((a, b) => a.timeMs - b.timeMs || a.ordinal - b.ordinal);
    return { ok: true, logs: request.since !== undefined ? logs : logs.slice(-count), next };
  }
}

/** True when something accepts connections at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}
