#!/usr/bin/env node
// The `myco` command (package.json "bin"). It runs the precompiled bundle `npm run build` writes
// (build/myco.mjs: no TypeScript compiled at start, no loader thread) while the bundle is newer
// than every host source; otherwise (a fresh clone, an edited source) Node 20 cannot run
// TypeScript itself: register tsx's loader, then import the real entry point, host/cli/myco.ts.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// `myco ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => { if (error.code === "EPIPE") process.exit(0); else throw error; });

const root = fileURLToPath(new URL("../../", import.meta.url));
const bundle = join(root, "build", "myco.mjs");

/** The newest modification time of a .ts file under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

const fresh = existsSync(bundle) && statSync(bundle).mtimeMs >= newestSource(join(root, "host"));
let main;
if (fresh) {
  ({ main } = await import(bundle));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("./myco.ts"));
}
process.exitCode = await main(process.argv);
