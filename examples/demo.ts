// `npm start`: the kernel (build/release.wasm) supervising a sensor node in virtual time on the
// Node host: the start waves, a live status table, and a graceful shutdown in reverse order.
// It ends by itself and replays identically (seed 1).
import { statSync } from "node:fs";
import { Simulation, type KernelEvent } from "../host/index.ts";
import { modulePath } from "../host/kernel/module.ts";
import { statusRows, formatTable } from "../host/status-table.ts";
import { registerDevice, START_DELAY_MS } from "./sensor-node/device.ts";
import { faultPhase } from "./faults.ts";

const SEED = 1;
const sim = new Simulation({ seed: SEED, profile: "release", startDelayMs: (service) => START_DELAY_MS[service] ?? 100, stopDelayMs: 60 });
const { kernel } = sim;

const seconds = (ms: number) => `${(ms / 1000).toFixed(3)}s`;
const say = (text = "") => console.log(text);
const table = () => say(formatTable(statusRows(kernel).map((r) => ({ ...r }))).replace(/^/gm, "    "));

// Service transitions as they happen; instance spawns show when each wave really begins.
let spawnLine = { key: "", count: 0 };
const flushSpawns = () => {
  if (spawnLine.count > 0) say(`${spawnLine.key} spawn x${spawnLine.count} (dependencies up)`);
  spawnLine = { key: "", count: 0 };
};
let quiet = false; // the fault phase prints its own, shorter story
sim.onEvent((e: KernelEvent) => {
  if (quiet) return;
  const prefix = `  t=${seconds(e.timeMs)}  ${e.serviceName.padEnd(17)}`;
  if (e.kind === "instance-state" && e.to === "starting") {
    if (spawnLine.key !== prefix) flushSpawns();
    spawnLine = { key: prefix, count: spawnLine.count + 1 };
    return;
  }
  if (e.kind !== "service-state") return;
  flushSpawns();
  const what = e.from !== "starting" && e.to === "starting" ? "start queued" : `${e.from} -> ${e.to}`;
  say(`${prefix} ${what}  (${e.cause})`);
});
const settle = (ms: number) => { sim.runFor(ms); flushSpawns(); };

const wasmBytes = statSync(modulePath("release")).size;
say(`Myco demo: a sensor node on the release kernel (${(wasmBytes / 1024).toFixed(1)} KiB .wasm, ` +
  `${kernel.memoryBytes() / 1024} KiB fixed memory), virtual clock, seed ${SEED}`);
registerDevice(kernel);

say("\nStart order (waves):");
kernel.order().waves.forEach((wave, i) => say(`  wave ${i}: ${wave.join(", ")}`));

say("\nStarting everything:");
kernel.startAll();
settle(3000);
say(`\nStatus at t=${seconds(sim.timeMs)}:`);
table();

say("\nRestarting storage (its dependents follow it down and back up):");
kernel.restart("storage");
settle(3000);
say(`\nStatus at t=${seconds(sim.timeMs)}:`);
table();

quiet = true;
faultPhase(sim, { say, table, settle });
quiet = false;

say("\nGraceful shutdown, dependents first:");
kernel.stopAll();
settle(5000);
say(`\nStatus at t=${seconds(sim.timeMs)}:`);
table();
say(`\n${sim.events.length} events, ${kernel.eventsLost} lost; instances still alive in the world: ${sim.executor.aliveCount}`);
