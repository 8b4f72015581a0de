// `myco compile services.yaml -o services.myco`: the manifest as the blob a kernel loads (from
// flash on a device). Validates first; prints problems like `check` and writes nothing on error.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { parseManifestFile } from "../../manifest/parse.ts";
import { formatDiagnostic } from "../../manifest/diagnostics.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import type { Output } from "../myco.ts";

export function compileCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("compile").argument("<manifest>", "services.yaml").description("compile a manifest to a blob")
    .requiredOption("-o, --output <file>", "where to write the blob (services.myco)")
    .option("--serial <n>", "manifest serial number stored in the header (default: the file's `serial`)"))
    .action((file: string, flags: ManifestFlags & { output: string; serial?: string }) => {
      const options = { ...parseOptions(flags), serial: flags.serial === undefined ? undefined : Number(flags.serial) };
      const { manifest, diagnostics } = parseManifestFile(file, options);
      if (!manifest) {
        for (const d of diagnostics) io.err(formatDiagnostic(d));
        exit(1);
        return;
      }
      const blob = encodeManifest(manifest);
      writeFileSync(flags.output, blob);
      const secrets = manifest.services.reduce((n, s) => n + s.config.filter((k) => k.secret && k.value !== undefined).length, 0);
      io.out(`${flags.output}: ${blob.length} bytes, ${manifest.services.length} services, serial ${manifest.serial}`
        + (secrets ? `, ${secrets} secret value${secrets === 1 ? "" : "s"} (masked; keep the blob as private as a key file)` : ""));
      exit(0);
    });
}
