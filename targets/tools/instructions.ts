// `npm run bench:instructions`: instructions per pick for every load-balancing strategy, counted
// by callgrind on the native wasm2c build (targets/firmware/bench/bench.c: 64 running instances,
// default options, 1000 picks; equal weights, then instance k weighing 1 + k % 5), beside the
// boundary crossing they include; and per breakerPass
// (the one-call breaker: report a success, ask the next permit; bench.c breaker-pass). Builds only the
// native host and bench, not the Cortex-M images.
import { fileURLToPath } from "node:url";
import { buildFirmware } from "../firmware/tools/build.ts";
import { breakerPass, picks } from "./measure.ts";

/** The goal for every strategy (issue 16). */
const PICK_GOAL = 300;

export async function printPickInstructions(): Promise<void> {
  const firmware = await buildFirmware({ cortexM: false });
  const rows = [...await picks(firmware.bench), ...await picks(firmware.bench, true)];
  console.log(`instructions per pick (callgrind, native gcc -O2, release profile, 64 instances, weights 1 or 1..5; goal <= ${PICK_GOAL}):`);
  for (const row of rows) {
    const mark = row.perOperation <= PICK_GOAL ? "" : `  (over the goal by ${row.perOperation - PICK_GOAL})`;
    console.log(`  ${row.label.padEnd(50)} ${String(row.perOperation).padStart(8)}${mark}`);
  }
  const pass = await breakerPass(firmware.bench);
  console.log(`instructions per ${pass.label} (the same build; one instance, breaker and outlier detection on):`);
  console.log(`  ${pass.label.padEnd(36)} ${String(pass.perOperation).padStart(8)}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  printPickInstructions().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
