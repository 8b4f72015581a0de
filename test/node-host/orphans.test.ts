// No orphans: a host that is SIGKILLed (no chance to clean up) still takes its children, and
// what they spawned, with it: each child's guard sees the host's end of fd 3 close and kills
// the child's process group.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { waitFor, running } from "./helpers.ts";

const hostScript = fileURLToPath(new URL("./fixtures/orphan-host.ts", import.meta.url));

describe("orphan guard", () => {
  it("children and grandchildren die when the host is SIGKILLed", async () => {
    const host = spawn(process.execPath, ["--import", "tsx", hostScript], { stdio: ["ignore", "pipe", "inherit"] });
    let pids: number[] = [];
    try {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("the host printed no pids")), 20_000);
        createInterface({ input: host.stdout! }).once("line", (l) => { clearTimeout(timer); resolve(l); });
      });
      const report = JSON.parse(line) as { host: number; children: number[]; grandchild: number };
      pids = [...report.children, report.grandchild];
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(running(pid), `pid ${pid} runs before the host dies`).toBe(true);
      host.kill("SIGKILL");
      await waitFor(() => pids.every((pid) => !running(pid)), 5000, "every child to die with the host");
    } finally {
      host.kill("SIGKILL");
      for (const pid of pids) try { process.kill(pid, "SIGKILL"); } catch { /* gone, as expected */ }
    }
  });
});
