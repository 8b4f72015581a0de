// Delivering one notification to one receiver, the host's only part in alerting (the kernel
// decided who, what and when): a webhook gets the notification as a JSON body (POST); a command
// runs with it in MYCO_ALERT_* variables (MYCO_ALERT_JSON has all of it); the log gets a line.
// Each has a time limit, so a dead receiver costs a pending promise, never the event loop.
import { spawn } from "node:child_process";
import type { ReceiverSpec } from "../supervisor/alerts-manifest.ts";

export interface Notification {
  receiver: string;
  group: number;
  service: string;
  state: "firing" | "resolved";
  /** Alerts gathered into this notification since the group's last one. */
  alerts: number;
  severity: string;
  reason: string;
  /** When the host sent it (Unix ms). */
  timeMs: number;
  manifest: string;
}

export type Delivered = { ok: true } | { ok: false; error: string };

export async function deliver(receiver: ReceiverSpec, notification: Notification, log: (level: "info" | "warn" | "error", text: string) => void): Promise<Delivered> {
  const target = receiver.target;
  try {
    if (target.kind === "log") {
      log(notification.state === "resolved" ? "info" : notification.severity === "critical" ? "error" : "warn", describe(notification));
      return { ok: true };
    }
    if (target.kind === "webhook") return await post(target.url, notification, receiver.timeoutMs);
    return await run(target.command, target.args, notification, receiver.timeoutMs);
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export function describe(n: Notification): string {
  return n.state === "resolved" ? `alert resolved: ${n.service} (${n.reason})`
    : `alert ${n.severity}: ${n.service} ${n.reason}${n.alerts > 1 ? ` (${n.alerts} alerts grouped)` : ""}`;
}

async function post(url: string, notification: Notification, timeoutMs: number): Promise<Delivered> {
  try {
    const response = await fetch(url, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(notification), signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok ? { ok: true } : { ok: false, error: `${url} answered ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    return { ok: false, error: `${url}: ${name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : cause ?? (error as Error).message}` };
  }
}

function run(command: string, args: string[], n: Notification, timeoutMs: number): Promise<Delivered> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: "ignore",
      env: {
        ...process.env, MYCO_ALERT_SERVICE: n.service, MYCO_ALERT_STATE: n.state, MYCO_ALERT_SEVERITY: n.severity, MYCO_ALERT_REASON: n.reason,
        MYCO_ALERT_COUNT: String(n.alerts), MYCO_ALERT_RECEIVER: n.receiver, MYCO_ALERT_JSON: JSON.stringify(n),
      },
    });
    const timer = setTimeout(() => { child.kill("SIGKILL"); resolve({ ok: false, error: `${command}: still running after ${timeoutMs} ms (killed)` }); }, timeoutMs);
    child.once("error", (error: NodeJS.ErrnoException) => { clearTimeout(timer); resolve({ ok: false, error: `${command}: ${error.code ?? error.message}` }); });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve(code === 0 ? { ok: true } : { ok: false, error: `${command} exited with ${signal ?? `code ${code}`}` });
    });
  });
}
