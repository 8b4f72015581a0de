// The simulator from the command line:
//   npx tsx host/sim/cli.ts --seed 123 [--steps 200] [--events] [--program FILE]
//                                   replay one seed (optionally print its log, or write it as a
//                                   conformance program every host replays: targets/README.md)
//   npx tsx host/sim/cli.ts --seeds 1000 [--from 1] [--steps 200]  run a range, print failures and the count
//   npx tsx host/sim/cli.ts --fleet --seed 7 [--steps 500] [--svg FILE]  one fleet seed (fleet-run.ts),
//                                   its node utilisation per tier written as an SVG heat map
//   npx tsx host/sim/cli.ts --fleet --seeds 1000 [--from 1] [--steps 500]  a range of fleet seeds
import { writeFileSync } from "node:fs";
import { runSeed } from "./run.ts";
import { runFleet } from "./fleet-cli.ts";
import { runSeedRange } from "./seed-range.ts";
import type { Simulation } from "../executors/simulation.ts";
import { attachRecorder } from "../../targets/conformance/sim-seed.ts";
import { encodeProgram } from "../../targets/conformance/program.ts";
import type { Recorder } from "../../targets/conformance/recorder.ts";

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i++) {
  const [key, inline] = process.argv[i].replace(/^--/, "").split("=");
  const next = process.argv[i + 1];
  args.set(key, inline ?? (next && !next.startsWith("--") ? (i++, next) : "true"));
}
const steps = Number(args.get("steps") ?? (args.has("fleet") ? 500 : 200));

if (args.has("fleet")) {
  process.exitCode = runFleet(args, steps);
} else if (args.has("seed")) {
  const seed = Number(args.get("seed"));
  let sim: Simulation | undefined;
  let recorder: Recorder | undefined;
  const programPath = args.get("program");
  const result = runSeed(seed, {
    steps,
    ...(programPath ? { profile: "release" as const } : {}),
    onSimulation: (s) => { sim = s; if (programPath) recorder = attachRecorder(s); },
  });
  if (programPath && recorder) {
    const recording = recorder.finish();
    writeFileSync(programPath, encodeProgram(recording.program));
    console.log(`${programPath}: ${recording.calls} calls, ${recording.events} events, hash ${recording.hash}, event hash ${recording.eventHash}`);
  }
  if (args.has("events") && sim) {
    for (const e of sim.events) console.log(`${e.seq}\t${e.timeMs}\t${e.serviceName}\t${e.kind}\t${e.from}>${e.to}\t${e.cause}\t${e.value}`);
  }
  console.log(result.ok ? `seed=${seed}: ok (${result.events} events, ${result.restarts} restarts, ${result.faults} faults)` : result.message);
  process.exitCode = result.ok ? 0 : 1;
} else {
  process.exitCode = runSeedRange((seed) => runSeed(seed, { steps }), Number(args.get("from") ?? 1), Number(args.get("seeds") ?? 100), steps);
}
