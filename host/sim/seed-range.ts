// A range of seeds run one after another, each failure printed with its reproduction line:
// shared by `myco sim` (host/sim/cli.ts) and `myco sim --fleet` (fleet-cli.ts).

/** Runs seeds from .. from + count - 1; prints each failure and the summary; returns the exit code. */
export function runSeedRange(run: (seed: number) => { ok: boolean; message: string }, from: number, count: number, steps: number): number {
  const started = performance.now();
  let failed = 0;
  for (let seed = from; seed < from + count; seed++) {
    const result = run(seed);
    if (!result.ok) { failed++; console.log(`${result.message}\n`); }
  }
  console.log(`${count} seeds x ${steps} steps: ${count - failed} passed, ${failed} failed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return failed === 0 ? 0 : 1;
}
