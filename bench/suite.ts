// One benchmark suite in a process of its own (bench/run.ts starts one per suite): what an
// earlier suite left behind in V8 (call sites that saw other kernels' exports, other closures,
// other shapes, and went polymorphic) does not slow a later suite's measurements, and each suite
// runs as a user's process would, with its own kernels only. The rows go to the file named on the
// command line (the suite's own output stays on the terminal).
import { writeFileSync } from "node:fs";
import type { BenchRow } from "./harness.ts";

const [file, out] = process.argv.slice(2);
const suite = (await import(new URL(file, import.meta.url).href)) as { run: () => Promise<BenchRow[]> };
const rows = await suite.run();
writeFileSync(out, JSON.stringify(rows));
