// The public host API of Myco.
export { Kernel, type KernelOptions, type RegisterOptions, type StartOrder, type ServiceRef } from "./kernel/kernel.ts";
export { MycoError, KernelTrap, ERROR_CODES, type ErrorName } from "./kernel/errors.ts";
export type { Hal } from "./hal/hal.ts";
export { RealHal } from "./hal/real.ts";
export { VirtualHal, splitmix32 } from "./hal/virtual.ts";
export { SimulatedExecutor, type SimulatedExecutorOptions } from "./executors/simulated.ts";
export { Simulation } from "./executors/simulation.ts";
export { PROFILES, type Profile } from "./kernel/module.ts";
export * from "./kernel/abi.ts";
export * from "./kernel/balance.ts";
export * from "./kernel/health.ts";
export * from "./kernel/recovery.ts";
export * from "./manifest/index.ts";
export { KernelManifest, ManifestLoadError, HEALTH_STATES, DISCOVERY_CHANGES, type Query, type Health } from "./kernel/manifest.ts";
