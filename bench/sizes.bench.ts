// Footprint per build profile: module size, fixed memory, and how much of it the tables use.
import { statSync } from "node:fs";
import { Kernel, VirtualHal, PROFILES } from "../host/index.ts";
import { modulePath } from "../host/kernel/module.ts";
import type { BenchRow } from "./harness.ts";

const row = (name: string, unit: string, value: number): BenchRow => ({ name, unit, value, peer: null, peerValue: null, ratio: null });

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const profile of PROFILES) {
    const kernel = new Kernel({ hal: new VirtualHal(), profile });
    rows.push(row(`${profile} .wasm size`, "KiB", statSync(modulePath(profile)).size / 1024));
    rows.push(row(`${profile} memory (fixed, ${kernel.exports.memoryPages()} pages)`, "KiB", kernel.memoryBytes() / 1024));
    rows.push(row(`${profile} tables reserved at init`, "KiB", kernel.heapHighWater() / 1024));
    rows.push(row(`${profile} capacity: services`, "count", kernel.limits.services));
  }
  return rows;
}
