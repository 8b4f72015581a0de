// What a client says to a running `myco run` over its control socket (the server: control.ts),
// and the client's one call. One JSON request per connection, carrying the caller's credential
// (credentials.ts), one JSON answer, then the connection closes:
//
//   {"command":"status"}                          -> {"ok":true,"status":[...rows],"pid":...}
//   {"command":"logs","service":"web","lines":50} -> {"ok":true,"logs":[{service,ordinal,timeMs,stream,text}],"next":{...}}
//                                                    (no service: every service's lines, in time order)
//   {"command":"restart","service":"web"}         -> {"ok":true} | {"ok":false,"error":"..."}
//   {"command":"reload"}                          -> {"ok":true,"revision":N} | {"ok":false,"error":"..."}
//   {"command":"start"|"stop","service":"web"}    -> {"ok":true} | {"ok":false,"error":"..."}
//   {"command":"detail","service":"web"}          -> {"ok":true,"detail":{config,logs,checks,recovery}}
//   {"command":"dashboard","cursor":{...}}        -> {"ok":true,"poll":{cursor,snapshot,events,points,alerts}}
//   {"command":"alerts"}                          -> {"ok":true,"alerts":{receivers,silences,sent}}
//   {"command":"silence","service":"web","durationMs":3600000,"reason":"..."} (no service: all) -> {"ok":true,"silence":{id,...}}
//   {"command":"unsilence","id":0}                -> {"ok":true}
//   {"command":"rollout","action":"status"|"history"|"undo"|"pause"|"resume"|"promote","service":"web","revision":3}
//                                                 -> {"ok":true,"rollout":{status,history,revisions}}
//   {"command":"whoami"}                          -> {"ok":true,"principal":"operator","role":"operator"}
import { connect } from "node:net";
import { clientCredential } from "./credentials.ts";
import type { ServiceStatus } from "./status.ts";
import type { KernelUpgrade } from "./upgrade.ts";
import type { RolloutAction, RolloutView } from "./supervisor.ts";
import type { LogLine } from "../executors/log-ring.ts";
import type { Cursor, Poll, ServiceDetail } from "../dashboard/types.ts";
import type { AlertsView, SilenceView } from "../alerts/notifier.ts";

export type ControlRequest =
  | { command: "status" }
  | { command: "logs"; service?: string; lines?: number; since?: Record<string, number> }
  | { command: "restart"; service: string }
  | { command: "reload" }
  | { command: "start" | "stop" | "detail"; service: string }
  | { command: "dashboard"; cursor?: Cursor }
  | { command: "alerts" }
  | { command: "silence"; service?: string; durationMs: number; reason?: string }
  | { command: "unsilence"; id: number }
  | { command: "whoami" }
  | { command: "upgrade-kernel"; file?: string }
  | { command: "rollout"; action: RolloutAction; service: string; revision?: number };

/** A request as it travels: the caller's credential with it. */
export type ControlMessage = ControlRequest & { credential?: string };

export interface InstanceLogLine extends LogLine { service: string; ordinal: number }

export type ControlResponse =
  | {
    ok: true; status?: ServiceStatus[]; pid?: number; manifest?: string; uptimeMs?: number; resources?: string; logs?: InstanceLogLine[]; next?: Record<string, number>;
    revision?: number; poll?: Poll; detail?: ServiceDetail; alerts?: AlertsView; silence?: SilenceView; principal?: string; role?: string;
    upgrade?: KernelUpgrade; rollout?: RolloutView;
  }
  | { ok: false; error: string };

export class ControlUnavailable extends Error {
  constructor(readonly path: string, reason: string) {
    super(`no myco run is answering on ${path} (${reason}); start one with \`myco run services.yaml\``);
    this.name = "ControlUnavailable";
  }
}

/** Sends one request to a running `myco run`; rejects with ControlUnavailable if none answers. */
export function controlRequest(path: string, request: ControlRequest, timeoutMs = 5000, credential?: string): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    let message: ControlMessage;
    try {
      message = { ...request, credential: credential ?? clientCredential(path) };
    } catch (error) {
      return reject(new ControlUnavailable(path, (error as Error).message));
    }
    const socket = connect(path);
    let output = "";
    const timer = setTimeout(() => { socket.destroy(); reject(new ControlUnavailable(path, `no answer within ${timeoutMs} ms`)); }, timeoutMs);
    socket.setEncoding("utf8");
    socket.once("connect", () => socket.write(`${JSON.stringify(message)}\n`));
    socket.on("data", (chunk: string) => { output += chunk; });
    socket.once("end", () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(output) as ControlResponse);
      } catch {
        reject(new Error(`the answer from ${path} is not JSON: ${output.slice(0, 100)}`));
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new ControlUnavailable(path, error.code === "ENOENT" ? "no socket" : error.code === "ECONNREFUSED" ? "stale socket" : error.code ?? error.message));
    });
  });
}
