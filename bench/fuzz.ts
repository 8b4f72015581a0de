// Fuzzing every byte input of the manifest/config/discovery kernel: random and mutated blobs,
// names and patterns, seeded. Mutations aimed at the layer sections (HEALTH, RECOVERY, BALANCE:
// bytes changed, a section dropped) load over the running configuration, and a small world
// (starts, instances coming up, check results, picks and request outcomes, time passing) keeps
// the applied checks, policies and breakers busy between loads. Asserts 0 traps, 0 memory
// growth, and an error code for every rejection. `npx tsx bench/fuzz.ts [iterations=1000000] [seed=1] [profile=release]` prints the counts; the test
// (test/manifest/fuzz.test.ts) runs a CI-sized count of the same loop.
import { fileURLToPath } from "node:url";
import { Kernel } from "../host/kernel/kernel.ts";
import type { Profile } from "../host/kernel/module.ts";
import { VirtualHal, splitmix32 } from "../host/hal/virtual.ts";
import { KernelManifest } from "../host/kernel/manifest.ts";
import { parseManifestFile } from "../host/manifest/parse.ts";
import { encodeManifest, seal } from "../host/manifest/blob.ts";

export interface FuzzResult { iterations: number; blobsLoaded: number; blobsRejected: number; accepted: number; rejected: number; traps: number; uncoded: number; memoryGrowth: number; heapGrowth: number }

const EXAMPLES = ["sensor-node", "edge-gateway"].map((n) => fileURLToPath(new URL(`../examples/${n}/services.yaml`, import.meta.url)));
const PATTERN_ALPHABET = "ab.*+?|()[]{}^$\\-,!:regxlob0123456789";

export function fuzz(iterations: number, seed = 1, profile: Profile = "release"): FuzzResult {
  const random = splitmix32(seed);
  const pick = (n: number) => random() % n;
  const seeds = EXAMPLES.map((f) => encodeManifest(parseManifestFile(f, { env: { MYCO_TELEMETRY_UPLINK_API_TOKEN: "0123456789abcdef0", MYCO_DB_PASSWORD: "password123" } }).manifest!));
  const hal = new VirtualHal(seed);
  const kernel = new Kernel({ hal, profile });
  const m = new KernelManifest(kernel);
  const memory = kernel.memoryBytes();
  const heap = kernel.heapHighWater();
  const result: FuzzResult = { iterations, blobsLoaded: 0, blobsRejected: 0, accepted: 0, rejected: 0, traps: 0, uncoded: 0, memoryGrowth: 0, heapGrowth: 0 };
  const io = () => new Uint8Array(kernel.exports.memory.buffer, kernel.exports.ioBuffer(), kernel.exports.ioCapacity());
  const x = m.x;
  for (let i = 0; i < iterations; i++) {
    let status: number;
    try {
      const what = pick(11);
      if (what < 4 || what === 8 || what === 9) {
        const seedBlob = seeds[pick(seeds.length)];
        status = what < 4 ? loadMutated(seedBlob, what) : stage(sectionMutated(seedBlob));
        if (status >= 0) result.blobsLoaded++; else result.blobsRejected++;
      }
      else if (what === 10) status = world();
      else if (what < 6) { const n = writePattern(); status = x.discoveryPatternTest(n, writeText(n)); }
      else if (what === 6) { const n = writeBytes(0, 1 + pick(40)); status = kernel.exports.serviceLookup(n); }
      else { const n = writePattern(); status = x.discoveryQuery(n, pick(3) - 1, pick(8) - 1, pick(4) - 1, 0n); }
    } catch (error) {
      result.traps++;
      if (result.traps < 5) console.error(`seed ${seed} iteration ${i}: ${(error as Error).message}`);
      continue;
    }
    if (status >= 0) { result.accepted++; continue; }
    result.rejected++;
    if (kernel.exports.errorDetail() === 0) result.uncoded++;
    if (i % 4096 === 0) kernel.reset();
  }
  result.memoryGrowth = kernel.memoryBytes() - memory;
  result.heapGrowth = kernel.heapHighWater() - heap;
  return result;

  function writeBytes(offset: number, n: number): number {
    const buf = io();
    for (let k = 0; k < n; k++) buf[offset + k] = pick(4) === 0 ? pick(256) : "abc-._09xyz"[pick(11)].charCodeAt(0);
    return n;
  }
  function writePattern(): number {
    const prefix = ["", "glob:", "regex:"][pick(3)];
    let text = prefix;
    const n = pick(24);
    for (let k = 0; k < n; k++) text += PATTERN_ALPHABET[pick(PATTERN_ALPHABET.length)];
    return kernel.put(text);
  }
  function writeText(offset: number): number { return writeBytes(offset, pick(64)); }
  function loadMutated(seedBlob: Uint8Array, how: number): number {
    let blob: Uint8Array;
    if (how === 0) blob = Uint8Array.from({ length: pick(300) }, () => pick(256)); // random
    else {
      blob = seedBlob.slice();
      const flips = 1 + pick(8);
      for (let k = 0; k < flips; k++) blob[pick(blob.length)] = pick(256);
      if (how === 2) blob = blob.subarray(0, pick(blob.length + 1));
      if (how >= 2 && blob.length >= 24) blob = seal(blob); // sealed: gets past the checksum to the records
    }
    return stage(blob);
  }
  /** A valid blob with one of its layer sections changed (1-3 bytes, random or +-1) or dropped, resealed. */
  function sectionMutated(seedBlob: Uint8Array): Uint8Array {
    const view = new DataView(seedBlob.buffer, seedBlob.byteOffset, seedBlob.byteLength);
    const sections: number[] = [];
    for (let at = 24; at < seedBlob.length; at += 3 + view.getUint16(at + 1, true)) {
      if (seedBlob[at] >= 0x80 && seedBlob[at] <= 0x82) sections.push(at);
    }
    const at = sections[pick(sections.length)];
    const size = view.getUint16(at + 1, true);
    const how = pick(4);
    if (how === 0) return seal(Uint8Array.from([...seedBlob.subarray(0, at), ...seedBlob.subarray(at + 3 + size)]));
    const blob = seedBlob.slice();
    for (let k = 1 + pick(3); k > 0; k--) {
      const i = at + 3 + pick(size);
      blob[i] = how === 1 ? pick(256) : (blob[i] + (pick(2) ? 1 : 255)) & 0xff;
    }
    return seal(blob);
  }
  /** The world moves: starts, instances up, checks answered, picks and outcomes, time. */
  function world(): number {
    const e = kernel.exports;
    if (pick(8) === 0) e.startAll();
    hal.advance(pick(4) === 0 ? pick(60_000) : pick(2_000));
    e.tick();
    for (const action of kernel.drainActions()) {
      if (action.kind === "spawn" && pick(8) !== 0) e.instanceStarted(action.instance);
      else if (action.kind === "stop" || action.kind === "kill") e.instanceExited(action.instance, pick(4) === 0 ? 1 : 0);
      else if (action.kind === "run-check" && pick(4) !== 0) e.checkReport(action.arg, action.instance, pick(3), pick(100));
    }
    for (let n = pick(4); n > 0; n--) {
      const handle = e.balancePick(pick(16));
      if (handle >= 0) e.balanceRequestFinished(handle, pick(500), pick(3));
    }
    return e.tick();
  }
  function stage(blob: Uint8Array): number {
    const chunk = kernel.exports.ioCapacity();
    for (let offset = 0; offset < blob.length; offset += chunk) {
      const part = blob.subarray(offset, offset + chunk);
      io().set(part);
      const staged = x.manifestStage(offset, part.length);
      if (staged < 0) return staged;
    }
    return x.manifestLoad(blob.length);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const iterations = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  const profile = (process.argv[4] ?? "release") as Profile;
  const started = performance.now();
  const r = fuzz(iterations, seed, profile);
  console.log(JSON.stringify({ ...r, seed, profile, seconds: Math.round((performance.now() - started) / 100) / 10 }));
  process.exitCode = r.traps || r.uncoded || r.memoryGrowth || r.heapGrowth ? 1 : 0;
}
