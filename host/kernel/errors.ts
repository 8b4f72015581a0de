// Kernel error codes as typed errors. The message is the kernel's own detail (it names the
// service, the field and the value); `code` and `codeName` are stable for programs.
import { ERROR_CODES, type ErrorName } from "./error-codes.ts";

const NAME_OF = new Map<number, ErrorName>(
  Object.entries(ERROR_CODES).map(([name, { code }]) => [code, name as ErrorName]),
);

export class MycoError extends Error {
  readonly code: number;
  readonly codeName: ErrorName | "UNKNOWN";

  constructor(code: number, detail: string) {
    const codeName = NAME_OF.get(code) ?? "UNKNOWN";
    const fallback = codeName === "UNKNOWN" ? `error ${code}` : ERROR_CODES[codeName].message;
    super(detail || fallback);
    this.name = "MycoError";
    this.code = code;
    this.codeName = codeName;
  }

  /** True when this error carries the given code name (e.g. "E_DEPENDENCY_CYCLE"). */
  is(name: ErrorName): boolean { return this.codeName === name; }
}

/** A trap inside the kernel (a bug): the instance must not be used any more. */
export class KernelTrap extends Error {
  constructor(message: string, readonly where: string) {
    super(`kernel trap: ${message} at ${where}`);
    this.name = "KernelTrap";
  }
}

export { ERROR_CODES, type ErrorName };
