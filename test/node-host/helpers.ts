// Helpers for the Node host tests: actions without a kernel, waiting for conditions, and
// checking whether a pid is alive.
import { readFileSync } from "node:fs";
import type { Action } from "../../host/kernel/abi.ts";

let nextHandle = 1000;

export function spawnAction(serviceName: string, ordinal = 0, instance = nextHandle++): Action {
  return { kind: "spawn", service: 0, serviceName, instance, ordinal, arg: ordinal };
}

export function actionFor(kind: "stop" | "kill", spawn: Action): Action {
  return { ...spawn, kind };
}

/** Polls `done` every 20 ms until it holds; throws with `what` after `limitMs`. */
export async function waitFor(done: () => boolean, limitMs: number, what = "condition"): Promise<void> {
  const end = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** True while `pid` exists and is not a zombie (a zombie has exited; only its parent's wait is due). */
export function running(pid: number): boolean {
  if (!alive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
