// The firmware target: wasm2c's C of build/<profile>.wasm behind the C API, built natively (and
// checked under valgrind) and for Cortex-M3/M4 boards run under qemu-system-arm. Each host must
// replay the conformance program like the Node host, report the same traps, restart clean, and run on the
// board's own clock.
import { beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readFile } from "node:fs/promises";
import { buildFirmware, FIRMWARE_BUILD, type FirmwareBuild } from "../../targets/firmware/tools/build.ts";
import { runImage, runNative, type HostOutput } from "../../targets/firmware/tools/run.ts";
import { flashLine, imageSizes, TINY_FLASH_GOAL_BYTES } from "../../targets/firmware/tools/sizes.ts";
import { runNodeHost, type NodeHostRun } from "../../targets/node/host.ts";
import { buildProgram, programOf } from "../../targets/conformance/build-program.ts";
import { mustRun } from "../../targets/tools/toolchain.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const PAGE_BYTES = 65536;
let built: FirmwareBuild;
const reference = new Map<string, NodeHostRun>();

/**
 * What the tiny profile's Cortex-M3 image measures now (flash bytes, from its map), as ceilings a
 * change may not cross: the whole image, and the image without the conformance program it embeds
 * (the part a product ships). Issue 16's goal is 64 KiB: the image without its program meets it
 * (64,839 bytes), the whole image not yet (README "The tiny profile").
 */
const TINY_M3_FLASH_CEILING_BYTES = 77_050; // measured 76,620 (79,076 before the records' tables, the manifest's load without reload, the access offsets, failCode and recovery's rows one at a time; 80,464 before the build-fixed objects, the constant transitions and walk flag and the stack IR; 84,236 before the fixed tables, hooks and dropped data; 88,984 before the unchecked indexing and the second -Oz; 98,692 before the second -Oz, split addresses, looped segments and zeroed globals; 137,768 before kernel-c.ts and the compact program)
const TINY_M3_FLASH_WITHOUT_PROGRAM_CEILING_BYTES = 62_800; // measured 62,383 (64,839 before this session's tiny cuts; 66,227 before the build-fixed objects, the constant transitions and walk flag and the stack IR; 69,999 before the fixed tables, hooks and dropped data; 74,747 before the unchecked indexing and the second -Oz; 84,455 before that; 98,058 before kernel-c.ts)

/** The tiny device image (src/device.c: the kernel, its C API, the board and a manifest; no conformance harness). */
const TINY_DEVICE_FLASH_CEILING_BYTES = 42_400; // measured 41,920 (goal 65,536; 44,944 before this session's tiny cuts; 46,212 before the build-fixed objects, the constant transitions and walk flag and the stack IR; 49,812 before the fixed tables, hooks and dropped data, 54,288 before the unchecked indexing and the second -Oz)

/** Compiling wasm2c's kernel six times is most of this file's time (about half a minute on 2 cores). */
const BUILD_TIMEOUT_MS = 600_000;

beforeAll(async () => {
  built = await buildFirmware({ cortexM: true });
  for (const profile of ["release", "mcu", "tiny"]) {
    reference.set(profile, await runNodeHost(join(root, `build/${profile}.wasm`), buildProgram(programOf(profile)).program));
  }
}, BUILD_TIMEOUT_MS);

/** The host ran to the end and agrees with the Node host on the same profile in everything it printed. */
function expectLikeNode(output: HostOutput, profile: string): void {
  const node = reference.get(profile)!;
  expect(output.ok, output.text).toBe(true);
  expect(output.host).toMatchObject(node.first);
  expect(output.restart).toMatchObject(node.restarts[0]);
  expect(output.traps).toEqual(node.traps);
  expect(output.live).not.toBeNull();
}

describe("native C host (targets/firmware, gcc)", () => {
  it("replays the program, catches both injected traps and restarts clean, per profile", async () => {
    for (const host of built.native) expectLikeNode(await runNative(host), host.profile);
  });

  it("is clean under valgrind memcheck (no errors, no leaks)", async () => {
    const output = await runNative(built.native[0], { valgrind: true });
    expect(output.exitCode, output.text).toBe(0);
    expectLikeNode(output, built.native[0].profile);
  });

  it("keeps malloc, mmap and signals out of the runtime, the API and the kernel", async () => {
    const dir = join(built.native[0].kernelObject, "..");
    for (const object of ["wasm-rt-static.o", "myco.o", "myco_api.o", "myco_dispatch.o", "replay.o", "kernel.o"]) {
      const { stdout } = await mustRun("nm", ["-u", join(dir, object)]);
      expect(stdout, object).not.toMatch(/\b(malloc|calloc|realloc|free|mmap|sigaction|signal)\b/);
    }
  });
});

describe("Cortex-M images under qemu-system-arm (targets/firmware, arm-none-eabi)", () => {
  it("runs every board and profile to the end like the Node host", async () => {
    expect(built.images.map((i) => i.hostName)).toEqual(expect.arrayContaining(["qemu-cortex-m3", "qemu-cortex-m3-mcu", "qemu-cortex-m4", "qemu-cortex-m4-mcu", "qemu-cortex-m3-tiny"]));
    for (const image of built.images) {
      const output = await runImage(image);
      expectLikeNode(output, image.profile);
      expect(output.live?.board).toBe(image.board.machine);
    }
  });

  it("reports flash and RAM with the kernel's share, the linear memory being the profile's pages", async () => {
    for (const image of built.images) {
      const sizes = await imageSizes(image.map);
      const profileHeader = await readFile(join(FIRMWARE_BUILD, "gen", image.profile, "myco_profile.h"), "utf8");
      const pages = Number(/MYCO_MEMORY_PAGES (\d+)u/.exec(profileHeader)?.[1]);
      expect(sizes.linearMemoryBytes).toBe(pages * PAGE_BYTES);
      expect(sizes.kernelRamBytes).toBeGreaterThanOrEqual(sizes.linearMemoryBytes);
      expect(sizes.ramBytes).toBeGreaterThan(sizes.kernelRamBytes);
      expect(sizes.kernelFlashBytes).toBeGreaterThan(0);
      expect(sizes.flashBytes).toBeGreaterThan(sizes.kernelFlashBytes);
      expect(sizes.programFlashBytes).toBeGreaterThan(0);
    }
  });

  it("builds the tiny profile's Cortex-M3 image, prints its flash against the 64 KiB goal and stays under its measured ceiling", async () => {
    const image = built.images.find((i) => i.hostName === "qemu-cortex-m3-tiny")!;
    const sizes = await imageSizes(image.map);
    const line = await flashLine(image.hostName, image.map);
    console.log(line);
    const product = sizes.flashBytes - sizes.programFlashBytes;
    expect(line).toContain(`flash ${sizes.flashBytes} bytes`);
    expect(line).toContain(`without the ${sizes.programFlashBytes}-byte conformance program ${product} (${product <= TINY_FLASH_GOAL_BYTES ? "goal met" : `goal missed by ${product - TINY_FLASH_GOAL_BYTES} bytes`})`);
    expect(sizes.flashBytes).toBeLessThanOrEqual(TINY_M3_FLASH_CEILING_BYTES);
    expect(product).toBeLessThanOrEqual(TINY_M3_FLASH_WITHOUT_PROGRAM_CEILING_BYTES);
    // smaller than mcu's image on the same board, program aside
    const mcu = await imageSizes(built.images.find((i) => i.hostName === "qemu-cortex-m3-mcu")!.map);
    expect(product).toBeLessThan(mcu.flashBytes - mcu.programFlashBytes);
  });

  it("runs the tiny device image (no conformance harness) on the board's clock, within the 64 KiB goal", async () => {
    const output = await runImage(built.device);
    expect(output.ok, output.text).toBe(true);
    // storage, radio, sampler (twice: its crash restarted by the backoff), two uplinks; all but the crashed one stopped
    expect(output.device).toMatchObject({ board: built.device.board.machine, spawned: 6, restarts: 1, stopped: 5 });
    expect(output.device!.checks).toBeGreaterThan(0);
    expect(output.device!.picks).toBeGreaterThan(0);
    const sizes = await imageSizes(built.device.map);
    const line = await flashLine(built.device.hostName, built.device.map);
    console.log(line);
    expect(sizes.programFlashBytes).toBe(0);
    expect(line).toContain(`flash ${sizes.flashBytes} bytes (goal ${TINY_FLASH_GOAL_BYTES}: goal met)`);
    expect(sizes.flashBytes).toBeLessThanOrEqual(TINY_DEVICE_FLASH_CEILING_BYTES);
  });
});
