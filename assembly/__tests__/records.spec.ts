// util/record.ts and records/: resolving sentinels, the sparse form a manifest section carries,
// and the ABI's whole-record calls (length, section, atomicity).
import { ioBuffer, recordApply, recordRead } from "../index";
import { OK, E_INVALID_ARGUMENT, E_INVALID_BREAKER, E_UNKNOWN_SERVICE } from "../errors";
import {
  RECORD_DEFAULT, field, fieldSet, resolveField, sparseFits, sparseBytes, sparseExpand, recordScratch,
} from "../util/record";
import { SECTION_BREAKER, SECTION_RECOVERY } from "../records/sections";
import { BREAKER_CONSECUTIVE, BREAKER_WINDOW_SIZE, BREAKER_MIN_CALLS, BREAKER_RECORD_BYTES } from "../balance/config";
import { RECOVERY_RECORD_BYTES } from "../recovery/record";
import { freshKernel, mustRegister, detailText } from "./support/kernel";
import { putFields } from "./support/records";

describe("record fields", () => {
  it("a sentinel resolves to the default, any other value is kept; 0 is a record of sentinels", () => {
    const from = recordScratch;
    fieldSet(from, 0, RECORD_DEFAULT);
    fieldSet(from, 1, 7);
    const to = recordScratch + 64;
    expect<i32>(resolveField(from, to, 0, 42)).toBe(42);
    expect<i32>(resolveField(from, to, 1, 42)).toBe(7);
    expect<i32>(field(to, 1)).toBe(7);
    expect<i32>(resolveField(0, to, 1, 42)).toBe(42);
  });

  it("the sparse form: a mask, then the present fields; absent fields expand to the sentinel", () => {
    const ptr = recordScratch;
    store<u32>(ptr, 0b1010);
    store<i32>(ptr, 11, 4);
    store<i32>(ptr, 33, 8);
    expect<i32>(sparseBytes(ptr)).toBe(12);
    expect<bool>(sparseFits(ptr, 12, 4)).toBe(true);
    expect<bool>(sparseFits(ptr, 11, 4)).toBe(false); // the fields run past the payload
    expect<bool>(sparseFits(ptr, 12, 3)).toBe(false); // bit 3 names a field a 3-field record lacks
    const to = recordScratch + 64;
    sparseExpand(ptr, 4, to);
    expect<i32>(field(to, 0)).toBe(RECORD_DEFAULT);
    expect<i32>(field(to, 1)).toBe(11);
    expect<i32>(field(to, 2)).toBe(RECORD_DEFAULT);
    expect<i32>(field(to, 3)).toBe(33);
  });
});

describe("recordApply and recordRead", () => {
  it("checks the service, the section and the length", () => {
    freshKernel();
    const id = mustRegister("api");
    expect<i32>(recordApply(99, SECTION_BREAKER, BREAKER_RECORD_BYTES)).toBe(E_UNKNOWN_SERVICE);
    expect<i32>(recordApply(id, 5, BREAKER_RECORD_BYTES)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("record section 5 is not 0 timeouts, 1 balance, 2 breaker, 3 outlier or 4 recovery");
    expect<i32>(recordApply(id, SECTION_BREAKER, 36)).toBe(E_INVALID_ARGUMENT);
    expect<string>(detailText()).toBe("section record length 36 is not its 40 bytes");
    expect<i32>(recordRead(id, SECTION_RECOVERY)).toBe(RECOVERY_RECORD_BYTES);
    expect<i32>(recordRead(id, -1)).toBe(E_INVALID_ARGUMENT);
  });

  it("fills derived defaults from the fields given, and refuses a whole record without a trace", () => {
    freshKernel();
    const id = mustRegister("api");
    const D = RECORD_DEFAULT;
    expect<i32>(recordApply(id, SECTION_BREAKER, putFields([1, 4, D, D, 2, D, D, D, D, D]))).toBe(OK);
    recordRead(id, SECTION_BREAKER);
    expect<i32>(field(ioBuffer(), BREAKER_WINDOW_SIZE)).toBe(4);
    expect<i32>(field(ioBuffer(), BREAKER_MIN_CALLS)).toBe(4); // min(10, windowSize)
    expect<i32>(recordApply(id, SECTION_BREAKER, putFields([1, 0, D, D, 9, D, D, D, D, D]))).toBe(E_INVALID_BREAKER);
    expect<string>(detailText()).toBe("service 'api': windowSize 0 is outside 1..64");
    recordRead(id, SECTION_BREAKER);
    expect<i32>(field(ioBuffer(), BREAKER_CONSECUTIVE)).toBe(2); // the refused record changed nothing
  });
});
