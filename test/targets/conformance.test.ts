// Conformance across hosts: the all-layer program (targets/conformance/scenario/), replayed with
// the virtual HAL (splitmix32, virtual clock), gives byte-identical answers — every result,
// event, action, pick, statistic and query — on the Node loader, the jco component, wasmtime
// (core module and component), the native C host and the Cortex-M3/M4 images under QEMU, per
// build profile. A simulator seed replays on every host to the simulator's own event log, and
// one changed byte of a program changes every host's hash alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compare, firmwareHosts, formatHost, runConformance, scriptedHosts, type HostResult } from "../../targets/conformance/run.ts";
import { buildProgram, TINY_EXPECTED } from "../../targets/conformance/build-program.ts";
import { decodeProgram, encodeProgram, type Program } from "../../targets/conformance/program.ts";
import { recordSeed } from "../../targets/conformance/sim-seed.ts";
import { buildFirmware, imageWithProgram } from "../../targets/firmware/tools/build.ts";
import { runImage } from "../../targets/firmware/tools/run.ts";
import { MissingWasmtimeError, wasmtimePython } from "../../targets/wasmtime/run.ts";
import { replayOnLoader } from "../../targets/node/host.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const RELEASE_HOSTS = ["node", "component", "wasmtime-core", "wasmtime-component", "native", "qemu-cortex-m3", "qemu-cortex-m4"];
const MCU_HOSTS = ["node-mcu", "wasmtime-core-mcu", "native-mcu", "qemu-cortex-m3-mcu", "qemu-cortex-m4-mcu"];
const TINY_HOSTS = ["node-tiny", "wasmtime-core-tiny", "native-tiny", "qemu-cortex-m3-tiny"];
/** Builds every target (or waits for the other test files' builds) and runs QEMU twelve times. */
const SLOW_MS = 900_000;

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "myco-conformance-")); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectAgreement(hosts: HostResult[], names: string[]): HostResult {
  expect(hosts.filter((h) => h.error).map(formatHost)).toEqual([]);
  expect(hosts.map((h) => h.host)).toEqual(expect.arrayContaining(names));
  const reference = hosts[0];
  const view = (h: HostResult) => ({ host: h.host, calls: h.calls, events: h.events, hash: h.hash, eventHash: h.eventHash });
  for (const h of hosts) expect(view(h)).toEqual({ ...view(reference), host: h.host });
  return reference;
}

describe("conformance (targets/conformance)", () => {
  it("every host answers the all-layer program byte for byte alike, per profile, as recorded", async () => {
    const { hosts, agree, recorded, tiny } = await runConformance();
    const release = expectAgreement(hosts.filter((h) => h.profile === "release"), RELEASE_HOSTS);
    const mcu = expectAgreement(hosts.filter((h) => h.profile === "mcu"), MCU_HOSTS);
    expect(mcu.hash).toBe(recorded.hash); // the program was recorded on mcu
    expect(mcu.events).toBe(recorded.events);
    expect(release.calls).toBeGreaterThan(5000);
    expect(release.events).toBeGreaterThan(500);
    // the tiny profile's own program (only what tiny contains), against its committed answers
    const tinyHosts = expectAgreement(hosts.filter((h) => h.profile === "tiny"), TINY_HOSTS);
    expect(tiny).toEqual({ hash: TINY_EXPECTED.hash, events: TINY_EXPECTED.events });
    expect({ calls: tinyHosts.calls, events: tinyHosts.events, hash: tinyHosts.hash, eventHash: tinyHosts.eventHash }).toEqual(TINY_EXPECTED);
    expect(agree).toBe(true);
  }, SLOW_MS);

  it("replays a simulator seed on every host to the simulator's own event log", async () => {
    const seed = recordSeed(7, 120);
    expect(seed.sim.ok, seed.sim.message).toBe(true);
    expect(seed.events).toBe(seed.sim.events);
    const path = join(dir, "seed-7.program");
    const bytes = encodeProgram(seed.program);
    writeFileSync(path, bytes);
    const hosts = [...await scriptedHosts(decodeProgram(bytes), path, ["release"]), ...await firmwareHosts({ cortexM: false, programPath: path, profiles: ["release"] })];
    expectAgreement(hosts, ["node", "component", "wasmtime-core", "wasmtime-component", "native"]);
    for (const h of hosts) expect({ host: h.host, eventHash: h.eventHash, hash: h.hash }).toEqual({ host: h.host, eventHash: seed.eventHash, hash: seed.hash });
  }, SLOW_MS);

  it("changes every host's hash when one byte of the program changes", async () => {
    const { program, bytes } = buildProgram();
    const changed = flipLatencyByte(program, bytes);
    const path = join(dir, "changed.program");
    writeFileSync(path, changed);
    const built = await buildFirmware({ cortexM: true });
    const images = await Promise.all(built.images.filter((i) => i.profile !== "tiny").map((i) => imageWithProgram(i, changed, "one-byte")));
    const qemu: HostResult[] = [];
    for (const image of images) {
      const output = await runImage(image);
      expect(output.ok, output.text).toBe(true);
      const { name, ...line } = output.host!;
      qemu.push({ host: name, profile: image.profile, ...line });
    }
    const hosts = [...await scriptedHosts(decodeProgram(changed), path), ...await firmwareHosts({ cortexM: false, programPath: path, profiles: ["release", "mcu"] }), ...qemu];
    for (const [profile, names] of [["release", RELEASE_HOSTS], ["mcu", MCU_HOSTS]] as const) {
      const { result: original } = await replayOnLoader(join(root, `build/${profile}.wasm`), program);
      const reference = expectAgreement(hosts.filter((h) => h.profile === profile), names);
      expect(reference.hash).not.toBe(original.hash);
      expect(reference.calls).toBe(original.calls);
    }
  }, SLOW_MS);

  it("says how to install wasmtime-py when the wasmtime host's python lacks it, instead of skipping", async () => {
    const saved = process.env.MYCO_WASMTIME_PYTHON;
    process.env.MYCO_WASMTIME_PYTHON = join(dir, "no-such-python");
    try {
      await expect(wasmtimePython()).rejects.toThrow(MissingWasmtimeError);
      await expect(wasmtimePython()).rejects.toThrow(/package wasmtime.*pip install wasmtime/);
    } finally {
      if (saved === undefined) delete process.env.MYCO_WASMTIME_PYTHON;
      else process.env.MYCO_WASMTIME_PYTHON = saved;
    }
  });

  it("fails when any host differs", () => {
    const host = (name: string, hash: string): HostResult => ({ host: name, profile: "release", calls: 1, events: 1, hash, eventHash: "00" });
    expect(compare([host("node", "00"), host("native", "00")])).toBe(true);
    expect(compare([host("node", "00"), host("native", "01")])).toBe(false);
    expect(compare([host("node", "00"), { ...host("native", "00"), eventHash: "01" }])).toBe(false);
    expect(compare([host("node", "00"), { ...host("qemu-cortex-m3", ""), error: "exit 1" }])).toBe(false);
  });
});

/**
 * The program with one byte changed: a high mantissa byte of the first f64 latency a request
 * reports (balanceRequestFinished's second argument: 4.5 ms becomes 4.75 ms), which the
 * latency statistics and the EWMAs see. (A change of one ulp in the lowest byte reaches no
 * answer of the kernel: its statistics are whole microseconds.)
 */
function flipLatencyByte(program: Program, bytes: Uint8Array): Uint8Array {
  const index = program.exports.findIndex((e) => e.name === "balanceRequestFinished");
  const reencoded = encodeProgram(program);
  expect(Buffer.compare(Buffer.from(reencoded), Buffer.from(bytes))).toBe(0);
  const step = program.steps.findIndex((s) => s.kind === "call" && s.index === index);
  expect(step).toBeGreaterThan(0);
  // Where that step's bytes start: encode the steps before it.
  const prefix = encodeProgram({ ...program, steps: program.steps.slice(0, step) });
  const latencyAt = prefix.length + 1 + 2 + 8 + 6; // kind, export index, the handle slot; a high mantissa byte
  const changed = bytes.slice();
  changed[latencyAt] ^= 0x01; // 4.5 ms becomes 4.75 ms
  return changed;
}
