// `npm run bench`: runs every bench/*.bench.ts, each in a process of its own (bench/suite.ts),
// prints one table, and writes bench/results.json
// (rows: name, unit, value, peer, peerValue, ratio; a ratio above 1 means Myco is better than the
// peer on that row), then rewrites the numbers of README.md and targets/README.md from it
// (bench/report.ts). Naming suites on the command line runs only those and writes nothing, so a
// partial run never replaces the full record.
import { readdir, writeFile, readFile, mkdtemp, rm } from "node:fs/promises";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import type { BenchRow } from "./harness.ts";
import { writeReports } from "./report.ts";
import { waitForQuiet } from "./quiet.ts";

const here = new URL("./", import.meta.url);
const only = process.argv.slice(2);

const suites = (await readdir(here)).filter((f) => f.endsWith(".bench.ts")).filter((f) => only.length === 0 || only.some((o) => f.includes(o))).sort();
const rows: BenchRow[] = [];
// The conditions of the run, reported with its numbers: the machine is shared.
const conditions = (name: string, unit: string, value: number): BenchRow => ({ name, unit, value, peer: null, peerValue: null, ratio: null });
const loadAtStart = loadavg()[0];
let waitedS = 0;
const scratch = await mkdtemp(join(tmpdir(), "myco-bench-"));

/** Runs one suite in a fresh Node process (bench/suite.ts) and returns its rows. */
async function runSuite(file: string): Promise<BenchRow[]> {
  const out = join(scratch, `${file}.json`);
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(new URL("suite.ts", here)), `./${file}`, out], { stdio: "inherit" });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`bench/${file} exited with ${code}`);
  return JSON.parse(await readFile(out, "utf8")) as BenchRow[];
}

for (const file of suites) {
  const quiet = await waitForQuiet();
  waitedS += quiet.waitedS;
  if (quiet.waitedS > 1) console.error(`${file}: waited ${quiet.waitedS.toFixed(1)} s for a quiet machine (cores ${(quiet.busy * 100).toFixed(0)} % busy at the start)`);
  const started = performance.now();
  const result = await runSuite(file);
  rows.push(...result);
  console.error(`${file}: ${result.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await rm(scratch, { recursive: true, force: true });

rows.push(conditions("bench conditions: cores", "count", availableParallelism()));
rows.push(conditions("bench conditions: 1-minute load average at the start", "load", loadAtStart));
rows.push(conditions("bench conditions: 1-minute load average at the end", "load", loadavg()[0]));
rows.push(conditions("bench conditions: seconds waited for a quiet machine before the suites", "s", waitedS));

const format = (value: number | null) => {
  if (value === null) return "";
  return Math.abs(value) >= 1000 ? Math.round(value).toString() : Number(value.toPrecision(3)).toString();
};
const table = rows.map((r) => ({
  name: r.name,
  value: `${format(r.value)} ${r.unit}`,
  peer: r.peer ?? "",
  "peer value": r.peerValue === null ? "" : `${format(r.peerValue)} ${r.unit}`,
  ratio: r.ratio === null ? "" : `${format(r.ratio)}x`,
}));
const columns = ["name", "value", "peer", "peer value", "ratio"] as const;
const widths = columns.map((c) => Math.max(c.length, ...table.map((t) => t[c].length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
console.log(line([...columns]));
for (const t of table) console.log(line(columns.map((c) => t[c])));
if (only.length > 0) {
  console.log(`\n${rows.length} rows (a partial run: bench/results.json is left as it was; ratio > 1: Myco better)`);
} else {
  await writeFile(fileURLToPath(new URL("results.json", here)), `${JSON.stringify(rows, null, 2)}\n`);
  console.log(`\n${rows.length} rows written to bench/results.json (ratio > 1: Myco better)`);
  writeReports(rows); // the README's and targets/README.md's numbers (bench/report.ts)
  console.log("README.md and targets/README.md: bench blocks rewritten from the results");
}
