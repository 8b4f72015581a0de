// `myco order services.yaml`: the start waves, as the kernel computes them (everything in a wave
// can start together; stop order is the reverse).
import type { Command } from "commander";
import { Kernel } from "../../kernel/kernel.ts";
import { KernelManifest } from "../../kernel/manifest.ts";
import { VirtualHal } from "../../hal/virtual.ts";
import type { Profile } from "../../kernel/module.ts";
import { encodeManifest } from "../../manifest/blob.ts";
import { formatDiagnostic } from "../../manifest/diagnostics.ts";
import type { Manifest } from "../../manifest/types.ts";
import { loadHostManifest } from "../../supervisor/host-manifest.ts";
import { describeError } from "../../supervisor/supervisor.ts";
import { manifestOptions, parseOptions, type ManifestFlags } from "./options.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export function orderCommand(program: Command, io: Output, exit: (code: number) => void): void {
  manifestOptions(program.command("order").argument("<manifest>", "services.yaml").description("print the start waves")
    .option("--json", "print { order, waves } as JSON")
    .option("--profile <name>", "kernel build profile", "release"))
    .action((file: string, flags: ManifestFlags & { json?: boolean; profile: string }) => {
      const manifest = readManifest(file, flags, io);
      if (!manifest) return exit(EXIT.invalid);
      let order: { order: string[]; waves: string[][] };
      try {
        order = startOrder(manifest, flags.profile as Profile);
      } catch (error) {
        io.err(`myco order: ${describeError(error)}`);
        return exit(EXIT.failed);
      }
      if (flags.json) io.out(JSON.stringify(order, null, 2));
      else order.waves.forEach((wave, i) => io.out(`wave ${i}: ${wave.join(", ")}`));
      exit(EXIT.ok);
    });
}

/** The manifest of a services.yaml (its `run:` sections allowed), or null after printing why. */
export function readManifest(file: string, flags: ManifestFlags, io: Output): Manifest | null {
  const { hostManifest, diagnostics } = loadHostManifest(file, parseOptions(flags));
  if (hostManifest) return hostManifest.manifest;
  for (const d of diagnostics) io.err(formatDiagnostic(d));
  io.err(`${diagnostics.length} problem${diagnostics.length === 1 ? "" : "s"} in ${file}`);
  return null;
}

/** Loads the manifest into a kernel and asks it for the order. */
export function startOrder(manifest: Manifest, profile: Profile = "release"): { order: string[]; waves: string[][] } {
  const kernel = new Kernel({ hal: new VirtualHal(1), profile });
  new KernelManifest(kernel).load(encodeManifest(manifest));
  return kernel.order();
}
