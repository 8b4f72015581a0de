import { instantiate } from "@assemblyscript/loader";
import { readFileSync } from "node:fs";
for (const pattern of [0xff, 0xa5, 0x7f]) for (const call of ["startAll", "tick", "serviceState0", "stopAll", "order"]) {
let now = 0n; let aborted = null;
const { exports: k } = await instantiate(readFileSync(`build/release.wasm`), { hal: { now_ms: () => now, sleep_ms: (ms) => { now += BigInt(ms); return 0; }, abort: (m, f, l, c) => { const s=(p)=>{const n=new Uint32Array(mem.buffer,p-4,1)[0]>>1; return String.fromCharCode(...new Uint16Array(mem.buffer,p,n));}; aborted = [s(m), s(f), l, c]; }, random_u32: () => 4 } });
const enc = new TextEncoder();
for (const n of ["a", "b", "c"]) { new Uint8Array(k.memory.buffer, k.ioBuffer(), 1).set(enc.encode(n)); k.serviceRegister(1, 0, 2); }
k.startAll(); k.actionsDrain();
var mem = new Uint8Array(k.memory.buffer);
const io = k.ioBuffer(), cap = k.ioCapacity();
mem.fill(pattern, io + cap, k.heapHighWater());
const t0 = performance.now();
try { const r = call === "serviceState0" ? k.serviceState(0) : k[call](); console.log(pattern.toString(16), call, "returned", r, performance.now() - t0); }
catch (e) { console.log(pattern.toString(16), call, "trap", e.message, aborted, (performance.now() - t0).toFixed(1)); }
}
