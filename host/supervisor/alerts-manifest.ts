// The `alerts:` section of services.yaml: where the kernel's alerts are delivered. Receivers are
// the host's (a URL, a command, the log); routes and every timing go to the kernel, which
// decides (assembly/alerts/). Every problem is reported with FILE:LINE:COL.
//
//   alerts:
//     receivers:
//       ops:     { webhook: "http://127.0.0.1:9000/hook", timeout: 5s, retry: { initial: 1s, max: 1m, attempts: 5 } }
//       pager:   { command: ./page.sh, args: [--urgent] }     # the alert in MYCO_ALERT_* variables
//       journal: { log: true }
//     routes:                                                  # the first that matches takes an alert
//       - { receiver: ops, severity: [warning, critical], service: web, group-wait: 10s, repeat: 4h, resolved: true }
//       - { receiver: journal }
//
// Absent timings are the kernel's defaults (-1 on the ABI): retry 1 s doubling to 1 min, 5
// attempts; group wait 10 s; repeat 4 h; every severity; every service; resolved notifications on.
import { resolve } from "node:path";
import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import type { Diagnostic } from "../manifest/diagnostics.ts";
import { parseDuration } from "../manifest/values.ts";
import { SEVERITIES, type Severity } from "../kernel/health.ts";

export type ReceiverTarget = { kind: "webhook"; url: string } | { kind: "command"; command: string; args: string[] } | { kind: "log" };

export interface ReceiverSpec {
  name: string;
  target: ReceiverTarget;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  /** -1: the kernel's default. */
  retryInitialMs: number;
  retryMaxMs: number;
  attemptsMax: number;
}

export interface RouteSpec {
  receiver: string;
  /** Empty: the kernel's default (every severity). */
  severities: Severity[];
  service?: string;
  groupWaitMs: number;
  repeatMs: number;
  sendResolved: boolean;
}

export interface AlertsSpec { receivers: ReceiverSpec[]; routes: RouteSpec[] }

/** Receivers the kernel holds (ALERT_RECEIVERS_MAX of the release and bench profiles). */
export const RECEIVERS_MAX = 8;
const DELIVERY_TIMEOUT_MS = 5000;
const RECEIVER_KEYS = ["webhook", "command", "args", "log", "timeout", "retry"];
const RETRY_KEYS = ["initial", "max", "attempts"];
const ROUTE_KEYS = ["receiver", "severity", "service", "group-wait", "repeat", "resolved"];

type Error = (node: unknown, field: string, message: string) => void;

export function readAlerts(node: unknown, dir: string, services: Set<string>, error: Error): AlertsSpec | undefined {
  if (node === undefined) return undefined;
  if (!isMap(node)) { error(node, "alerts", "expected a map with receivers and routes"); return undefined; }
  keys(node, ["receivers", "routes"], "alerts", error);
  const receiversNode = node.get("receivers", true);
  const receivers: ReceiverSpec[] = [];
  if (!isMap(receiversNode)) error(receiversNode ?? node, "alerts.receivers", "expected a map of receivers (name: { webhook: URL } or { command: ... } or { log: true })");
  else {
    for (const pair of receiversNode.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : "";
      const spec = readReceiver(pair.value, name, dir, error);
      if (spec) receivers.push(spec);
    }
    if (receivers.length > RECEIVERS_MAX) error(receiversNode, "alerts.receivers", `${receivers.length} receivers; the kernel holds at most ${RECEIVERS_MAX}`);
  }
  const routesNode = node.get("routes", true);
  const routes: RouteSpec[] = [];
  if (!isSeq(routesNode)) error(routesNode ?? node, "alerts.routes", "expected a list of routes ({ receiver: NAME, ... })");
  else {
    routesNode.items.forEach((item, i) => {
      const route = readRoute(item, `alerts.routes[${i}]`, new Set(receivers.map((r) => r.name)), services, error);
      if (route) routes.push(route);
    });
  }
  return { receivers, routes };
}

function keys(node: YAMLMap, allowed: string[], where: string, error: Error): void {
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!allowed.includes(key)) error(pair.key, `${where}.${key}`, `unknown key '${key}' in ${where}; expected one of: ${allowed.join(", ")}`);
  }
}

function duration(node: unknown, field: string, error: Error): number {
  if (node === undefined) return -1;
  const ms = parseDuration(isScalar(node) ? node.value : undefined);
  if (ms === undefined) { error(node, field, "expected a duration such as 10s or 4h"); return -1; }
  return ms;
}

function readReceiver(node: unknown, name: string, dir: string, error: Error): ReceiverSpec | null {
  const where = `alerts.receivers.${name}`;
  if (!isMap(node)) { error(node, where, "expected { webhook: URL }, { command: PROGRAM, args: [...] } or { log: true }"); return null; }
  keys(node, RECEIVER_KEYS, where, error);
  const kinds = ["webhook", "command", "log"].filter((k) => node.has(k));
  if (kinds.length !== 1) { error(node, where, `receiver '${name}' needs exactly one of webhook, command, log (has ${kinds.join(", ") || "none"})`); return null; }
  let target: ReceiverTarget;
  const value = node.get(kinds[0], true);
  const text = isScalar(value) ? String(value.value ?? "") : "";
  if (kinds[0] === "webhook") {
    if (!/^https?:\/\/[^\s/]+/.test(text)) { error(value, `${where}.webhook`, `'${text}' is not an http:// or https:// URL`); return null; }
    target = { kind: "webhook", url: text };
  } else if (kinds[0] === "command") {
    if (!text) { error(value, `${where}.command`, "expected a program (on the PATH or a path)"); return null; }
    const args = node.get("args", true);
    if (args !== undefined && (!isSeq(args) || !args.items.every(isScalar))) { error(args, `${where}.args`, "expected a list of arguments"); return null; }
    target = { kind: "command", command: text.includes("/") ? resolve(dir, text) : text, args: isSeq(args) ? args.items.map((a) => String((a as { value: unknown }).value)) : [] };
  } else {
    if (!(isScalar(value) && value.value === true)) { error(value, `${where}.log`, "expected true"); return null; }
    target = { kind: "log" };
  }
  const retry = node.get("retry", true);
  let retryInitialMs = -1, retryMaxMs = -1, attemptsMax = -1;
  if (retry !== undefined) {
    if (!isMap(retry)) { error(retry, `${where}.retry`, "expected { initial: 1s, max: 1m, attempts: 5 }"); return null; }
    keys(retry, RETRY_KEYS, `${where}.retry`, error);
    retryInitialMs = duration(retry.get("initial", true), `${where}.retry.initial`, error);
    retryMaxMs = duration(retry.get("max", true), `${where}.retry.max`, error);
    const attempts = retry.get("attempts", true);
    if (attempts !== undefined) {
      const n = isScalar(attempts) ? attempts.value : undefined;
      if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > 100) error(attempts, `${where}.retry.attempts`, `expected a whole number 1..100, got ${JSON.stringify(n)}`);
      else attemptsMax = n;
    }
  }
  const timeout = duration(node.get("timeout", true), `${where}.timeout`, error);
  return { name, target, timeoutMs: timeout < 0 ? DELIVERY_TIMEOUT_MS : timeout, retryInitialMs, retryMaxMs, attemptsMax };
}

function readRoute(node: unknown, where: string, receivers: Set<string>, services: Set<string>, error: Error): RouteSpec | null {
  if (!isMap(node)) { error(node, where, "expected { receiver: NAME, severity: [...], service: NAME, group-wait: 10s, repeat: 4h, resolved: true }"); return null; }
  keys(node, ROUTE_KEYS, where, error);
  const receiverNode = node.get("receiver", true);
  const receiver = isScalar(receiverNode) ? String(receiverNode.value ?? "") : "";
  if (!receivers.has(receiver)) { error(receiverNode ?? node, `${where}.receiver`, `receiver '${receiver}' is not defined in alerts.receivers (${[...receivers].join(", ") || "none"})`); return null; }
  const severityNode = node.get("severity", true);
  const severities: Severity[] = [];
  if (severityNode !== undefined) {
    const items = isSeq(severityNode) ? severityNode.items : [severityNode];
    for (const item of items) {
      const value = isScalar(item) ? String(item.value) : "";
      if (!(SEVERITIES as readonly string[]).includes(value)) error(item, `${where}.severity`, `'${value}' is not a severity (${SEVERITIES.join(", ")})`);
      else severities.push(value as Severity);
    }
  }
  const serviceNode = node.get("service", true);
  const service = serviceNode === undefined ? undefined : isScalar(serviceNode) ? String(serviceNode.value) : "";
  if (service !== undefined && !services.has(service)) error(serviceNode, `${where}.service`, `service '${service}' is not a service in this manifest`);
  const resolvedNode = node.get("resolved", true);
  if (resolvedNode !== undefined && !(isScalar(resolvedNode) && typeof resolvedNode.value === "boolean")) error(resolvedNode, `${where}.resolved`, "expected true or false");
  return {
    receiver, severities, service,
    groupWaitMs: duration(node.get("group-wait", true), `${where}.group-wait`, error),
    repeatMs: duration(node.get("repeat", true), `${where}.repeat`, error),
    sendResolved: isScalar(resolvedNode) ? resolvedNode.value !== false : true,
  };
}
