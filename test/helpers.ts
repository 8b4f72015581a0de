// Shared test helpers: a kernel on a virtual clock, and error expectations.
import { expect } from "vitest";
import { Kernel, MycoError, VirtualHal, type ErrorName, type Profile } from "../host/index.ts";

export function virtualKernel(profile: Profile = "debug", seed = 1): { kernel: Kernel; hal: VirtualHal } {
  const hal = new VirtualHal(seed);
  return { kernel: new Kernel({ hal, profile }), hal };
}

/** Runs `fn`, expects a MycoError with `name` whose message contains every `parts`; returns it. */
export function expectError(fn: () => unknown, name: ErrorName, ...parts: string[]): MycoError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${name}`).toBeInstanceOf(MycoError);
  const error = caught as MycoError;
  expect(error.codeName, error.message).toBe(name);
  for (const part of parts) expect(error.message).toContain(part);
  return error;
}
