// errors.ts: stable codes and their messages; an unknown code reads "UNKNOWN".
import * as errors from "../errors";
import { ERROR_CODE_MIN, OK } from "../errors";
import { errorMessageOf } from "../index";
import { readIo } from "./support/kernel";

function errorMessage(code: i32): string { return readIo(errorMessageOf(code)); }

describe("error codes", () => {
  it("keep their published numbers", () => {
    expect<i32>(OK).toBe(0);
    expect<i32>(errors.E_INVALID_ARGUMENT).toBe(-1);
    expect<i32>(errors.E_UNKNOWN_SERVICE).toBe(-6);
    expect<i32>(errors.E_STALE_INSTANCE).toBe(-8);
    expect<i32>(errors.E_DEPENDENCY_CYCLE).toBe(-18);
    expect<i32>(errors.E_ILLEGAL_TRANSITION).toBe(-19);
  });

  it("each have a distinct message, down to ERROR_CODE_MIN", () => {
    const seen = new Set<string>();
    let known = 0;
    for (let code = 0; code >= ERROR_CODE_MIN; code--) {
      const message = errorMessage(code);
      if (message == "UNKNOWN") continue; // the gaps between the ranges (-1.., -100.., -200..)
      expect<bool>(message.length > 0).toBe(true);
      expect<bool>(seen.has(message)).toBe(false, "message of " + code.toString() + " repeats");
      seen.add(message);
      known++;
    }
    expect<string>(errorMessage(ERROR_CODE_MIN)).not.toBe("UNKNOWN", "ERROR_CODE_MIN is a code");
    expect<i32>(known).toBeGreaterThan(80); // ok and every range, not only the first
  });

  it("cover every range, ERROR_CODE_MIN included", () => {
    expect<string>(errorMessage(errors.E_DUPLICATE_TAG)).not.toBe("UNKNOWN");
    expect<string>(errorMessage(errors.E_INVALID_CONDITION)).not.toBe("UNKNOWN");
    expect<string>(errorMessage(errors.E_CONFIG_VALUE)).not.toBe("UNKNOWN");
    expect<bool>(ERROR_CODE_MIN <= errors.E_CONFIG_VALUE).toBe(true);
  });

  it("outside the table read UNKNOWN", () => {
    expect<string>(errorMessage(ERROR_CODE_MIN - 1)).toBe("UNKNOWN");
    expect<string>(errorMessage(1)).toBe("UNKNOWN");
    expect<string>(errorMessage(i32.MIN_VALUE)).toBe("UNKNOWN");
    expect<string>(errorMessage(i32.MAX_VALUE)).toBe("UNKNOWN");
  });

  it("errorMessageOf writes the message to the I/O buffer", () => {
    const length = errorMessageOf(errors.E_UNKNOWN_SERVICE);
    expect<string>(readIo(length)).toBe("no service has this id or name");
    expect<string>(readIo(errorMessageOf(-1000))).toBe("UNKNOWN");
  });
});
