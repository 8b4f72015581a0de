// Config sources and their precedence, lowest first (docs/configuration.md):
//   1. default      the key's `default:` in its schema (wherever the schema is declared)
//   2. template     a `value:` (or bare value) given by a template the service inherits from
//   3. service      a `value:` (or bare value) in the service's own entry in services.yaml
//   4. environment  MYCO_<SERVICE>_<KEY> (uppercased; every other character becomes `_`)
//   5. command line --set <service>.<key>=<value>
// The highest source that gives a value wins. Secrets may come only from 4 and 5.
import type { Location } from "./tree.ts";

export interface ConfigSources {
  /** Environment to read MYCO_<SERVICE>_<KEY> from (default: none; the CLI passes process.env). */
  env?: Record<string, string | undefined>;
  /** Command-line overrides, "service.key=value". */
  overrides?: string[];
}

export type Origin = "default" | "template" | "service" | "environment" | "command line";

export interface ValueSource { origin: Origin; loc?: Location; raw: unknown }

export function envName(service: string, key: string): string {
  return `MYCO_${service}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The winning source for one key, given the file sources (lowest first), or undefined. */
export function resolveConfigValue(service: string, key: string, fileSources: ValueSource[], options: ConfigSources): ValueSource | undefined {
  const sources = [...fileSources];
  const fromEnv = options.env?.[envName(service, key)];
  if (fromEnv !== undefined) sources.push({ origin: "environment", raw: fromEnv });
  for (const override of options.overrides ?? []) {
    const eq = override.indexOf("=");
    if (eq > 0 && override.slice(0, eq) === `${service}.${key}`) sources.push({ origin: "command line", raw: override.slice(eq + 1) });
  }
  return sources.at(-1);
}
