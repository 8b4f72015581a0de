// The dashboard page: a live view of a running `myco run` pushed over server-sent events, or a
// simulation replay (?mode=replay). Every request carries the token from the page's URL.
import { DependencyGraph } from "./graph.js";
import { ServiceCharts } from "./charts.js";
import { startReplay } from "./replay.js";

const EVENTS_SHOWN = 300;
const ALERTS_SHOWN = 100;
const HEALTH_CODES = ["unknown", "healthy", "degraded", "unhealthy"];

const params = new URLSearchParams(location.search);
const token = params.get("token") ?? "";
const $ = (selector) => document.querySelector(selector);

export const view = {
  graph: new DependencyGraph($("#graph"), (name) => openDetail(name)),
  live: params.get("mode") !== "replay",
};

export async function api(path, options = {}) {
  const response = await fetch(path, { ...options, headers: { "x-myco-token": token, ...(options.headers ?? {}) } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? `${response.status}`);
  return body;
}

export function toast(text) {
  const node = $("#toast");
  node.textContent = text;
  node.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => node.classList.remove("shown"), 2500);
}

// ---- the services table ----

/** services: [{ name, state, health, healthHistory, instances, restarts, strategy }] */
export function renderServices(services) {
  const body = $("#services tbody");
  const rows = new Map([...body.rows].map((row) => [row.dataset.service, row]));
  services.forEach((service, index) => {
    let row = rows.get(service.name);
    if (!row) {
      row = body.insertRow();
      row.dataset.service = service.name;
      row.addEventListener("click", (event) => { if (!event.target.closest("button")) openDetail(service.name); });
    }
    rows.delete(service.name);
    if (body.rows[index] !== row) body.insertBefore(row, body.rows[index] ?? null);
    fillRow(row, service);
  });
  for (const row of rows.values()) row.remove();
  view.graph.update(services);
}

function fillRow(row, s) {
  row.dataset.state = s.state;
  // Only what is shown decides a redraw (uptimes are shown in whole seconds).
  const labels = s.instances.map((i) => [instanceLabel(i), i.state, i.pid, i.ejected]);
  const key = JSON.stringify([s.state, s.health, s.healthHistory, labels, s.restarts, s.strategy]);
  if (row.dataset.key === key) return;
  row.dataset.key = key;
  const cells = [
    text(s.name),
    span(s.state, `state state-${s.state}`),
    healthCell(s),
    instancesCell(s.instances),
    text(String(s.restarts)),
    text(s.strategy || "–"),
  ];
  if (view.live) cells.push(actionButtons(s.name));
  row.replaceChildren(...cells.map((content) => { const td = document.createElement("td"); td.append(content); return td; }));
  row.cells[1].classList.add("state-cell");
}

function healthCell(s) {
  const wrap = document.createElement("span");
  wrap.className = `health health-${s.health}`;
  wrap.textContent = s.health;
  if (s.healthHistory?.length > 1) wrap.append(sparkline(s.healthHistory));
  return wrap;
}

/** Health over the last minute: up is healthy, down is unhealthy. */
function sparkline(codes) {
  const width = 60, height = 14;
  const level = { 0: 0.5, 1: 1, 2: 0.5, 3: 0 };
  const points = codes.map((c, i) => `${(i / (codes.length - 1)) * width},${(1 - level[c]) * (height - 2) + 1}`).join(" ");
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "spark");
  svg.setAttribute("width", width);
  svg.setAttribute("height", height);
  svg.innerHTML = `<polyline fill="none" stroke="${codes.at(-1) === 1 ? "#2ea043" : "#d29922"}" stroke-width="1.5" points="${points}"/>`;
  svg.setAttribute("aria-label", codes.map((c) => HEALTH_CODES[c]).join(" "));
  return svg;
}

function instancesCell(instances) {
  const wrap = document.createElement("span");
  for (const i of instances) {
    const node = span("", `instance state-${i.state}`);
    node.dataset.instance = String(i.ordinal);
    node.dataset.state = i.state;
    node.dataset.ejected = String(!!i.ejected);
    if (i.pid) node.dataset.pid = String(i.pid);
    node.textContent = instanceLabel(i);
    wrap.append(node);
  }
  return wrap;
}

function instanceLabel(i) {
  const parts = [`#${i.ordinal} ${i.state}`];
  if (i.pid) parts.push(`pid ${i.pid}`);
  if (i.uptimeMs !== null && i.uptimeMs !== undefined) parts.push(`up ${duration(i.uptimeMs)}`);
  if (i.runs !== undefined) parts.push(`runs ${i.runs}`);
  if (i.inFlight !== null && i.inFlight !== undefined) parts.push(`in-flight ${i.inFlight}`);
  if (i.breaker) parts.push(`breaker ${i.breaker}`);
  if (i.ejected) parts.push("ejected");
  return parts.join(" · ");
}

function actionButtons(service) {
  const wrap = document.createElement("span");
  for (const action of ["restart", "stop", "start"]) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = action;
    button.dataset.action = action;
    button.addEventListener("click", () => act(service, action));
    wrap.append(button);
  }
  return wrap;
}

async function act(service, action) {
  try {
    await api(`/api/services/${encodeURIComponent(service)}/${action}`, { method: "POST" });
    toast(`${service}: ${action} requested`);
  } catch (error) {
    toast(`${service}: ${action} refused: ${error.message}`);
  }
}

// ---- events, alerts, detail ----

export function renderEvents(events, replace = false) {
  const list = $("#events");
  if (replace) list.replaceChildren();
  for (const e of events) {
    const item = document.createElement("li");
    item.className = `level-${e.level ?? "info"}`;
    item.dataset.seq = String(e.seq);
    item.textContent = `${clock(e.timeMs)} ${e.text}`;
    list.prepend(item);
  }
  while (list.children.length > EVENTS_SHOWN) list.lastElementChild.remove();
}

function renderAlerts(alerts) {
  const list = $("#alerts");
  if (alerts.length) list.querySelector(".empty")?.remove();
  for (const a of alerts) {
    const item = document.createElement("li");
    item.className = `severity-${a.severity}`;
    item.dataset.service = a.service;
    item.textContent = `${clock(a.timeMs)} ${a.severity} ${a.service}: ${a.reason}`;
    list.prepend(item);
  }
  while (list.children.length > ALERTS_SHOWN) list.lastElementChild.remove();
}

export async function openDetail(name, detail) {
  $("#detail").hidden = false;
  $("#detail-name").textContent = name;
  $("#detail").dataset.service = name;
  $("#detail-actions").replaceChildren(actionButtons(name));
  try {
    fillDetail(detail ?? (view.live ? await api(`/api/services/${encodeURIComponent(name)}`) : view.replayDetail(name)));
  } catch (error) {
    $("#detail-logs").textContent = `could not read the detail: ${error.message}`;
  }
}

function fillDetail(d) {
  table($("#detail-checks"), ["instance", "check", "result", "latency", "when"],
    d.checks.map((c) => [`#${c.ordinal}`, c.kind, c.ok ? "pass" : `${c.timedOut ? "timeout" : "fail"}: ${c.message}`, `${c.latencyMs.toFixed(1)} ms`, clock(c.timeMs)]));
  $("#detail-recovery").replaceChildren(...(d.recovery.length ? d.recovery : [{ timeMs: null, text: "nothing yet" }]).map((e) => {
    const li = document.createElement("li");
    li.textContent = e.timeMs === null ? e.text : `${clock(e.timeMs)} ${e.text}`;
    return li;
  }));
  table($("#detail-config"), ["key", "value"], Object.entries(d.config).map(([k, v]) => [k, v ?? "(unset)"]));
  $("#detail-logs").textContent = d.logs.map((l) => `${clock(l.timeMs)} #${l.ordinal} ${l.stream.padEnd(6)}| ${l.text}`).join("\n") || "(no output yet)";
}

function table(node, head, rows) {
  node.innerHTML = "";
  const header = node.createTHead().insertRow();
  for (const h of head) header.append(Object.assign(document.createElement("th"), { textContent: h }));
  const body = node.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
  if (!rows.length) body.insertRow().insertCell().textContent = "none";
}

// ---- the live feed ----

async function startLive() {
  const charts = new ServiceCharts($("#charts"), $("#chart-service"));
  $("#reload").addEventListener("click", async () => {
    try { toast(`manifest reloaded: revision ${(await api("/api/reload", { method: "POST" })).revision}`); } catch (error) { toast(`reload refused: ${error.message}`); }
  });
  const apply = (poll, first) => {
    const snap = poll.snapshot;
    $("#manifest").textContent = `${snap.manifest} · pid ${snap.pid} · revision ${snap.revision}`;
    $("#uptime").textContent = `up ${duration(snap.uptimeMs)}`;
    renderServices(snap.services);
    charts.services(snap.services.map((s) => s.name), snap.services.find((s) => s.strategy)?.name);
    charts.add(poll.points);
    renderEvents(poll.events, first);
    renderAlerts(poll.alerts);
    cursor = poll.cursor;
    document.body.dataset.updated = String(Date.now());
    document.body.dataset.eventSeq = String(poll.cursor.events);
  };
  let cursor;
  apply(await api("/api/state"), true);
  const connect = () => {
    const stream = new EventSource(`/api/stream?token=${encodeURIComponent(token)}&cursor=${cursor.events}.${cursor.points}.${cursor.alerts}`);
    stream.onopen = () => { $("#connection").dataset.state = "live"; $("#connection").textContent = "live"; };
    stream.onmessage = (message) => apply(JSON.parse(message.data), false);
    stream.onerror = () => {
      stream.close();
      $("#connection").dataset.state = "lost";
      $("#connection").textContent = "reconnecting";
      setTimeout(connect, 1000);
    };
  };
  connect();
  $("#detail-close").addEventListener("click", () => { $("#detail").hidden = true; });
}

// ---- helpers ----

function text(value) { return document.createTextNode(value); }
function span(value, className) { const s = document.createElement("span"); s.className = className; s.textContent = value; return s; }
export function clock(ms) { return new Date(ms).toISOString().slice(11, 23); }
function duration(ms) {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, "0")}m`;
}

if (view.live) {
  startLive().catch((error) => {
    $("#connection").dataset.state = "lost";
    $("#connection").textContent = error.message;
  });
} else {
  document.body.classList.add("replay");
  $("#detail-close").addEventListener("click", () => { $("#detail").hidden = true; });
  startReplay({ api, renderEvents, renderServices, view }).catch((error) => { $("#replay-verdict").textContent = `replay not loaded: ${error.message}`; });
}
