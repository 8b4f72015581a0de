// An asc transform for the kernel build: a layer a profile leaves out with `--use FEATURE_<X>=0`
// (assembly/features.ts) loses its exports here, after compilation and before optimization, so
// the optimizer then drops its code as unreachable: the module has no trace of the layer's ABI,
// not even a stub. assembly/index.ts stays the one list of exports (targets/abi reads it).
// A flag this table does not know is refused, so a typo cannot silently keep a layer.
import { Transform } from "assemblyscript/transform";

/** Feature flag -> the internal-name prefix of the exports it removes (its layer's abi.ts). */
export const FEATURE_EXPORTS = {
  FEATURE_DISCOVERY: "assembly/discovery/abi/",
  FEATURE_PLACEMENT: "assembly/placement/abi/",
  FEATURE_SECURITY: "assembly/security/abi/",
  FEATURE_ROLLOUT: "assembly/rollout/abi/",
  FEATURE_RESOURCES: "assembly/resources/abi/",
};

export default class Features extends Transform {
  afterCompile(module) {
    const aliases = this.program.options.globalAliases;
    if (!aliases) return;
    for (const [flag, value] of aliases) {
      if (!flag.startsWith("FEATURE_")) continue;
      const prefix = FEATURE_EXPORTS[flag];
      if (prefix === undefined) throw new Error(`asc-features: unknown feature flag ${flag} (known: ${Object.keys(FEATURE_EXPORTS).join(", ")})`);
      if (value !== "0" && value !== "1") throw new Error(`asc-features: ${flag}=${value} is not 0 or 1`);
      if (value === "1") continue;
      const removed = [];
      for (let i = 0; i < module.getNumExports(); i++) {
        const info = this.binaryen.getExportInfo(module.getExportByIndex(i));
        if (info.value.startsWith(prefix)) removed.push(info.name);
      }
      if (removed.length === 0) throw new Error(`asc-features: ${flag}=0 found no export of ${prefix}`);
      for (const name of removed) module.removeExport(name);
    }
  }
}
