/** @module Interface myco:kernel/hal@0.1.0 **/
export function nowMs(): bigint;
export function sleepMs(ms: number): number;
export function abort(message: Uint16Array, file: Uint16Array, line: number, column: number): void;
