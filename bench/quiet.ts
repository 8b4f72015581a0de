// Waits for the machine to be quiet before a suite starts: the build that `npm run bench` runs
// first, and a previous suite's child processes on their way out, otherwise take CPU from the
// suite's first measurements (the 1-minute load average lags by a minute, so /proc/stat's
// counters are read instead).
import { readFileSync } from "node:fs";

/** Busy share of all cores, 0..1, over `ms`. */
async function busyShare(ms: number): Promise<number> {
  const read = () => {
    const fields = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + fields[4]; // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  const before = read();
  await new Promise((r) => setTimeout(r, ms));
  const after = read();
  const total = after.total - before.total;
  return total > 0 ? 1 - (after.idle - before.idle) / total : 0;
}

/**
 * Returns once the cores are at most `maxBusy` busy over half a second (this process's own share
 * included), or after `limitMs`: the seconds waited and the last busy share seen.
 */
export async function waitForQuiet(maxBusy = 0.15, limitMs = 60_000): Promise<{ waitedS: number; busy: number }> {
  const start = performance.now();
  for (;;) {
    const busy = await busyShare(500);
    const waitedMs = performance.now() - start;
    if (busy <= maxBusy || waitedMs >= limitMs) return { waitedS: waitedMs / 1000, busy };
  }
}
