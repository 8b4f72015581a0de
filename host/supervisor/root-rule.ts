// The host's half of the root rule (the kernel decides: assembly/security/root-rule.ts). The host
// reports once whether it runs as root, and says for each service it spawns whether its `run:`
// names a user, whether that user is root, and whether `allow-root: true` is set (the manifest's
// IDENTITY section). `myco check`, `myco run` and `myco up` ask the kernel with the same blob
// the supervisor loads, so a refused service is a FILE:LINE:COL error before anything spawns.
import type { Manifest } from "../manifest/types.ts";
import type { Diagnostic } from "../manifest/diagnostics.ts";
import { encodeManifest } from "../manifest/blob.ts";
import { Kernel } from "../kernel/kernel.ts";
import { KernelManifest, ManifestLoadError } from "../kernel/manifest.ts";
import { VirtualHal } from "../hal/virtual.ts";
import { ERROR_CODES } from "../kernel/error-codes.ts";
import type { ConfinementSpec } from "./confinement-manifest.ts";

type Location = { file: string; line: number; col: number };

/** Whether this host process runs as root (effective uid 0). */
export function hostRunsAsRoot(): boolean { return process.geteuid?.() === 0; }

/** Reports the host's identity to the kernel (once, before the manifest is loaded). */
export function reportHostIdentity(kernel: Kernel, root = hostRunsAsRoot()): void {
  kernel.check(kernel.exports.securityHostIdentity(root ? 1 : 0));
}

/** What the IDENTITY section says of a spawned service with this confinement. */
export function runAsOf(spec: ConfinementSpec | undefined): { user: "host" | "root" | "other"; allowRoot: boolean } {
  const user = spec?.uid === undefined ? "host" : spec.uid === 0 ? "root" : "other";
  return { user, allowRoot: spec?.allowRoot ?? false };
}

/** The kernel's refusal of a service that would run as root, as a diagnostic at its `user:` (or `run:`); none when it loads. */
export function rootRuleDiagnostics(manifest: Manifest, where: (service: string) => Location): Diagnostic[] {
  const kernel = new Kernel({ hal: new VirtualHal(), profile: "release" });
  reportHostIdentity(kernel);
  try {
    new KernelManifest(kernel).load(encodeManifest(manifest));
    return [];
  } catch (error) {
    if (!(error instanceof ManifestLoadError) || error.code !== ERROR_CODES.E_RUNS_AS_ROOT.code) return [];
    const service = /service '([^']+)'/.exec(error.message)?.[1] ?? "";
    const message = error.message.replace(/^.*?service '[^']+' /, "").replace(/ \(at offset \d+\)$/, "");
    return [{ ...where(service), service, field: "run.user", message: `${message} (the kernel's root rule)` }];
  }
}
