// `myco check services.yaml`: validate a manifest (with its run: and alerts: sections). Prints
// every problem as FILE:LINE:COL: message (exit 1), or a one-line summary (exit 0).
import type { Command } from "commander";
import { loadHostManifest } from "../../supervisor/host-manifest.ts";
import { formatDiagnostic } from "../../manifest/diagnostics.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import type { Output } from "../output.ts";
import { placementSummaries, placementLine, type PlacementSummary } from "./check-placement.ts";
import { ManifestLoadError } from "../../kernel/manifest.ts";

export function checkCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("check").argument("<manifest>", "services.yaml").description("validate a manifest")
    .option("--json", "print { ok, services, ... } or { ok: false, problems } as JSON"))
    .action((file: string, flags: ManifestFlags & { json?: boolean }) => {
      // The whole file as `myco run` reads it: the manifest, every run: section and alerts:.
      const { hostManifest, diagnostics } = loadHostManifest(file, parseOptions(flags));
      const manifest = hostManifest?.manifest;
      if (!manifest && flags.json) {
        io.err(JSON.stringify({ ok: false, file, problems: diagnostics }));
        return exit(1);
      }
      if (!manifest) {
        for (const d of diagnostics) io.err(formatDiagnostic(d));
        io.err(`${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in ${file}`);
        exit(1);
        return;
      }
      const services = manifest.services.length;
      const edges = manifest.services.reduce((n, s) => n + s.dependencies.length, 0);
      const instances = manifest.services.reduce((n, s) => n + s.instances, 0);
      const keys = manifest.services.reduce((n, s) => n + s.config.length, 0);
      const bytes = encodeManifest(manifest).length;
      let placement: PlacementSummary[];
      try {
        placement = placementSummaries(manifest);
      } catch (error) {
        if (!(error instanceof ManifestLoadError)) throw error;
        const problem = { file, line: 1, col: 1, message: `the kernel rejects the manifest: ${error.message}` };
        if (flags.json) io.err(JSON.stringify({ ok: false, file, problems: [problem] }));
        else io.err(`${file}:1:1: ${problem.message}`);
        return exit(1);
      }
      if (flags.json) {
        const extra = placement.length ? { placement: Object.fromEntries(placement.map((p) => [p.service, p.spec])) } : {};
        io.out(JSON.stringify({ ok: true, file, services, instances, dependencies: edges, configKeys: keys, blobBytes: bytes, ...extra }));
        return exit(0);
      }
      io.out(`${file}: ok: ${services} services, ${instances} instances, ${edges} dependencies, ${keys} config keys (${bytes}-byte blob)`);
      for (const summary of placement) io.out(placementLine(summary));
      exit(0);
    });
}
