// Builds the firmware host from build/<profile>.wasm: wasm2c turns each profile's kernel into C,
// the C API, the export dispatch and the conformance program are generated (gen-api.ts,
// gen-dispatch.ts, gen-scenario.ts), then gcc builds the
// native host and the callgrind bench, and arm-none-eabi-gcc builds one image per Cortex-M
// board and profile (newlib nano + semihosting, boards/mps2), and the tiny profile's device image
// (src/device.c: what a product carries, without the conformance harness).
//
//   include/myco_api.h, myco_errors.h   checked in, written by `npm run build` (targets/abi/generate.ts)
//   build/gen/                          myco_api.c, myco_dispatch.c, live_manifest.c, device_manifest.c, wasm-rt.h (from wabt)
//   build/gen/<profile>/                kernel.{c,h} (wasm2c, then kernel-c.ts), myco_profile.h, conformance_program.c (the
//                                       profile's program: all-layers, or tiny's own for the tiny profile,
//                                       in its compact form: compact-program.ts)
//   build/native/<profile>/myco-host    the native host (and myco-bench for release)
//   build/<cpu>-<profile>/myco.elf      a Cortex-M image, with myco.map
//   build/cortex-m3-tiny-device/        the device image (myco.elf, myco.map)
import { copyFile, mkdir, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { kernelAbi } from "../../abi/abi.ts";
import { buildProgram, programOf } from "../../conformance/build-program.ts";
import { generateApiHeader, generateApiSource } from "./gen-api.ts";
import { generateDispatchSource } from "./gen-dispatch.ts";
import { generateManifestSource, generateProgramSource } from "./gen-scenario.ts";
import { fingerprint, isFresh, markFresh, withBuildLock, writeFileAtomic } from "../../tools/build-cache.ts";
import { mustRun, requireNewlib, requireTool } from "../../tools/toolchain.ts";
import { flashLine } from "./sizes.ts";
import { rewriteKernelC } from "./kernel-c.ts";
import { compactProgram } from "./compact-program.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const FIRMWARE = join(root, "targets/firmware");
export const FIRMWARE_BUILD = join(FIRMWARE, "build");
const GEN = join(FIRMWARE_BUILD, "gen");
const WASM_RT_HEADER = "/usr/include/wasm-rt.h";

export const PROFILES = ["release", "mcu", "tiny"] as const;
/** What the conformance program is made from (its scenario, the recorder and the program format). */
const CONFORMANCE_INPUTS = ["targets/conformance", "host/hal/virtual.ts"];
export type Profile = (typeof PROFILES)[number];

/** The Cortex-M boards: QEMU machine, CPU flag, and the host name printed in conformance lines. */
export const BOARDS = [
  { cpu: "cortex-m3", machine: "mps2-an385" },
  { cpu: "cortex-m4", machine: "mps2-an386" },
] as const;
export type Board = (typeof BOARDS)[number];
/** The boards a profile's image is built for: the tiny profile's goal is a Cortex-M3 image (issue 16). */
export const boardsOf = (profile: Profile): readonly Board[] => (profile === "tiny" ? BOARDS.filter((b) => b.cpu === "cortex-m3") : BOARDS);
const imageJobs = (): [Board, Profile][] => PROFILES.flatMap((profile) => boardsOf(profile).map((board): [Board, Profile] => [board, profile]));

export const profileSuffix = (profile: Profile) => (profile === "release" ? "" : `-${profile}`);

export interface Image { board: Board; profile: Profile; hostName: string; elf: string; map: string; kernelObject: string }
export interface NativeHost { profile: Profile; hostName: string; executable: string; kernelObject: string }
/** `snapshotTool`, `slotsTool`: the native release host's snapshot take/restore tool and its
 *  two-slot upgrade (boards/native/snapshot-tool.c, slots-tool.c); `device`: the tiny profile's
 *  device image on the Cortex-M3 (src/device.c), the image issue 16 sizes. */
export interface FirmwareBuild { native: NativeHost[]; bench: string; snapshotTool: string; slotsTool: string; images: Image[]; device: Image }

const COMMON_SOURCES = [
  "src/myco.c", "src/snapshot.c", "src/replay.c", "src/determinism.c", "src/hal_virtual.c", "src/hal_board.c", "src/out.c",
  "runtime/wasm-rt-static.c",
];
const HOST_SOURCES = ["src/main.c", "src/live.c", "src/status.c", ...COMMON_SOURCES];
const SNAPSHOT_TOOL_SOURCES = ["boards/native/snapshot-tool.c", "boards/native/read-file.c", "src/myco.c", "src/snapshot.c", "src/replay.c", "src/determinism.c",
  "src/hal_virtual.c", "src/out.c", "runtime/wasm-rt-static.c"];
const SLOTS_TOOL_SOURCES = ["boards/native/slots-tool.c", "boards/native/read-file.c", "src/myco.c", "src/slots.c", "src/replay.c", "src/determinism.c",
  "src/hal_virtual.c", "src/out.c", "runtime/wasm-rt-static.c"];
const BENCH_SOURCES = ["bench/bench.c", "src/myco.c", "src/determinism.c", "src/hal_virtual.c", "src/out.c", "runtime/wasm-rt-static.c"];
const OUR_WARNINGS = ["-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wstrict-prototypes", "-Wmissing-prototypes"];
// wasm2c's output: its own warnings are its authors' business, not a reason to fail the build.
const GENERATED_WARNINGS = ["-w"];

function includes(profile: Profile): string[] {
  return ["include", "src", "runtime"].map((d) => `-I${join(FIRMWARE, d)}`).concat(`-I${GEN}`, `-I${join(GEN, profile)}`);
}

// Every compiler process of a build shares one limit: the machine's cores.
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(job: () => Promise<T>): Promise<T> {
  if (running >= availableParallelism()) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await job();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

async function wasm2c(profile: Profile): Promise<void> {
  const dir = join(GEN, profile);
  await mkdir(dir, { recursive: true });
  const wasm = join(root, `build/${profile}.wasm`);
  await readFile(wasm).catch(() => { throw new Error(`${wasm} is missing: run \`npm run build\` first`); });
  await mustRun("wasm2c", [wasm, "-n", "kernel", "-o", join(dir, "kernel.c")]);
  const kernel = rewriteKernelC(await readFile(join(dir, "kernel.c"), "utf8")).source;
  await writeFileAtomic(join(dir, "kernel.c"), kernel);
  const memory = /wasm_rt_allocate_memory\(&instance->w2c_memory, (\d+), (\d+)\)/.exec(kernel);
  if (!memory) throw new Error(`build/${profile}.wasm: wasm2c output allocates no memory`);
  if (memory[1] !== memory[2]) throw new Error(`build/${profile}.wasm: memory is not fixed (${memory[1]}..${memory[2]} pages)`);
  const table = /wasm_rt_allocate_funcref_table\(&instance->w2c_T0, (\d+), (\d+)\)/.exec(kernel);
  await writeFileAtomic(join(dir, "myco_profile.h"), [
    "/* Generated by targets/firmware/tools/build.ts from the module's memory and table. Do not edit. */",
    "#ifndef MYCO_PROFILE_H", "#define MYCO_PROFILE_H",
    `#define MYCO_PROFILE_NAME "${profile}"`,
    `#define MYCO_MEMORY_PAGES ${memory[1]}u`,
    `#define MYCO_TABLE_SLOTS ${table ? Math.max(1, Number(table[1])) : 1}u`,
    "#endif", "",
  ].join("\n"));
}

async function generate(): Promise<void> {
  await mkdir(GEN, { recursive: true });
  await copyFile(WASM_RT_HEADER, join(GEN, "wasm-rt.h")).catch(() => {
    throw new Error(`${WASM_RT_HEADER} is missing: install the Debian package wabt`);
  });
  const abi = kernelAbi();
  // myco_api.h is checked in (include/, written by `npm run build`); the wrappers must match it.
  const header = await readFile(join(FIRMWARE, "include/myco_api.h"), "utf8").catch(() => "");
  if (header !== generateApiHeader(abi)) throw new Error("targets/firmware/include/myco_api.h is out of date: run `npm run build`");
  await writeFileAtomic(join(GEN, "myco_api.c"), generateApiSource(abi));
  await writeFileAtomic(join(GEN, "myco_dispatch.c"), generateDispatchSource(abi));
  await writeFileAtomic(join(GEN, LIVE_SOURCE), generateManifestSource("LIVE_MANIFEST"));
  await writeFileAtomic(join(GEN, DEVICE_SOURCE), generateManifestSource("DEVICE_MANIFEST"));
  await Promise.all(PROFILES.map(wasm2c));
  for (const profile of PROFILES) {
    await writeFileAtomic(join(GEN, profile, PROGRAM_SOURCE), generateProgramSource(compactProgram(buildProgram(programOf(profile)).bytes)));
  }
}

interface Toolchain { cc: string; flags: string[]; link: string[] }

const NATIVE: Toolchain = { cc: "gcc", flags: ["-std=c11", "-O2", "-g"], link: [] };

function armToolchain(board: Board): Toolchain {
  const ld = join(FIRMWARE, "boards/mps2/mps2.ld");
  return {
    cc: "arm-none-eabi-gcc",
    // NDEBUG: wasm2c's asserts would pull newlib's printf (and malloc) in; myco.c checks init itself.
    flags: ["-std=c11", `-mcpu=${board.cpu}`, "-mthumb", "-Os", "-g", "-ffunction-sections", "-fdata-sections", "-DNDEBUG",
      "--specs=nano.specs", `-DMPS2_BOARD="${board.machine}"`],
    // libm: the kernel rounds f64 (floor) in exports only the dispatch table reaches.
    link: ["-nostartfiles", "--specs=rdimon.specs", "-Wl,--gc-sections", `-T${ld}`, "-lm"],
  };
}

/** Compiles `sources` (paths under targets/firmware, or absolute) into `out`; returns the objects. */
async function compile(tc: Toolchain, profile: Profile, sources: string[], out: string, defines: string[]): Promise<string[]> {
  await mkdir(out, { recursive: true });
  return Promise.all(sources.map((source) => limited(async () => {
    const path = source.startsWith("/") ? source : join(FIRMWARE, source);
    const generated = path.startsWith(GEN);
    const object = join(out, basename(path).replace(/\.c$/, ".o"));
    // wasm2c's kernel is most of the build time; on the board its debug info is left out (it never reaches flash anyway).
    const flags = generated && tc !== NATIVE ? tc.flags.filter((f) => f !== "-g") : tc.flags;
    await mustRun(tc.cc, [...flags, "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0", ...defines, ...includes(profile),
      ...(generated ? GENERATED_WARNINGS : OUR_WARNINGS), "-c", path, "-o", object]);
    return object;
  })));
}

const PROGRAM_SOURCE = "conformance_program.c";
const LIVE_SOURCE = "live_manifest.c";
const DEVICE_SOURCE = "device_manifest.c";
const generatedSources = (profile: Profile) => [
  join(GEN, "myco_api.c"), join(GEN, "myco_dispatch.c"), join(GEN, profile, PROGRAM_SOURCE), join(GEN, LIVE_SOURCE), join(GEN, profile, "kernel.c"),
];

async function buildNative(profile: Profile): Promise<NativeHost & { bench?: string }> {
  const out = join(FIRMWARE_BUILD, "native", profile);
  const hostName = `native${profileSuffix(profile)}`;
  const objects = await compile(NATIVE, profile, [...HOST_SOURCES, "boards/native/board.c", ...generatedSources(profile)], out,
    [`-DMYCO_HOST_NAME="${hostName}"`]);
  const executable = join(out, "myco-host");
  await limited(() => mustRun(NATIVE.cc, [...objects, "-o", executable]));
  const result: NativeHost & { bench?: string } = { profile, hostName, executable, kernelObject: join(out, "kernel.o") };
  if (profile === "release") {
    const benchObjects = await compile(NATIVE, profile, BENCH_SOURCES, join(out, "bench"), []);
    result.bench = join(out, "myco-bench");
    const bench = result.bench;
    await limited(() => mustRun(NATIVE.cc, [...benchObjects, join(out, "myco_api.o"), join(out, "kernel.o"), "-o", bench]));
    const toolObjects = await compile(NATIVE, profile, SNAPSHOT_TOOL_SOURCES, join(out, "snapshot-tool"), []);
    const generated = ["myco_api.o", "myco_dispatch.o", "kernel.o"].map((o) => join(out, o));
    await limited(() => mustRun(NATIVE.cc, [...toolObjects, ...generated, "-o", join(out, "myco-snapshot")]));
    const slotObjects = await compile(NATIVE, profile, SLOTS_TOOL_SOURCES, join(out, "slots-tool"), ["-DMYCO_SLOTS=2"]);
    await limited(() => mustRun(NATIVE.cc, [...slotObjects, ...generated, "-o", join(out, "myco-slots")]));
  }
  return result;
}

/** The native build's objects another native host links (targets/linux): the kernel (wasm2c), its C API, the trap guard, the static runtime. */
export const nativeKernelObjects = (profile: Profile): string[] =>
  ["myco.o", "myco_api.o", "kernel.o", "wasm-rt-static.o"].map((o) => join(FIRMWARE_BUILD, "native", profile, o));

/** Compiles another native host's sources with this build's flags, warnings and include paths (plus `extra` flags); returns the objects. */
export const compileNative = (profile: Profile, sources: string[], out: string, extra: string[]): Promise<string[]> =>
  compile(NATIVE, profile, sources, out, extra);

/** Links objects with the native toolchain. */
export const linkNative = (objects: string[], executable: string): Promise<unknown> => limited(() => mustRun(NATIVE.cc, [...objects, "-o", executable]));

const imageSources = (profile: Profile) => [...HOST_SOURCES, "boards/mps2/board.c", "boards/mps2/startup.c", ...generatedSources(profile)];

/** The device image's own sources; the rest of it is the tiny Cortex-M3 image's objects, linked as they are. */
const deviceSources = () => ["src/device.c", join(GEN, DEVICE_SOURCE)];
const DEVICE_SHARED_OBJECTS = ["myco.o", "status.o", "hal_board.o", "determinism.o", "out.o", "wasm-rt-static.o", "board.o", "startup.o", "myco_api.o", "kernel.o"];
const DEVICE_BOARD = BOARDS[0];
const deviceDir = () => join(FIRMWARE_BUILD, `${DEVICE_BOARD.cpu}-tiny-device`);
const deviceLayout = (): Image => ({ board: DEVICE_BOARD, profile: "tiny", hostName: `qemu-${DEVICE_BOARD.cpu}-tiny-device`,
  elf: join(deviceDir(), "myco.elf"), map: join(deviceDir(), "myco.map"), kernelObject: join(deviceDir(), "..", `${DEVICE_BOARD.cpu}-tiny`, "kernel.o") });

/** The device image, linked from the built tiny Cortex-M3 image's objects and its own program. */
async function buildDeviceImage(tinyImage: Promise<Image>): Promise<Image> {
  const tc = armToolchain(DEVICE_BOARD);
  const own = await compile(tc, "tiny", deviceSources(), deviceDir(), []);
  const built = join((await tinyImage).elf, "..");
  const image = deviceLayout();
  await limited(() => mustRun(tc.cc, [...tc.flags, ...own, ...DEVICE_SHARED_OBJECTS.map((o) => join(built, o)), ...tc.link,
    `-Wl,-Map=${image.map}`, "-o", image.elf]));
  return image;
}

async function buildImage(board: Board, profile: Profile): Promise<Image> {
  const tc = armToolchain(board);
  const out = join(FIRMWARE_BUILD, `${board.cpu}${profileSuffix(profile)}`);
  const hostName = `qemu-${board.cpu}${profileSuffix(profile)}`;
  const objects = await compile(tc, profile, imageSources(profile), out, [`-DMYCO_HOST_NAME="${hostName}"`]);
  const elf = join(out, "myco.elf");
  const map = join(out, "myco.map");
  await limited(() => mustRun(tc.cc, [...tc.flags, ...objects, ...tc.link, `-Wl,-Map=${map}`, "-o", elf]));
  return { board, profile, hostName, elf, map, kernelObject: join(out, "kernel.o") };
}

/**
 * A built image relinked with another conformance program (only the program's C file is
 * compiled): how a test shows that the Cortex-M hosts follow the program byte for byte.
 * `tag` names the variant's directory under build/variants.
 */
export async function imageWithProgram(image: Image, program: Uint8Array, tag: string): Promise<Image> {
  const tc = armToolchain(image.board);
  const built = join(image.elf, "..");
  const out = join(FIRMWARE_BUILD, "variants", tag, `${image.board.cpu}${profileSuffix(image.profile)}`);
  await mkdir(out, { recursive: true });
  const source = join(out, PROGRAM_SOURCE);
  await writeFileAtomic(source, generateProgramSource(compactProgram(program)));
  const [programObject] = await compile(tc, image.profile, [source], out, []);
  const objects = imageSources(image.profile).filter((s) => !s.endsWith(PROGRAM_SOURCE))
    .map((s) => join(built, basename(s).replace(/\.c$/, ".o")));
  const elf = join(out, "myco.elf");
  const map = join(out, "myco.map");
  await limited(() => mustRun(tc.cc, [...tc.flags, ...objects, programObject, ...tc.link, `-Wl,-Map=${map}`, "-o", elf]));
  return { ...image, elf, map };
}

function layout(): FirmwareBuild {
  const native = PROFILES.map((profile) => {
    const out = join(FIRMWARE_BUILD, "native", profile);
    return { profile, hostName: `native${profileSuffix(profile)}`, executable: join(out, "myco-host"), kernelObject: join(out, "kernel.o") };
  });
  const images = imageJobs().map(([board, profile]) => {
    const out = join(FIRMWARE_BUILD, `${board.cpu}${profileSuffix(profile)}`);
    return { board, profile, hostName: `qemu-${board.cpu}${profileSuffix(profile)}`, elf: join(out, "myco.elf"), map: join(out, "myco.map"), kernelObject: join(out, "kernel.o") };
  });
  return { native, bench: join(FIRMWARE_BUILD, "native/release/myco-bench"), snapshotTool: join(FIRMWARE_BUILD, "native/release/myco-snapshot"),
    slotsTool: join(FIRMWARE_BUILD, "native/release/myco-slots"), images, device: deviceLayout() };
}

async function inputs(cortexM: boolean): Promise<string> {
  return fingerprint([
    ...PROFILES.map((p) => join(root, `build/${p}.wasm`)), join(root, "assembly/index.ts"), join(root, "targets/abi"),
    ...CONFORMANCE_INPUTS.map((p) => join(root, p)), join(root, "host/manifest"), FIRMWARE, WASM_RT_HEADER,
  ], cortexM ? "native+cortex-m" : "native");
}

/**
 * Builds the native host and bench, and (with `cortexM`) every Cortex-M image. Skipped when
 * nothing it reads changed; a missing tool fails with the Debian package to install.
 */
export async function buildFirmware(options: { cortexM: boolean } = { cortexM: true }): Promise<FirmwareBuild> {
  await requireTool("wasm2c");
  await requireTool("gcc");
  if (options.cortexM) await requireNewlib();
  return withBuildLock(FIRMWARE_BUILD, async () => {
    const print = await inputs(options.cortexM);
    // A full build also serves a native-only request.
    if (await isFresh(FIRMWARE_BUILD, print) || (!options.cortexM && await isFresh(FIRMWARE_BUILD, await inputs(true)))) return layout();
    await generate();
    const jobs: Promise<unknown>[] = PROFILES.map(buildNative);
    if (options.cortexM) {
      const images = imageJobs().map(([b, p]) => buildImage(b, p));
      const tiny = images[imageJobs().findIndex(([b, p]) => b === DEVICE_BOARD && p === "tiny")];
      jobs.push(...images, buildDeviceImage(tiny));
    }
    await Promise.all(jobs);
    await markFresh(FIRMWARE_BUILD, print);
    return layout();
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const cortexM = !process.argv.includes("--native-only");
  const built = await buildFirmware({ cortexM });
  const images = cortexM ? `, ${built.images.length} Cortex-M images` : "";
  console.log(`firmware: ${built.native.length} native hosts${images} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (cortexM) {
    for (const image of [...built.images.filter((i) => i.profile === "tiny"), built.device]) console.log(await flashLine(image.hostName, image.map));
  }
}
