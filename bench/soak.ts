// The soak run of the fault simulator (not part of `npm test`): 10,000 seeds x 1,000 steps by
// default, in ranges of --chunk seeds run by --jobs child processes at a time (default: one per
// core). Every finished range is appended to the results file (one JSON line naming the commit,
// the seeds, the steps, what passed and failed, each failure with its reproduce line), so a run
// stopped half way resumes with --from. Prints every failure, then the count.
//   npx tsx bench/soak.ts [--fleet] [--from 1] [--count 10000] [--steps 1000] [--jobs N] [--chunk 50] [--results FILE]
// --fleet soaks the fleet simulator (host/sim/fleet-run.ts): `npm run soak -- --fleet`;
// --seeds is the older name of --count.
import { spawn, execFileSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";

const option = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`soak: --${name} ${process.argv[at + 1]} is not a positive whole number`);
  return value;
};
const count = option("count", option("seeds", 10_000));
const steps = option("steps", 1_000);
const from = option("from", 1);
const chunk = option("chunk", 50);
const jobs = Math.min(option("jobs", availableParallelism()), Math.ceil(count / chunk));
const fleet = process.argv.includes("--fleet");
const root = fileURLToPath(new URL("../", import.meta.url));
const resultsAt = process.argv.indexOf("--results");
const resultsFile = resultsAt > 0 ? process.argv[resultsAt + 1] : fileURLToPath(new URL(`./soak-results${fleet ? "-fleet" : ""}.jsonl`, import.meta.url));
const cli = fileURLToPath(new URL("../host/sim/cli.ts", import.meta.url));

/** The commit the run tests: its hash, and whether tracked files differ from it. */
function commit(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "--short=12", "HEAD"), dirty: git("status", "--porcelain", "--untracked-files=no").length > 0 };
  } catch (error) {
    throw new Error(`soak: the results name the commit, and git could not say it (install Debian's git): ${(error as Error).message}`);
  }
}

interface Range { first: number; count: number; passed: number; failed: number; seconds: number; failures: string[] }

function runRange(first: number, n: number): Promise<Range> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", cli, ...(fleet ? ["--fleet"] : []), "--seeds", String(n), "--from", String(first), "--steps", String(steps)], {
      stdio: ["ignore", "pipe", "inherit"], cwd: root,
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk; });
    child.on("error", reject);
    child.on("close", () => {
      const m = output.match(/(\d+) passed, (\d+) failed/);
      if (!m) return reject(new Error(`seeds ${first}..${first + n - 1}: no summary\n${output}`));
      const failures = output.split("\n\n").map((s) => s.trim()).filter((s) => s && !/ seeds x \d+ steps: /.test(s));
      resolve({ first, count: n, passed: Number(m[1]), failed: Number(m[2]), seconds: (performance.now() - started) / 1000, failures });
    });
  });
}

/** The seeds of earlier runs of this commit (clean tree, same steps) in the results file. */
function coveredBefore(at: string): number {
  if (!existsSync(resultsFile)) return 0;
  let seeds = 0;
  for (const line of readFileSync(resultsFile, "utf8").split("\n")) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { commit: string; dirty: boolean; steps: number; count: number; fleet: boolean };
    if (r.commit === at && !r.dirty && r.steps === steps && r.fleet === fleet) seeds += r.count;
  }
  return seeds;
}

const { commit: at, dirty } = commit();
const started = performance.now();
const pending: Array<[number, number]> = [];
for (let first = from; first < from + count; first += chunk) pending.push([first, Math.min(chunk, from + count - first)]);
let passed = 0, failed = 0;
async function worker(): Promise<void> {
  for (let next = pending.shift(); next; next = pending.shift()) {
    const r = await runRange(next[0], next[1]);
    passed += r.passed;
    failed += r.failed;
    for (const f of r.failures) console.log(`${f}\n`);
    appendFileSync(resultsFile, `${JSON.stringify({ commit: at, dirty, fleet, steps, from: r.first, count: r.count, passed: r.passed, failed: r.failed, seconds: Math.round(r.seconds), failures: r.failures, at: new Date().toISOString() })}\n`);
    console.log(`seeds ${r.first}..${r.first + r.count - 1}: ${r.passed} passed, ${r.failed} failed in ${r.seconds.toFixed(0)} s`);
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
const seconds = (performance.now() - started) / 1000;
console.log(`soak${fleet ? " --fleet" : ""}: ${count} seeds from ${from} x ${steps} steps (${jobs} processes, commit ${at}${dirty ? " with changes" : ""}): ${passed} passed, ${failed} failed in ${seconds.toFixed(0)} s`);
if (!dirty) console.log(`${resultsFile}: ${coveredBefore(at)} seeds x ${steps} steps recorded for commit ${at} (resume with --from ${from + count})`);
process.exitCode = failed === 0 ? 0 : 1;
