// The package's root directory, found by walking up from this module to the package.json named
// "myco": the same answer from the TypeScript sources (host/) and from the bundle `npm run build`
// writes (build/myco.mjs), where every module shares the bundle's URL.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "myco") return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json named "myco" above ${from}`);
  }
}

export const PACKAGE_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the package (`fromRoot("build", "release.wasm")`). */
export function fromRoot(...parts: string[]): string { return join(PACKAGE_ROOT, ...parts); }
