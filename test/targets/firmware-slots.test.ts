// The firmware's two module slots (targets/firmware/src/slots.c, like an A/B bootloader), on the
// native C host: the conformance program's first half runs in slot 0, the kernel upgrades into
// slot 1 (snapshot, restore, self-check, switch), and the second half answers exactly as without
// an upgrade, and as on the Node host. A new slot whose tables are damaged, or whose restored
// state fails the self-check, is dropped: slot 0 carries on and answers the same.
import { beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { buildFirmware, type FirmwareBuild } from "../../targets/firmware/tools/build.ts";
import { buildProgram } from "../../targets/conformance/build-program.ts";
import { encodeProgram, type Program } from "../../targets/conformance/program.ts";
import { replay } from "../../targets/conformance/replay.ts";
import { LoaderKernel } from "../../targets/node/loader-port.ts";
import { VirtualHal } from "../../targets/node/hal.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const MYCO_E_TRAPPED = -1000;
const MYCO_E_SLOT_SELF_CHECK = -1004;
let built: FirmwareBuild;
let files: string[];

/** The program cut at its middle, never between an I/O write and its call. */
function halves(program: Program): [Program, Program] {
  let cut = program.steps.length >> 1;
  while (program.steps[cut - 1].kind === "io") cut++;
  return [{ ...program, steps: program.steps.slice(0, cut) }, { ...program, steps: program.steps.slice(cut) }];
}
const [first, next] = halves(buildProgram().program);

beforeAll(async () => {
  built = await buildFirmware({ cortexM: false });
  const dir = await mkdtemp(join(tmpdir(), "myco-slots-"));
  files = [join(dir, "first.program"), join(dir, "next.program")];
  await writeFile(files[0], encodeProgram(first));
  await writeFile(files[1], encodeProgram(next));
}, 600_000);

interface SlotsRun { upgrade: { status: number; slot: number } | null; next: string }

async function slots(mode: string): Promise<SlotsRun> {
  const { stdout } = await run(built.slotsTool, [...files, mode]);
  const upgrade = /^upgrade \S+ status (-?\d+) slot (\d)$/m.exec(stdout);
  const nextLine = /^next calls \d+ events \d+ hash [0-9a-f]{16} event-hash [0-9a-f]{16}$/m.exec(stdout);
  if (!nextLine) throw new Error(`myco-slots ${mode} printed no next line:\n${stdout}`);
  return { upgrade: upgrade ? { status: Number(upgrade[1]), slot: Number(upgrade[2]) } : null, next: nextLine[0] };
}

describe("firmware module slots (native C host, release profile)", () => {
  it("upgrades into the other slot and answers the next inputs as without an upgrade, and as the Node host", async () => {
    const hal = new VirtualHal(first.seed);
    const kernel = await LoaderKernel.create(join(root, "build/release.wasm"), hal);
    replay(kernel, hal, first);
    const node = replay(kernel, hal, next);
    const reference = await slots("none");
    expect(reference.next).toBe(`next calls ${node.calls} events ${node.events} hash ${node.hash} event-hash ${node.eventHash}`);
    expect(node.events).toBeGreaterThan(0);
    const upgraded = await slots("upgrade");
    expect(upgraded.upgrade).toEqual({ status: 0, slot: 1 });
    expect(upgraded.next).toBe(reference.next);
  }, 120_000);

  it("keeps the old slot running when the new one traps on damaged tables or fails the self-check", async () => {
    const reference = await slots("none");
    const damaged = await slots("corrupt-new");
    expect(damaged.upgrade).toEqual({ status: MYCO_E_TRAPPED, slot: 0 });
    expect(damaged.next).toBe(reference.next);
    const flipped = await slots("corrupt-restored");
    expect(flipped.upgrade).toEqual({ status: MYCO_E_SLOT_SELF_CHECK, slot: 0 });
    expect(flipped.next).toBe(reference.next);
  }, 120_000);
});
