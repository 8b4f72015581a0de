// The kernel's imports (assembly/hal.ts), as each target names them. The core module imports
// them from module "hal" with snake_case names; the component from `myco:kernel/hal@<version>`
// with kebab-case names; the C host defines `Z_halZ_<name>` functions.

export interface HalImport {
  /** The core import name in module "hal". */
  core: string;
  wit: string;
  /** WIT signature, after `func`. */
  signature: string;
  doc: string;
}

export const HAL_MODULE = "hal";

export const HAL_IMPORTS: HalImport[] = [
  { core: "now_ms", wit: "now-ms", signature: "() -> s64", doc: "Monotonic milliseconds since any origin the host likes." },
  { core: "random_u32", wit: "random-u32", signature: "() -> u32", doc: "32 uniformly random bits (a seeded PRNG in simulation)." },
  {
    core: "sleep_ms", wit: "sleep-ms", signature: "(ms: u32) -> u32",
    doc: "Sleep up to `ms`; 0 after the full time, 1 when woken early because the host has input.",
  },
  {
    // The core import takes two AssemblyScript string pointers (UTF-16, byte length at ptr - 4);
    // the component passes the code units as lists (an adapter in the core module measures them).
    core: "abort", wit: "abort", signature: "(message: list<u16>, file: list<u16>, line: u32, column: u32)",
    doc: "An assertion failed or the kernel hit a bug: a trap follows. Strings as UTF-16 code units.",
  },
];
