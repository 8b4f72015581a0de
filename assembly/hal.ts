// The HAL: the kernel's only window on the world. The host supplies these imports; nothing
// else reaches outside the module (no WASI, no env.seed, no console).

/** Monotonic milliseconds since any origin the host likes. */
@external("hal", "now_ms") export declare function halNowMs(): i64;

/** 32 uniformly random bits (OS randomness on a device, a seeded PRNG in simulation). */
@external("hal", "random_u32") export declare function halRandomU32(): u32;

/**
 * Sleep up to `ms`. Returns 0 after the full time, 1 when the host woke the kernel early
 * because it has input (an event, a command): `run` then returns so the host can feed it.
 */
@external("hal", "sleep_ms") export declare function halSleepMs(ms: u32): u32;

/** Reports an assertion failure or trap cause: AssemblyScript strings (UTF-16, length at ptr-4). */
@external("hal", "abort") declare function halAbort(message: usize, file: usize, line: u32, column: u32): void;

/** Wired in with `--use abort=assembly/hal/kernelAbort`, so the module imports no `env`. */
export function kernelAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  halAbort(changetype<usize>(message), changetype<usize>(fileName), line, column);
  unreachable();
}
