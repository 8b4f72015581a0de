// The soak run of the fault simulator (not part of `npm test`): 10,000 seeds x 1,000 steps by
// default, split over one process per core. Prints every failure with its reproduce line, then
// the count.   npx tsx bench/soak.ts [--seeds 10000] [--steps 1000] [--from 1] [--jobs N] [--fleet]
// --fleet soaks the fleet simulator (host/sim/fleet-run.ts) instead: `npm run soak -- --fleet`.
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const seeds = option("seeds", 10_000);
const steps = option("steps", 1_000);
const from = option("from", 1);
const jobs = Math.max(1, Math.min(option("jobs", availableParallelism()), seeds));
const fleet = process.argv.includes("--fleet");
const cli = fileURLToPath(new URL("../host/sim/cli.ts", import.meta.url));

function runRange(first: number, count: number): Promise<{ passed: number; failed: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...(fleet ? ["--fleet"] : []), "--seeds", String(count), "--from", String(first), "--steps", String(steps)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk; });
    child.on("error", reject);
    child.on("close", () => {
      const m = output.match(/(\d+) passed, (\d+) failed/);
      if (!m) return reject(new Error(`seeds ${first}..${first + count - 1}: no summary\n${output}`));
      const failures = output.split("\n").filter((line) => !/ seeds x \d+ steps: /.test(line)).join("\n").trim();
      resolve({ passed: Number(m[1]), failed: Number(m[2]), output: failures });
    });
  });
}

const started = performance.now();
const per = Math.ceil(seeds / jobs);
const ranges = Array.from({ length: jobs }, (_, i) => [from + i * per, Math.min(per, seeds - i * per)] as const).filter(([, n]) => n > 0);
const results = await Promise.all(ranges.map(([first, count]) => runRange(first, count)));
for (const r of results) if (r.output) console.log(r.output);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const seconds = (performance.now() - started) / 1000;
console.log(`soak${fleet ? " --fleet" : ""}: ${seeds} seeds x ${steps} steps (${jobs} processes): ${passed} passed, ${failed} failed in ${seconds.toFixed(0)} s`);
process.exitCode = failed === 0 ? 0 : 1;
