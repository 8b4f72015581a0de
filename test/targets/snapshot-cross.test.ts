// Cross-host snapshots: a snapshot taken on the Node host restores in the native C host (wasm2c's
// C of the same build/release.wasm) and the other way round, and the next events are identical.
// The conformance program (targets/conformance) is cut in two: the first part runs on one host,
// the snapshot carries the kernel (with the virtual HAL's clock, wake time and PRNG position
// beside it: those are the host's), and the second part runs on both hosts from there: the
// event hashes and the answer hashes must be equal.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { buildFirmware, type FirmwareBuild } from "../../targets/firmware/tools/build.ts";
import { buildProgram } from "../../targets/conformance/build-program.ts";
import { encodeProgram, type Program } from "../../targets/conformance/program.ts";
import { replay, type ReplayResult } from "../../targets/conformance/replay.ts";
import { LoaderKernel } from "../../targets/node/loader-port.ts";
import { VirtualHal } from "../../targets/node/hal.ts";
import { snapshotRestore, snapshotTake } from "../../targets/node/snapshot-port.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const WASM = join(root, "build/release.wasm");
const run = promisify(execFile);
let built: FirmwareBuild;
let dir: string;

/** The virtual HAL, counting the numbers its PRNG gave (the position a restore must resume at). */
class CountingHal extends VirtualHal {
  draws = 0;
  override randomU32(): number {
    this.draws++;
    return super.randomU32();
  }
  /** The state the snapshot's host left: clock, wake, PRNG `draws` past the seed. */
  resume(now: bigint, wake: bigint, draws: number): void {
    this.reset();
    for (this.draws = 0; this.draws < draws;) this.randomU32();
    this.nowMs = now;
    this.wakeMs = wake;
  }
}

/** The program cut at its middle (never between an I/O write and the call that reads it: the I/O buffer is not in a snapshot). */
function halves(program: Program): [Program, Program] {
  let cut = program.steps.length >> 1;
  while (program.steps[cut - 1].kind === "io") cut++;
  return [{ ...program, steps: program.steps.slice(0, cut) }, { ...program, steps: program.steps.slice(cut) }];
}

const [first, next] = halves(buildProgram().program);
const paths = () => ({ first: join(dir, "first.program"), next: join(dir, "next.program") });

beforeAll(async () => {
  built = await buildFirmware({ cortexM: false });
  dir = await mkdtemp(join(tmpdir(), "myco-snapshot-cross-"));
  await writeFile(paths().first, encodeProgram(first));
  await writeFile(paths().next, encodeProgram(next));
}, 600_000);

/** The `next ...` line of the C tool: what the kernel answered to the second half. */
function parseNext(stdout: string): Pick<ReplayResult, "calls" | "events" | "hash" | "eventHash"> {
  const m = /^next calls (\d+) events (\d+) hash ([0-9a-f]{16}) event-hash ([0-9a-f]{16})$/m.exec(stdout);
  if (!m) throw new Error(`myco-snapshot printed no next line:\n${stdout}`);
  return { calls: Number(m[1]), events: Number(m[2]), hash: m[3], eventHash: m[4] };
}

/** The Node host runs the first half on a fresh kernel. */
async function nodeFirst(): Promise<{ kernel: LoaderKernel; hal: CountingHal }> {
  const hal = new CountingHal(first.seed);
  const kernel = await LoaderKernel.create(WASM, hal);
  replay(kernel, hal, first);
  return { kernel, hal };
}

describe("snapshots across hosts (Node and the native C host, release profile)", () => {
  it("Node takes, C restores: both answer the second half alike", async () => {
    const { kernel, hal } = await nodeFirst();
    const bytes = snapshotTake(kernel);
    const snapshot = join(dir, "node.snapshot");
    await writeFile(snapshot, bytes);
    const state = [hal.nowMs.toString(), hal.wakeMs.toString(), hal.draws.toString()];
    const onNode = replay(kernel, hal, next);
    const { stdout } = await run(built.snapshotTool, ["restore", snapshot, ...state, paths().next]);
    const onC = parseNext(stdout);
    expect(onNode.events).toBeGreaterThan(0);
    expect(onC).toEqual({ calls: onNode.calls, events: onNode.events, hash: onNode.hash, eventHash: onNode.eventHash });
  }, 120_000);

  it("C takes, Node restores: both answer the second half alike, and the snapshot is the Node host's byte for byte", async () => {
    const snapshot = join(dir, "c.snapshot");
    const { stdout } = await run(built.snapshotTool, ["take", paths().first, snapshot, paths().next]);
    const took = /^took bytes (\d+) hal (-?\d+) (-?\d+) (\d+)$/m.exec(stdout);
    expect(took, stdout).not.toBeNull();
    const bytes = new Uint8Array(await readFile(snapshot));
    expect(bytes.length).toBe(Number(took![1]));
    const { kernel: reference } = await nodeFirst();
    expect(Buffer.compare(bytes, snapshotTake(reference))).toBe(0);
    const hal = new CountingHal(next.seed);
    const kernel = await LoaderKernel.create(WASM, hal);
    snapshotRestore(kernel, bytes);
    hal.resume(BigInt(took![2]), BigInt(took![3]), Number(took![4]));
    const onNode = replay(kernel, hal, next);
    const onC = parseNext(stdout);
    expect(onNode.events).toBeGreaterThan(0);
    expect(onNode).toEqual({ ...onC });
  }, 120_000);

  it("the C host refuses a damaged snapshot with the kernel's CRC error", async () => {
    const { kernel, hal } = await nodeFirst();
    const bytes = snapshotTake(kernel);
    bytes[bytes.length >> 1] ^= 0x40;
    const snapshot = join(dir, "damaged.snapshot");
    await writeFile(snapshot, bytes);
    const failure = await run(built.snapshotTool, ["restore", snapshot, "0", "-1", String(hal.draws), paths().next]).then(
      () => null, (error: { code: number; stdout: string }) => error);
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toMatch(/^refused -371$/m); // E_SNAPSHOT_CORRUPT: the CRC-32
  }, 120_000);
});
