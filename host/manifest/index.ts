// Manifests: services.yaml -> normalized manifest -> blob, and back.
export * from "./types.ts";
export { parseManifest, parseManifestFile, DEFAULT_TEMPLATES_DIR, type ParseOptions, type ParseResult } from "./parse.ts";
export { encodeManifest, decodeManifest, crc32, seal, BlobFormatError, TAG, FLAG, FORMAT_VERSION } from "./blob.ts";
export { type Diagnostic, formatDiagnostic, didYouMean, editDistance, ManifestError } from "./diagnostics.ts";
export { envName, resolveConfigValue, type ConfigSources } from "./sources.ts";
export { patternToRegExp, parseDuration, parseSize } from "./values.ts";
