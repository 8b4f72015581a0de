// `npm test`: build every profile, run the kernel's as-pect specs, then the vitest suites, and
// end with one line CI can read: "N passed, N failed" over both runners.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "./build.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bin = (name: string) => fileURLToPath(new URL(`../../node_modules/.bin/${name}`, import.meta.url));

/** Runs a command with its output shown live; resolves with the exit code and the output. */
function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" } });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk; process.stdout.write(chunk); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk; process.stderr.write(chunk); });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** as-pect prints "Pass: P / T" per spec file; anything not passed counts as failed. */
function countSpecs(output: string): { passed: number; failed: number } {
  let passed = 0;
  let total = 0;
  for (const m of output.replace(/\x1b\[[0-9;]*m/g, "").matchAll(/Pass: (\d+) \/ (\d+)/g)) {
    passed += Number(m[1]);
    total += Number(m[2]);
  }
  return { passed, failed: total - passed };
}

async function main(): Promise<number> {
  const started = performance.now();
  await build();
  console.log(`build: every profile compiled in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);

  const types = await run(process.execPath, [bin("tsc"), "-p", "."]);
  console.log(types.code === 0 ? "typecheck (tsc): clean\n" : "typecheck (tsc): errors above\n");

  const specs = await run(process.execPath, [bin("asp"), "--config", "as-pect.config.js"]);
  const specCounts = countSpecs(specs.output);
  if (specs.code !== 0 && specCounts.failed === 0) specCounts.failed = 1; // a compile error or crash

  const report = fileURLToPath(new URL("../../build/vitest-report.json", import.meta.url));
  const host = await run(process.execPath, [bin("vitest"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
  const json = JSON.parse(await readFile(report, "utf8").catch(() => "{}")) as { numPassedTests?: number; numFailedTests?: number };
  const hostPassed = json.numPassedTests ?? 0;
  let hostFailed = json.numFailedTests ?? 0;
  if (host.code !== 0 && hostFailed === 0) hostFailed = 1; // a suite that failed to load

  console.log(`\nkernel specs (as-pect): ${specCounts.passed} passed, ${specCounts.failed} failed`);
  console.log(`host tests (vitest): ${hostPassed} passed, ${hostFailed} failed`);
  if (types.code !== 0) console.log("typecheck (tsc): 1 failed");
  const failed = specCounts.failed + hostFailed + (types.code === 0 ? 0 : 1);
  console.log(`${specCounts.passed + hostPassed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

process.exitCode = await main();
