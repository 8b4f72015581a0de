import { readFileSync } from "node:fs";
// @ts-ignore
import { instantiate } from "./jco/myco.js";
let now = 0n;
const hal = { nowMs: () => now, randomU32: () => 7, sleepMs: (ms: number) => { now += BigInt(ms); return 0; },
  abort: (m: Uint16Array, f: Uint16Array, l: number, c: number) => console.log("abort", String.fromCharCode(...m), String.fromCharCode(...f), l, c) };
const root = await instantiate((p: string) => new WebAssembly.Module(readFileSync(new URL("./jco/" + p, import.meta.url))), { "myco:kernel/hal": hal, "myco:kernel/hal@0.1.0": hal });
const k = root.kernel;
console.log(k.serviceRegister("db", 0, 2), k.serviceRegister("api", 1, 1), k.dependencyAddByName(1, "db", 1), k.dependencyAddByName(1, "nope", 1), k.errorDetail());
console.log(k.order(), k.serviceName(1)); try { k.serviceName(9) } catch (e: any) { console.log("err payload", e.payload) }
console.log(k.startAll(), k.actionsDrain());
console.log(k.eventsRead(1));
console.log(k.nextDeadline(), k.serviceTagMask(0), k.heapHighWater());
try { k.serviceRegister("x".repeat(9000), 0, 1); } catch (e) { console.log("caught", e); }
try { console.log(k.serviceCount()); } catch (e) { console.log("after trap", e); }
