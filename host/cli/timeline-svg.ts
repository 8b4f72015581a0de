// An SVG timeline of service states over (virtual) time: one row per service, one coloured
// bar per state it was in, a red tick for every fault and a blue one for every restart. Plain
// SVG 1.1 with a legend: it opens in any browser.
import type { KernelEvent, State } from "../kernel/abi.ts";
import { recoveryOf } from "../kernel/recovery.ts";

const COLOURS: Record<State, string> = {
  stopped: "#d0d0d0", starting: "#9ecae1", running: "#41ab5d", stopping: "#fdae6b",
  failed: "#de2d26", disabled: "#636363", backoff: "#fed976",
};

const ROW_PX = 26;
const LABEL_PX = 130;
const PLOT_PX = 860;
const TOP_PX = 30;

export interface Timeline {
  services: string[];
  events: KernelEvent[];
  endMs: number;
  title: string;
}

export function timelineSvg({ services, events, endMs, title }: Timeline): string {
  const spanMs = Math.max(1, endMs);
  const x = (t: number) => LABEL_PX + (Math.min(t, spanMs) / spanMs) * PLOT_PX;
  const height = TOP_PX + services.length * ROW_PX + 60;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_PX + PLOT_PX + 20}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escape(title)}</title>`,
    `<text x="${LABEL_PX}" y="16" font-weight="bold">${escape(title)}</text>`,
  ];
  services.forEach((service, row) => {
    const y = TOP_PX + row * ROW_PX;
    out.push(`<text x="${LABEL_PX - 8}" y="${y + 16}" text-anchor="end">${escape(service)}</text>`);
    let state: State = "stopped";
    let since = 0;
    const bar = (until: number) => {
      if (until > since) out.push(`<rect x="${x(since).toFixed(1)}" y="${y + 4}" width="${Math.max(0.5, x(until) - x(since)).toFixed(1)}" height="${ROW_PX - 8}" fill="${COLOURS[state]}"><title>${escape(`${service} ${state} ${fmt(since)}..${fmt(until)}`)}</title></rect>`);
    };
    for (const e of events) {
      if (e.serviceName !== service) continue;
      if (e.kind === "service-state") {
        bar(e.timeMs);
        state = e.to;
        since = e.timeMs;
      } else if (e.kind === "fault" || isRestart(e)) {
        const colour = e.kind === "fault" ? "#a50f15" : "#08519c";
        out.push(`<line x1="${x(e.timeMs).toFixed(1)}" y1="${y + 1}" x2="${x(e.timeMs).toFixed(1)}" y2="${y + ROW_PX - 1}" stroke="${colour}" stroke-width="1.5"><title>${escape(`${service} ${e.kind} at ${fmt(e.timeMs)}`)}</title></line>`);
      }
    }
    bar(spanMs);
  });
  const axisY = TOP_PX + services.length * ROW_PX + 4;
  out.push(`<line x1="${LABEL_PX}" y1="${axisY}" x2="${LABEL_PX + PLOT_PX}" y2="${axisY}" stroke="#000"/>`);
  const step = niceStep(spanMs / 10);
  for (let t = 0; t <= spanMs; t += step) {
    out.push(`<line x1="${x(t).toFixed(1)}" y1="${axisY}" x2="${x(t).toFixed(1)}" y2="${axisY + 4}" stroke="#000"/>`);
    out.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  let legendX = LABEL_PX;
  const legendY = axisY + 34;
  for (const [state, colour] of Object.entries(COLOURS)) {
    out.push(`<rect x="${legendX}" y="${legendY - 10}" width="12" height="12" fill="${colour}"/><text x="${legendX + 16}" y="${legendY}">${state}</text>`);
    legendX += 90;
  }
  out.push(`<line x1="${legendX}" y1="${legendY - 10}" x2="${legendX}" y2="${legendY + 2}" stroke="#a50f15" stroke-width="2"/><text x="${legendX + 6}" y="${legendY}">fault</text>`);
  out.push(`<line x1="${legendX + 60}" y1="${legendY - 10}" x2="${legendX + 60}" y2="${legendY + 2}" stroke="#08519c" stroke-width="2"/><text x="${legendX + 66}" y="${legendY}">restart</text>`);
  out.push("</svg>");
  return out.join("\n");
}

function isRestart(e: KernelEvent): boolean {
  const step = recoveryOf(e)?.step;
  return step === "restart" || step === "restart-backoff" || step === "restart-instance";
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

function fmt(ms: number): string { return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`; }

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}
