// The `myco` command as one precompiled module (build/myco.mjs, part of `npm run build`): run
// without tsx's loader thread and without compiling the TypeScript host at every start (an idle
// `myco run` of 50 services, sampled once after 15 s: 154 MiB RSS through tsx, 79 MiB from the
// bundle; bench/overhead.bench.ts measures the 60 s mean). Dependencies stay in node_modules (external), so the ones an idle run does not use
// are loaded on first use (host/lazy-module.ts). host/cli/myco.js runs the bundle while it is
// newer than every host source, and the sources through tsx otherwise.
import { build } from "esbuild";
import { fromRoot } from "../package-root.ts";

export const CLI_BUNDLE = fromRoot("build", "myco.mjs");

export async function bundleCli(): Promise<void> {
  await build({
    entryPoints: [fromRoot("host", "cli", "myco.ts")], outfile: CLI_BUNDLE, bundle: true, platform: "node", format: "esm",
    target: "node20", packages: "external", logLevel: "warning",
  });
}
