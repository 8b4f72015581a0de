// Builds the component from build/release.wasm: the renamed core module (core-module.ts), the
// WIT package (wit.ts), then jco's JavaScript API embeds the WIT, makes the component and
// transpiles it for Node (`jco embed --wit` on the command line panics in jco 1.35: its bundled
// wasm-tools gets no filesystem access, so this script passes the WIT as text).
//
//   targets/wasi/build/wit/myco.wit        the WIT package
//   targets/wasi/build/myco.core.wasm      the core module with WIT names (before embedding)
//   targets/wasi/build/myco.component.wasm the component
//   targets/wasi/build/jco/                `jco transpile` output, instantiated by host/component-port.ts
import { mkdir, readFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { componentEmbed, componentNew, transpile } from "@bytecodealliance/jco";
import { instantiate } from "@assemblyscript/loader";
import { kernelAbi } from "../../abi/abi.ts";
import { componentCoreModule, RETURN_AREA_BYTES } from "./core-module.ts";
import { generateWit, WIT_WORLD } from "./wit.ts";
import { fingerprint, isFresh, markFresh, withBuildLock, writeFileAtomic } from "../../tools/build-cache.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const WASI_BUILD = join(root, "targets/wasi/build");
export const JCO_DIR = join(WASI_BUILD, "jco");
export const COMPONENT_NAME = "myco";

export interface ComponentBuild {
  wit: string;
  core: string;
  component: string;
  jcoDir: string;
  bytes: { release: number; core: number; component: number };
}

function paths(): Omit<ComponentBuild, "bytes"> {
  return {
    wit: join(WASI_BUILD, "wit", `${COMPONENT_NAME}.wit`),
    core: join(WASI_BUILD, `${COMPONENT_NAME}.core.wasm`),
    component: join(WASI_BUILD, `${COMPONENT_NAME}.component.wasm`),
    jcoDir: JCO_DIR,
  };
}

async function readRelease(): Promise<Uint8Array> {
  const path = join(root, "build/release.wasm");
  return readFile(path).catch(() => { throw new Error(`${path} is missing: run \`npm run build\` first`); });
}

/** The adapters' return area is the top of memory: the kernel's heap must end below it. */
async function checkReturnArea(release: Uint8Array, returnArea: number): Promise<void> {
  const idle = { now_ms: () => 0n, random_u32: () => 0, sleep_ms: () => 0, abort: () => {} };
  const { exports } = await instantiate<{ heapHighWater(): number }>(release, { hal: idle });
  const top = exports.heapHighWater();
  if (top > returnArea) {
    throw new Error(`release.wasm: the heap reaches ${top}, into the component's return area at ${returnArea} (${RETURN_AREA_BYTES} bytes below the top of memory)`);
  }
}

async function inputs(): Promise<string> {
  const jco = JSON.parse(await readFile(join(root, "node_modules/@bytecodealliance/jco/package.json"), "utf8")).version;
  return fingerprint([
    join(root, "build/release.wasm"), join(root, "assembly/index.ts"), join(root, "targets/abi"), join(root, "targets/wasi/tools"),
  ], `jco ${jco}`);
}

async function sizes(p: Omit<ComponentBuild, "bytes">): Promise<ComponentBuild> {
  const size = async (path: string) => (await readFile(path)).length;
  return { ...p, bytes: { release: await size(join(root, "build/release.wasm")), core: await size(p.core), component: await size(p.component) } };
}

/** Builds the component and its jco transpilation (skipped when nothing it reads changed). */
export async function buildComponent(): Promise<ComponentBuild> {
  const p = paths();
  return withBuildLock(WASI_BUILD, async () => {
    const print = await inputs();
    if (await isFresh(WASI_BUILD, print)) return sizes(p);
    const release = await readRelease();
    const abi = kernelAbi();
    const core = componentCoreModule(release, abi);
    await checkReturnArea(release, core.returnArea);
    const wit = generateWit(abi);
    const embedded = await componentEmbed({ binary: core.binary, witSource: wit, world: WIT_WORLD, stringEncoding: "utf8" });
    const component = await componentNew(embedded);
    const { files } = await transpile(component, { name: COMPONENT_NAME, instantiation: "async", quiet: true });
    await rm(JCO_DIR, { recursive: true, force: true });
    await mkdir(join(WASI_BUILD, "wit"), { recursive: true });
    await writeFileAtomic(p.wit, wit);
    await writeFileAtomic(p.core, core.binary);
    await writeFileAtomic(p.component, component);
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(JCO_DIR, name);
      await mkdir(join(path, ".."), { recursive: true });
      await writeFileAtomic(path, bytes);
    }
    await markFresh(WASI_BUILD, print);
    return sizes(p);
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildComponent();
  console.log(`component ${built.component} (${built.bytes.component} bytes; core ${built.bytes.core}, release.wasm ${built.bytes.release})`);
}
