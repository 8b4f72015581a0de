// `myco sim --fleet` (host/sim/cli.ts): one fleet seed with its SVG heat map, or a range of seeds.
import { writeFileSync } from "node:fs";
import { runFleetSeed, type UtilisationSample } from "./fleet-run.ts";
import { utilisationSvg } from "./fleet-svg.ts";
import { runSeedRange } from "./seed-range.ts";

/** Runs what the arguments ask; returns the exit code. */
export function runFleet(args: Map<string, string>, steps: number): number {
  if (args.has("seed")) {
    const seed = Number(args.get("seed"));
    const samples: UtilisationSample[][] = [];
    const result = runFleetSeed(seed, { steps, onStep: (_, sample) => samples.push(sample) });
    const path = args.get("svg") ?? `fleet-seed-${seed}.svg`;
    writeFileSync(path, utilisationSvg(samples, `myco fleet simulation, seed ${seed}, ${samples.length} steps: cpu utilisation per node`));
    console.log(result.ok ? `fleet seed=${seed}: ok (${result.moves} moves in ${result.rounds} planning rounds); ${path}` : result.message);
    return result.ok ? 0 : 1;
  }
  return runSeedRange((seed) => runFleetSeed(seed, { steps }), Number(args.get("from") ?? 1), Number(args.get("seeds") ?? 100), steps);
}
