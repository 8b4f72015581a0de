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

/**
 * The tiny profile (MYCO_PROFILE=3) keeps every export, so that every host reads one list, but
 * answers the ones of a layer it leaves out with E_NOT_IN_PROFILE: their bodies are replaced
 * here by a stub that records the code as the last error and returns it (0 for a non-i32
 * result), so the optimizer drops what they called. Each entry names the features.ts constant
 * that is off in tiny (records and the dump need none: nothing but their exports reaches them);
 * an internal-name prefix (a folder's abi.ts) or one export's internal name.
 */
export const TINY_ABSENT = {
  WITH_DISCOVERY: ["assembly/discovery/abi/"],
  WITH_CONFIG_KEYS: ["assembly/config/abi/"],
  manifestDump: ["assembly/manifest/abi/manifestDump", "assembly/manifest/abi/manifestDumpRead"],
  records: ["assembly/records/abi/"],
  WITH_BREAKER: ["assembly/balance/abi/breakerIsolate", "assembly/balance/abi/breakerRelease", "assembly/balance/abi/breakerReset"],
  WITH_HEALTH_HISTORY: ["assembly/health/abi/healthHistory", "assembly/health/abi/healthAvailability", "assembly/health/abi/healthSetWindow"],
  WITH_ALL_STRATEGIES: ["assembly/balance/abi/balancePickKey", "assembly/balance/abi/balancePickBytes"],
  WITH_MANIFEST_RELOAD: ["assembly/manifest/abi/manifestRollback"],
  WITH_WATCHDOG: ["assembly/health/abi/watchdogSet", "assembly/health/abi/watchdogPing"],
  // N picks into the I/O buffer for a host routing many requests per call (tiny's hosts pick one at a
  // time; balancePickBatch, the in-kernel loop, stays: the tiny conformance program calls it)
  batchPicks: ["assembly/balance/abi/balancePickMany"],
};
/** assembly/errors.ts E_NOT_IN_PROFILE (targets/abi reads the table; this transform cannot import it). */
export const E_NOT_IN_PROFILE = -395;
/** assembly/util/detail.ts failCode: records the code as the last error (an empty detail) and returns it. */
const FAIL_CODE = "assembly/util/detail/failCode";

function stubAbsent(binaryen, module) {
  const prefixes = Object.values(TINY_ABSENT).flat();
  const stubbed = [];
  for (let i = 0; i < module.getNumExports(); i++) {
    const info = binaryen.getExportInfo(module.getExportByIndex(i));
    if (info.kind !== binaryen.ExternalFunction || !prefixes.some((p) => info.value.startsWith(p))) continue;
    stubbed.push(info);
  }
  for (const prefix of prefixes) {
    if (!stubbed.some((e) => e.value.startsWith(prefix))) throw new Error(`asc-features: tiny: no export of ${prefix}`);
  }
  if (!module.getFunction(FAIL_CODE)) throw new Error(`asc-features: tiny: no function ${FAIL_CODE}`);
  // One stub per signature, exported under every name of that signature.
  const stubs = new Set();
  for (const { name, value } of stubbed) {
    const fn = binaryen.getFunctionInfo(module.getFunction(value));
    const stub = `assembly/absent~${fn.params}~${fn.results}`;
    module.removeExport(name);
    module.addFunctionExport(stub, name);
    if (stubs.has(stub)) continue;
    stubs.add(stub);
    const record = module.call(FAIL_CODE, [module.i32.const(E_NOT_IN_PROFILE)], binaryen.i32);
    const result = fn.results === binaryen.i64 ? module.i64.const(0, 0)
      : fn.results === binaryen.f64 ? module.f64.const(0)
      : fn.results === binaryen.f32 ? module.f32.const(0) : null;
    const body = fn.results === binaryen.i32 ? record
      : module.block(null, result ? [module.drop(record), result] : [module.drop(record)], fn.results);
    module.addFunction(stub, fn.params, fn.results, [], body);
  }
}

export default class Features extends Transform {
  afterCompile(module) {
    const aliases = this.program.options.globalAliases;
    if (!aliases) return;
    if (aliases.get("MYCO_PROFILE") === "3") stubAbsent(this.binaryen, module);
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
