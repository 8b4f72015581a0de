// `npm run build`: the files generated from the kernel's sources (the typed host exports, the
// error tables and the C API header: targets/abi/generate.ts), then one kernel module per build
// profile (build/<profile>.wasm), compiled in parallel, the dashboard's libraries copied out
// of node_modules, and the `myco` command bundled (build/myco.mjs: bundle-cli.ts).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import binaryen from "binaryen";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeGenerated } from "../../targets/abi/generate.ts";
import { vendorDashboardAssets } from "../dashboard/assets.ts";
import { bundleCli } from "./bundle-cli.ts";
import { fixTables } from "./tiny-tables.ts";
import { fixHooks, callHooksDirectly } from "./tiny-hooks.ts";
import { dropUnreadData } from "./tiny-data.ts";
import { accessTablesByOffset } from "./tiny-offsets.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
export const PROFILES = ["release", "mcu", "bench", "debug", "fleet", "tiny"] as const;

/** Stores the error sentences' ASCII fragments as bytes, not UTF-16 strings (see the file). */
const asciiLiterals = fileURLToPath(new URL("./asc-ascii-literals.js", import.meta.url));
/** Removes the exports of a layer a profile leaves out with `use: FEATURE_<X>=0` (see the file). */
const features = fileURLToPath(new URL("./asc-features.js", import.meta.url));
/** Writes the code that saves and loads the kernel's scalar globals for a snapshot (see the file). */
const snapshot = fileURLToPath(new URL("./asc-snapshot.js", import.meta.url));

/**
 * Compiles the kernel for an asconfig.json target; `extra` adds asc arguments to the target's
 * (a profile variant, e.g. `--use FEATURE_DISCOVERY=0 -o build/mcu-lean.wasm`).
 */
export async function compile(target: string, extra: string[] = []): Promise<void> {
  const asc = fileURLToPath(new URL("../../node_modules/assemblyscript/bin/asc.js", import.meta.url));
  // tiny: asc keeps the function names for shrinkAgain, which removes them unless `--debug` asked for them
  const names = target === "tiny" && !extra.includes("--debug") ? ["--debug"] : [];
  const args = [asc, "assembly/index.ts", "--target", target, "--transform", asciiLiterals, "--transform", features, "--transform", snapshot, ...extra, ...names];
  try {
    await run(process.execPath, args, { cwd: root });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`asc --target ${target} failed:\n${stdout}${stderr}`);
  }
  if (target === "tiny") await shrinkAgain(await outFileOf(target, extra), extra.includes("--debug"));
}

/** Where asc wrote the module: `-o`/`--outFile` among the extra arguments, or the target's outFile. */
async function outFileOf(target: string, extra: string[]): Promise<string> {
  const flag = extra.findIndex((a) => a === "-o" || a === "--outFile");
  if (flag >= 0) return resolve(root, extra[flag + 1]);
  const config = JSON.parse(await readFile(join(root, "asconfig.json"), "utf8")) as { targets: Record<string, { outFile: string }> };
  return resolve(root, config.targets[target].outFile);
}

/**
 * The tiny profile's module goes through binaryen's size pipeline (-Oz: optimize 2, shrink 2) a
 * second time: asc runs it once, and a second run over its output still folds what the first
 * exposed (about 620 bytes); then the functions are ordered by how often they are called, so the
 * most called take the 1-byte indices (214 bytes). Before it, the start function's hooks, tables
 * and class objects become constants (tiny-hooks.ts, tiny-tables.ts, tiny-objects.ts: found by
 * name, as asc compiled the module with them), a third -Oz follows once their calls can be
 * direct, and a fourth once the tables' accesses carry their addresses (tiny-offsets.ts); after
 * it, the data nothing reads goes (tiny-data.ts). The features are asc's defaults, so the module
 * needs nothing new of a host (wasm2c, jco, wasmtime); a module binaryen does not validate is an
 * error, never written.
 * (binaryen is the optimizer asc itself uses, the same version: package.json pins it.)
 */
async function shrinkAgain(path: string, names: boolean): Promise<void> {
  const module = binaryen.readBinary(await readFile(path));
  try {
    const F = binaryen.Features;
    module.setFeatures(F.MVP | F.SignExt | F.MutableGlobals | F.BulkMemory | F.NontrappingFPToInt);
    const hooks = fixHooks(module); // the hooks wired at init as constants (tiny-hooks.ts)
    const heapStart = fixTables(module); // the tables and objects at build-time addresses (tiny-tables.ts, tiny-objects.ts; it wraps the start function's body)
    binaryen.setOptimizeLevel(2);
    binaryen.setShrinkLevel(2);
    binaryen.setDebugInfo(names); // a `--debug` build keeps its function names
    module.optimize();
    callHooksDirectly(module, hooks); // their calls' table indices as constants (tiny-hooks.ts) ...
    module.optimize(); // ... made direct calls (and what the first run exposed folded)
    accessTablesByOffset(module, heapStart); // the tables' addresses as their accesses' offsets (tiny-offsets.ts) ...
    module.optimize(); // ... and what it exposed folded
    module.runPasses(["reorder-functions"]); // the most called first: their calls take 1-byte indices
    // a pass run on its own drops the stack IR the optimizer made (the binary is then written from
    // the expression tree, ~50 bytes larger): made again for the order now final
    module.runPasses(["generate-stack-ir", "optimize-stack-ir"]);
    dropUnreadData(module, heapStart); // the strings and arrays of left-out code, the static objects' headers (tiny-data.ts)
    if (!module.validate()) throw new Error(`${path}: binaryen's second -Oz gave a module that does not validate`);
    await writeFile(path, module.emitBinary());
  } finally {
    module.dispose();
  }
}

/** Issue 16's goal for build/tiny.wasm (test/kernel/tiny.test.ts asserts the measured ceiling). */
export const TINY_WASM_GOAL_BYTES = 32 * 1024;

/** One line for `npm run build` (and so `npm run build:targets`): the tiny module's size against its goal. */
export async function tinySizeLine(): Promise<string> {
  const bytes = (await stat(new URL("../../build/tiny.wasm", import.meta.url))).size;
  const verdict = bytes <= TINY_WASM_GOAL_BYTES ? "goal met" : `goal missed by ${bytes - TINY_WASM_GOAL_BYTES} bytes`;
  return `build/tiny.wasm: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB; goal ${TINY_WASM_GOAL_BYTES}: ${verdict})`;
}

export async function build(): Promise<void> {
  await mkdir(new URL("../../build/", import.meta.url), { recursive: true });
  const written = await writeGenerated();
  if (written.length > 0) console.log(`generated ${written.join(", ")}`);
  await vendorDashboardAssets();
  await Promise.all([...PROFILES.map((profile) => compile(profile)), bundleCli()]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await build();
  console.log(`built ${PROFILES.map((p) => `build/${p}.wasm`).join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(await tinySizeLine());
}
