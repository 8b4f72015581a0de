// `myco compile services.yaml -o services.myco`: the manifest as the blob a kernel loads (from
// flash on a device). Validates first; prints problems like `check` and writes nothing on error.
// A service with a `run:` section gets its RUN section (tag 0x8B, run-section.ts): what a native
// host (targets/linux) spawns; the kernel skips it and a firmware host ignores it.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { loadHostManifest } from "../../supervisor/host-manifest.ts";
import { runSection, TAG_RUN } from "../../supervisor/run-section.ts";
import { formatDiagnostic } from "../../manifest/diagnostics.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import type { Output } from "../output.ts";

export function compileCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("compile").argument("<manifest>", "services.yaml").description("compile a manifest to a blob")
    .requiredOption("-o, --output <file>", "where to write the blob (services.myco)")
    .option("--serial <n>", "manifest serial number stored in the header (default: the file's `serial`)"))
    .action((file: string, flags: ManifestFlags & { output: string; serial?: string }) => {
      const options = { ...parseOptions(flags), serial: flags.serial === undefined ? undefined : Number(flags.serial) };
      const { hostManifest, diagnostics } = loadHostManifest(file, options);
      if (!hostManifest) {
        for (const d of diagnostics) io.err(formatDiagnostic(d));
        exit(1);
        return;
      }
      const { manifest, run } = hostManifest;
      const blob = encodeManifest(manifest, (service) => {
        const spec = run.get(service.name);
        return spec ? [{ tag: TAG_RUN, payload: runSection(service, spec) }] : [];
      });
      writeFileSync(flags.output, blob);
      const secrets = manifest.services.reduce((n, s) => n + s.config.filter((k) => k.secret && k.value !== undefined).length, 0);
      io.out(`${flags.output}: ${blob.length} bytes, ${manifest.services.length} services, serial ${manifest.serial}`
        + (secrets ? `, ${secrets} secret value${secrets === 1 ? "" : "s"} (masked; keep the blob as private as a key file)` : ""));
      exit(0);
    });
}
