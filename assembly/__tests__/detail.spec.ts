// util/detail.ts: the error detail, written into a fixed buffer.
import { Detail, detail, fail } from "../util/detail";
import { ERROR_DETAIL_BYTES } from "../limits";
import { E_UNKNOWN_SERVICE } from "../errors";
import { ioBuffer, errorDetail, lastError } from "../index";
import { freshKernel, putBytes, readIo, repeat } from "./support/kernel";

function textOf(d: Detail): string { return readIo(d.copyTo(ioBuffer(), 8192)); }

describe("Detail", () => {
  beforeEach(() => { freshKernel(); });

  it("chains text and integers and keeps the code", () => {
    const d = new Detail();
    const code = d.begin(-6).text("service id ").int(42).text(" is not registered").code();
    expect<i32>(code).toBe(-6);
    expect<string>(textOf(d)).toBe("service id 42 is not registered");
  });

  it("begin starts over", () => {
    const d = new Detail();
    d.begin(-1).text("first");
    d.begin(-2).text("second");
    expect<i32>(d.code()).toBe(-2);
    expect<string>(textOf(d)).toBe("second");
  });

  it("prints integers in decimal, with a sign", () => {
    const d = new Detail();
    d.begin(0).int(0).text(" ").int(7).text(" ").int(10).text(" ").int(-5).text(" ").int(1234567890)
      .text(" ").int(-2147483648).text(" ").int(9223372036854775807);
    expect<string>(textOf(d)).toBe("0 7 10 -5 1234567890 -2147483648 9223372036854775807");
  });

  it("escapes untrusted bytes: printable ASCII as is, the rest and the backslash as \\xNN", () => {
    const d = new Detail();
    const len = putBytes([0x61, 0x20, 0x7e, 0x5c, 0x00, 0x1f, 0x7f, 0xff]);
    d.begin(0).raw(ioBuffer(), len);
    expect<string>(textOf(d)).toBe("a ~\\x5c\\x00\\x1f\\x7f\\xff");
  });

  it("stops at ERROR_DETAIL_BYTES without overrunning", () => {
    const d = new Detail();
    d.begin(-1).text(repeat("z", ERROR_DETAIL_BYTES + 10));
    expect<i32>(d.length).toBe(ERROR_DETAIL_BYTES);
    expect<string>(textOf(d)).toBe(repeat("z", ERROR_DETAIL_BYTES));
  });

  it("copyTo copies at most the capacity", () => {
    const d = new Detail();
    d.begin(0).text("abcdef");
    expect<i32>(d.copyTo(ioBuffer(), 3)).toBe(3);
    expect<string>(readIo(3)).toBe("abc");
  });

  it("fail() writes the shared detail that errorDetail() and lastError() read", () => {
    fail(E_UNKNOWN_SERVICE).text("service id ").int(-3).text(" is not registered");
    expect<i32>(lastError()).toBe(E_UNKNOWN_SERVICE);
    expect<string>(readIo(errorDetail())).toBe("service id -3 is not registered");
    expect<i32>(detail.code()).toBe(E_UNKNOWN_SERVICE);
  });
});
