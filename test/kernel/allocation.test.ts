// Allocation proof by construction: in the compiled modules, no export other than the start
// function can reach the allocator, through any call, direct or through the function table.
// build/<profile>.wasm has no names, so each profile is compiled again with a name section
// (asc --debug), and the test first checks that this build's code is byte for byte the code of
// build/<profile>.wasm; then it reads the call graph (support/call-graph.ts). The analysis is
// shown to fail when an allocation is planted: in a tiny module, and in the kernel itself.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { callGraph, allocatingExports, pathToAllocation } from "./support/call-graph.ts";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../", import.meta.url));
const asc = join(root, "node_modules/assemblyscript/bin/asc.js");
const asciiLiterals = join(root, "host/tools/asc-ascii-literals.js");
const snapshotGlobals = join(root, "host/tools/asc-snapshot.js"); // the build's: it writes the snapshot's globals code
const PROFILES = ["release", "mcu"] as const;

let scratch = "";

async function compile(args: string[], out: string): Promise<Uint8Array<ArrayBuffer>> {
  try {
    await run(process.execPath, [asc, ...args, "--debug", "--outFile", out, "--textFile", `${out}.wat`], { cwd: root });
  } catch (error) {
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    throw new Error(`asc ${args.join(" ")} failed:\n${stdout}${stderr}`);
  }
  return new Uint8Array(await readFile(out));
}

/** The kernel of `profile` as the build compiles it (host/tools/build.ts), with names. */
const compileKernel = (profile: string, entries: string[] = []) =>
  compile(["assembly/index.ts", ...entries, "--target", profile, "--transform", asciiLiterals, "--transform", snapshotGlobals], join(scratch, `${profile}-${entries.length}.wasm`));

/** The module without its custom sections (names, source maps): the code and data only. */
function withoutCustomSections(wasm: Uint8Array): Buffer {
  const parts = [Buffer.from(wasm.subarray(0, 8))];
  for (let at = 8; at < wasm.length;) {
    const id = wasm[at];
    let size = 0, shift = 0, next = at + 1, byte: number;
    do { byte = wasm[next++]; size |= (byte & 0x7f) << shift; shift += 7; } while (byte & 0x80);
    if (id !== 0) parts.push(Buffer.from(wasm.subarray(at, next + size)));
    at = next + size;
  }
  return Buffer.concat(parts);
}

const named = new Map<string, Uint8Array<ArrayBuffer>>();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "myco-allocation-"));
  await Promise.all(PROFILES.map(async (p) => named.set(p, await compileKernel(p))));
}, 180_000);

afterAll(async () => { if (scratch) await rm(scratch, { recursive: true, force: true }); });

describe.each(PROFILES)("allocation proof: build/%s.wasm", (profile) => {
  it("the named build has exactly the code of build/" + profile + ".wasm (else run `npm run build`)", async () => {
    const built = new Uint8Array(await readFile(join(root, `build/${profile}.wasm`)));
    expect(withoutCustomSections(named.get(profile)!).equals(withoutCustomSections(built))).toBe(true);
  });

  it("the start function reserves the tables (the analysis sees the allocator)", () => {
    const graph = callGraph(named.get(profile)!);
    expect(graph.start).not.toBeNull();
    expect(graph.allocators.size).toBeGreaterThan(0);
    expect(pathToAllocation(graph, graph.start!)).not.toBeNull();
    expect(graph.exports.size).toBeGreaterThan(100);
  });

  it("no export reaches an allocation", () => {
    const graph = callGraph(named.get(profile)!);
    const found = allocatingExports(graph).map(({ name, path }) => `${name}: ${path.join(" -> ")}`);
    expect(found).toEqual([]);
  });
});

describe("allocation proof: a planted allocation is found", () => {
  it("in a tiny module: a direct allocation, one behind the function table and memory.grow", async () => {
    const dir = join(scratch, "tiny");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "asconfig.json"), JSON.stringify({ options: { runtime: "stub", optimizeLevel: 3, noAssert: true } }));
    await writeFile(join(dir, "tiny.ts"), [
      "let total: i32 = 0;",
      "export function clean(x: i32): i32 { total += x; return total; }",
      "export function direct(n: i32): i32 { return new StaticArray<i32>(n).length; }",
      "function quiet(n: i32): i32 { return n + 1; }",
      "function loud(n: i32): i32 { return new StaticArray<u8>(n).length; }",
      "const hooks: StaticArray<(n: i32) => i32> = [quiet, loud];",
      "export function viaTable(which: i32, n: i32): i32 { return hooks[which & 1](n); }",
      "export function grows(): i32 { return memory.grow(1); }",
    ].join("\n"));
    const wasm = await compile([join(dir, "tiny.ts"), "--config", join(dir, "asconfig.json")], join(dir, "tiny.wasm"));
    const found = allocatingExports(callGraph(wasm)).map((f) => f.name).sort();
    expect(found).toEqual(["direct", "grows", "viaTable"]);
  });

  it("in the kernel: an extra export that allocates is named, with its path", async () => {
    const entry = join(root, "build/allocation-proof-planted.ts");
    await writeFile(entry, [
      'import { limit } from "../assembly/index";',
      "export function planted(which: i32): i32 { return new StaticArray<i32>(limit(which) + 1).length; }",
    ].join("\n"));
    try {
      const graph = callGraph(await compileKernel("release", [entry]));
      const found = allocatingExports(graph);
      expect(found.map((f) => f.name)).toEqual(["planted"]);
      expect(found[0].path.at(-1)).toMatch(/^~lib\/rt\/stub\//);
    } finally {
      await rm(entry, { force: true });
    }
  }, 120_000);
});
