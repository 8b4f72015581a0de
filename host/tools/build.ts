// `npm run build`: one kernel module per build profile (build/<profile>.wasm), compiled in
// parallel, the TypeScript and C mirrors of the kernel's error table, and the dashboard's
// libraries copied out of node_modules.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { generateErrorMirrors } from "./gen-errors.ts";
import { vendorDashboardAssets } from "../dashboard/assets.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
export const PROFILES = ["release", "mcu", "bench", "debug"] as const;

/** Stores the error sentences' ASCII fragments as bytes, not UTF-16 strings (see the file). */
const asciiLiterals = fileURLToPath(new URL("./asc-ascii-literals.js", import.meta.url));

async function compile(target: string): Promise<void> {
  const asc = fileURLToPath(new URL("../../node_modules/assemblyscript/bin/asc.js", import.meta.url));
  try {
    await run(process.execPath, [asc, "assembly/index.ts", "--target", target, "--transform", asciiLiterals], { cwd: root });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`asc --target ${target} failed:\n${stdout}${stderr}`);
  }
}

export async function build(): Promise<void> {
  await mkdir(new URL("../../build/", import.meta.url), { recursive: true });
  await generateErrorMirrors();
  await vendorDashboardAssets();
  await Promise.all(PROFILES.map(compile));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await build();
  console.log(`built ${PROFILES.map((p) => `build/${p}.wasm`).join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
