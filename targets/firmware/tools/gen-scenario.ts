// Generates the data the firmware embeds as C byte arrays (declared in src/embedded.h): the
// conformance program (targets/conformance/program.ts; src/replay.c replays it) and the manifest
// blobs of the live run and of the device image (src/live.yaml, src/device.yaml, compiled by
// host/manifest), so no C code parses anything
// but the program and the kernel its manifests. Each array is compiled on its own, so an image
// can be relinked with another program without compiling the kernel again.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { encodeManifest, parseManifest } from "../../../host/manifest/index.ts";

/** The manifests built into the firmware, by the C name of their blob (src/embedded.h). */
export const MANIFESTS = {
  LIVE_MANIFEST: fileURLToPath(new URL("../src/live.yaml", import.meta.url)),
  DEVICE_MANIFEST: fileURLToPath(new URL("../src/device.yaml", import.meta.url)),
} as const;
export type ManifestName = keyof typeof MANIFESTS;

function byteArraySource(name: string, bytes: Uint8Array, from: string): string {
  const rows: string[] = [];
  for (let at = 0; at < bytes.length; at += 24) rows.push(`  ${Array.from(bytes.subarray(at, at + 24), (b) => `${b},`).join("")}`);
  return [
    `/* Generated from ${from} by targets/firmware/tools/gen-scenario.ts. Do not edit. */`,
    "#include \"embedded.h\"",
    "",
    `const size_t ${name}_BYTES = ${bytes.length}u;`,
    `const uint8_t ${name}[${bytes.length}] = {`,
    ...rows,
    "};",
    "",
  ].join("\n");
}

export function generateProgramSource(bytes: Uint8Array): string {
  return byteArraySource("CONFORMANCE_PROGRAM", bytes, "the conformance program");
}

export function generateManifestSource(name: ManifestName): string {
  const path = MANIFESTS[name];
  const parsed = parseManifest(readFileSync(path, "utf8"), path);
  if (!parsed.manifest) throw new Error(`${path}: ${parsed.diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join("; ")}`);
  return byteArraySource(name, encodeManifest(parsed.manifest), `src/${basename(path)}`);
}
