// Shared by the manifest, config and discovery tests.
import { readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Kernel } from "../../host/kernel/kernel.ts";
import { VirtualHal } from "../../host/hal/virtual.ts";
import { KernelManifest } from "../../host/kernel/manifest.ts";
import { parseManifest, parseManifestFile, type ParseOptions } from "../../host/manifest/parse.ts";
import { encodeManifest } from "../../host/manifest/blob.ts";
import type { Manifest } from "../../host/manifest/types.ts";
import { REDACTED } from "../../host/manifest/types.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const PLANTED_SECRET = "pl4nted-S3CRET-value-9f2c";
export const SECRET_ENV = { MYCO_TELEMETRY_UPLINK_API_TOKEN: PLANTED_SECRET, MYCO_DB_PASSWORD: PLANTED_SECRET };

export function examples(): string[] {
  return readdirSync(`${ROOT}examples`, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${ROOT}examples/${d.name}/services.yaml`))
    .map((d) => `${ROOT}examples/${d.name}/services.yaml`);
}

export function compileFile(path: string, options: ParseOptions = {}): { manifest: Manifest; blob: Uint8Array } {
  const { manifest, diagnostics } = parseManifestFile(path, options);
  if (!manifest) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("\n"));
  return { manifest, blob: encodeManifest(manifest) };
}

export function compileText(text: string, options: ParseOptions = {}): { manifest: Manifest; blob: Uint8Array } {
  const { manifest, diagnostics } = parseManifest(text, "services.yaml", options);
  if (!manifest) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("\n"));
  return { manifest, blob: encodeManifest(manifest) };
}

export function newKernel(seed = 1): { kernel: Kernel; m: KernelManifest; hal: VirtualHal } {
  const hal = new VirtualHal(seed);
  const kernel = new Kernel({ hal });
  return { kernel, m: new KernelManifest(kernel), hal };
}

/** The manifest as a dump shows it: sorted, secrets redacted. */
export function normalized(manifest: Manifest): Manifest {
  const services = manifest.services.map((s) => ({
    ...s,
    tags: [...s.tags].sort(),
    dependencies: [...s.dependencies].sort((a, b) => (a.name < b.name ? -1 : 1)),
    addresses: [...s.addresses].sort((a, b) => a.ordinal - b.ordinal),
    config: [...s.config].sort((a, b) => (a.key < b.key ? -1 : 1)).map((k) => (k.secret && k.value !== undefined
      ? { ...k, value: REDACTED, redacted: true } : k)),
  }));
  return { serial: manifest.serial, services: services.sort((a, b) => (a.name < b.name ? -1 : 1)) };
}
