// `myco status SERVICE`: one service in detail, the way `systemctl status` shows a unit: its
// state and since when, health, instances with pids and uptimes, the last check results, the
// last restarts and why, and the newest log lines.
import { ask } from "../ask.ts";
import type { ServiceDetail } from "../../dashboard/types.ts";
import type { Output } from "../output.ts";

/** Log lines shown (`myco logs SERVICE` has them all). */
const LOG_LINES = 10;
/** Recovery entries shown. */
const RECOVERY_LINES = 5;

export async function serviceStatus(io: Output, socket: string | undefined, service: string, json: boolean): Promise<number> {
  return ask(io, socket, { command: "detail", service }, (answer) => {
    const detail = answer.detail!;
    if (json) return io.out(JSON.stringify(detail, null, 2));
    for (const line of formatDetail(detail, Date.now())) io.out(line);
  }, json);
}

export function formatDetail(d: ServiceDetail, nowMs: number): string[] {
  const v = d.view;
  const mark = v.state === "running" ? "●" : v.state === "failed" ? "×" : "○";
  const lines = [
    `${mark} ${d.name}`,
    `     state: ${v.state} since ${clock(d.sinceMs)} (${ago(nowMs - d.sinceMs)} ago)`,
    `    health: ${v.health}`,
    `  restarts: ${v.restarts}${v.strategy ? `   strategy: ${v.strategy}` : ""}${v.gateway ? `   gateway: ${v.gateway}` : ""}`,
    ...v.dependencies.map((dep, i) => `${i === 0 ? "   depends: " : "            "}${dep.kind} ${dep.to}`),
    ` instances:`,
    ...v.instances.map((i) => `    #${i.ordinal} ${i.state}${i.pid ? ` pid ${i.pid}` : ""}${i.uptimeMs !== null ? ` up ${ago(i.uptimeMs)}` : ""} runs ${i.runs}`
      + `${i.inFlight !== null ? ` in-flight ${i.inFlight}` : ""}${i.breaker ? ` breaker ${i.breaker}` : ""}${i.ejected ? " ejected" : ""}`),
    `    checks:${d.checks.length ? "" : " none run yet"}`,
    ...d.checks.map((c) => `    #${c.ordinal} ${c.kind} ${c.ok ? "pass" : c.timedOut ? "timeout" : "fail"} ${c.latencyMs.toFixed(1)} ms at ${clock(c.timeMs)}${c.ok ? "" : `: ${c.message}`}`),
    `  restarts and recovery:${d.recovery.length ? "" : " none"}`,
    ...d.recovery.slice(-RECOVERY_LINES).map((e) => `    ${clock(e.timeMs)} ${e.text}`),
    "",
    ...d.logs.slice(-LOG_LINES).map((l) => `${clock(l.timeMs)} ${d.name}#${l.ordinal} ${l.stream === "myco" ? "myco" : l.stream === "stderr" ? "err " : "out "}| ${l.text}`),
  ];
  return lines;
}

function clock(ms: number): string { return new Date(ms).toISOString().slice(11, 19); }

function ago(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}min ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor(s / 60) % 60}min`;
}
