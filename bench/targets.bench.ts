// The embeddings' measurements as bench rows: instructions per core operation on the native C
// build (callgrind: deterministic, unlike wall time) and the size of every artefact
// (targets/tools/measure.ts builds what it needs).
import { measureTargets } from "../targets/tools/measure.ts";
import type { BenchRow } from "./harness.ts";

const row = (name: string, unit: string, value: number): BenchRow => ({ name, unit, value, peer: null, peerValue: null, ratio: null });

export async function run(): Promise<BenchRow[]> {
  const m = await measureTargets();
  return [
    ...m.instructions.map((i) => row(`native C (callgrind): ${i.label}`, "instructions", i.perOperation)),
    ...Object.entries(m.wasmBytes).map(([profile, bytes]) => row(`core .wasm ${profile}`, "bytes", bytes)),
    row("WASI component (release)", "bytes", m.componentBytes),
    ...Object.entries(m.kernelObjectBytes).map(([name, bytes]) => row(`wasm2c kernel object ${name}`, "bytes", bytes)),
    ...m.images.flatMap((image) => [
      row(`Cortex-M image ${image.image}: flash`, "bytes", image.flashBytes),
      row(`Cortex-M image ${image.image}: flash, kernel's share`, "bytes", image.kernelFlashBytes),
      row(`Cortex-M image ${image.image}: RAM`, "bytes", image.ramBytes),
      row(`Cortex-M image ${image.image}: RAM, kernel's share`, "bytes", image.kernelRamBytes),
    ]),
  ];
}
