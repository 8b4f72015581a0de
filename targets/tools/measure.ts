// The targets' measurements (`npm run bench:targets`; bench/ may import `measureTargets`):
// - instructions per core operation on the native C build, counted by callgrind inside
//   bench_measure (targets/firmware/bench/bench.c): deterministic, unlike wall time; one pick
//   per load-balancing strategy the kernel has;
// - sizes: the core .wasm per profile, the component, wasm2c's kernel object, and each Cortex-M
//   image's flash and RAM with the kernel's share.
import { mkdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildComponent } from "../wasi/tools/build.ts";
import { buildFirmware, FIRMWARE_BUILD, PROFILES } from "../firmware/tools/build.ts";
import { imageSizes, type ImageSizes } from "../firmware/tools/sizes.ts";
import { command, mustRun, requireTool } from "./toolchain.ts";
import { STRATEGIES } from "../../host/kernel/balance.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** The one-call breaker (bench.c breaker-pass): report a success, ask the next permit. */
const BREAKER_PASS = { name: "breaker-pass", label: "breaker pass (report + next permit)", repeat: 1000 } as const;

/** Each bench operation and how many times bench.c repeats it inside the measured function. */
export const OPERATIONS = [
  { name: "noop", label: "boundary crossing (noop)", repeat: 1000 },
  { name: "register", label: "register a service", repeat: 16 },
  { name: "start-all", label: "start-all of 16 services", repeat: 1 },
  { name: "tick-idle", label: "one tick with nothing due", repeat: 1000 },
  BREAKER_PASS,
] as const;

export interface Measurements {
  instructions: { operation: string; label: string; perOperation: number }[];
  wasmBytes: Record<string, number>;
  componentBytes: number;
  /** wasm2c's kernel object (.text + .data + .bss) per toolchain and profile. */
  kernelObjectBytes: Record<string, number>;
  images: ({ image: string } & ImageSizes)[];
}

const PICKS = 1000;
/** bench.c's exit status when the kernel has no such strategy. */
const EXIT_NO_SUCH_STRATEGY = 3;

/** Instructions inside bench_measure, or null when bench.c says the operation does not exist. */
async function callgrind(bench: string, args: string[]): Promise<number | null> {
  await requireTool("valgrind");
  const dir = join(FIRMWARE_BUILD, "callgrind");
  await mkdir(dir, { recursive: true });
  const out = join(dir, `${args.join("-")}.out`); // e.g. pick-3-weighted.out
  const run = await command("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, "--toggle-collect=bench_measure", bench, ...args]);
  if (run.code === EXIT_NO_SUCH_STRATEGY) return null;
  if (run.code !== 0) throw new Error(`callgrind ${args.join(" ")} failed (exit ${run.code}):\n${run.stdout}${run.stderr}`);
  const summary = /^summary: (\d+)/m.exec(await readFile(out, "utf8"));
  if (!summary) throw new Error(`${out}: no callgrind summary`);
  return Number(summary[1]);
}

/** Strategy names by the BALANCE record's strategy code (host/kernel/balance.ts). */
function strategyNames(): Map<number, string> {
  return new Map(STRATEGIES.map((name, code) => [code, name.replaceAll("-", " ")]));
}

/** How a weighted run of picks is labelled (bench.c `pick <n> weighted`: instance k weighs 1 + k % 5). */
export const WEIGHTED_LABEL = ", weights 1..5";

/**
 * Instructions per pick for every strategy the kernel has (64 running instances, default
 * options); `weighted`: with unequal weights, so the strategies' weighted paths run.
 */
export async function picks(bench: string, weighted = false): Promise<Measurements["instructions"]> {
  const names = strategyNames();
  const rows: Measurements["instructions"] = [];
  for (let strategy = 0; strategy < 64; strategy++) {
    const total = await callgrind(bench, ["pick", String(strategy), ...(weighted ? ["weighted"] : [])]);
    if (total === null) break;
    rows.push({
      operation: `pick-${strategy}${weighted ? "-weighted" : ""}`,
      label: `pick: ${names.get(strategy) ?? `strategy ${strategy}`}${weighted ? WEIGHTED_LABEL : ""}`,
      perOperation: Math.round(total / PICKS),
    });
  }
  return rows;
}

/** Instructions per breakerPass on one instance with its breaker and outlier detection on. */
export async function breakerPass(bench: string): Promise<Measurements["instructions"][number]> {
  const total = await callgrind(bench, [BREAKER_PASS.name]);
  if (total === null) throw new Error(`bench.c does not know ${BREAKER_PASS.name}`);
  return { operation: BREAKER_PASS.name, label: BREAKER_PASS.label, perOperation: Math.round(total / BREAKER_PASS.repeat) };
}

async function objectBytes(sizeTool: string, object: string): Promise<number> {
  const { stdout } = await mustRun(sizeTool, [object]);
  const row = stdout.trim().split("\n")[1]?.trim().split(/\s+/);
  if (!row) throw new Error(`${sizeTool} ${object}: no output`);
  return Number(row[3]); // dec = text + data + bss
}

export async function measureTargets(): Promise<Measurements> {
  const component = await buildComponent();
  const firmware = await buildFirmware({ cortexM: true });
  const instructions: Measurements["instructions"] = [];
  for (const op of OPERATIONS) {
    const total = await callgrind(firmware.bench, [op.name]);
    if (total === null) throw new Error(`bench.c does not know ${op.name}`);
    instructions.push({ operation: op.name, label: op.label, perOperation: Math.round(total / op.repeat) });
  }
  instructions.push(...await picks(firmware.bench), ...await picks(firmware.bench, true));
  const wasmBytes: Record<string, number> = {};
  for (const profile of PROFILES) wasmBytes[profile] = (await stat(join(root, `build/${profile}.wasm`))).size;
  const kernelObjectBytes: Record<string, number> = {};
  for (const host of firmware.native) kernelObjectBytes[`x86-64 gcc -O2, ${host.profile}`] = await objectBytes("size", host.kernelObject);
  for (const image of firmware.images) {
    kernelObjectBytes[`${image.board.cpu} -Os, ${image.profile}`] = await objectBytes("arm-none-eabi-size", image.kernelObject);
  }
  const images = [];
  for (const image of firmware.images) images.push({ image: `${image.board.cpu} (${image.board.machine}), ${image.profile}`, ...await imageSizes(image.map) });
  const device = firmware.device;
  images.push({ image: `${device.board.cpu} (${device.board.machine}), tiny device image`, ...await imageSizes(device.map) });
  return { instructions, wasmBytes, componentBytes: component.bytes.component, kernelObjectBytes, images };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatMeasurements(m: Measurements): string {
  const lines = ["instructions per operation (callgrind, native gcc -O2 build, release profile):"];
  for (const i of m.instructions) lines.push(`  ${i.label.padEnd(36)} ${String(i.perOperation).padStart(8)}`);
  if (!m.instructions.some((i) => i.operation.startsWith("pick-"))) lines.push("  pick: none (the kernel has no balancing strategy)");
  lines.push("sizes:");
  for (const [profile, bytes] of Object.entries(m.wasmBytes)) lines.push(`  core ${profile}.wasm`.padEnd(40) + `${bytes} B`);
  lines.push("  component (jco, release)".padEnd(40) + `${m.componentBytes} B`);
  for (const [what, bytes] of Object.entries(m.kernelObjectBytes)) lines.push(`  kernel.o ${what}`.padEnd(40) + `${bytes} B`);
  lines.push("Cortex-M images (flash = .text + .ARM.exidx + .data; RAM = .data + .bss, stack apart):");
  for (const i of m.images) {
    lines.push(`  ${i.image.padEnd(36)} flash ${kib(i.flashBytes)} (kernel ${kib(i.kernelFlashBytes)}), ` +
      `RAM ${kib(i.ramBytes)} (kernel ${kib(i.kernelRamBytes)}, of which linear memory ${kib(i.linearMemoryBytes)}), stack ${kib(i.stackBytes)}`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatMeasurements(await measureTargets()));
}
