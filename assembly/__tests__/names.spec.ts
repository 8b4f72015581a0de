// registry/names.ts: name validation and the open-addressing NameTable.
import { validateName, NameTable } from "../registry/names";
import { NAME_BYTES_MAX } from "../limits";
import { OK, E_NAME_EMPTY, E_NAME_TOO_LONG, E_NAME_INVALID_CHAR } from "../errors";
import { ioBuffer } from "../index";
import { freshKernel, put, putBytes, repeat, detailText } from "./support/kernel";

function check(name: string): i32 { return validateName(ioBuffer(), put(name), "service name"); }

function insert(table: NameTable, id: i32, name: string): void { table.insertUnique(id, ioBuffer(), put(name)); }
function find(table: NameTable, name: string): i32 { return table.find(ioBuffer(), put(name)); }

describe("validateName", () => {
  beforeEach(() => { freshKernel(); });

  it("accepts letters, digits and . _ - after the first byte", () => {
    expect<i32>(check("a")).toBe(OK);
    expect<i32>(check("Z")).toBe(OK);
    expect<i32>(check("9")).toBe(OK);
    expect<i32>(check("telemetry-uplink-eu-west-2")).toBe(OK);
    expect<i32>(check("a.b_c-d")).toBe(OK);
    expect<i32>(check("0_._-")).toBe(OK);
  });

  it("refuses an empty name", () => {
    expect<i32>(validateName(ioBuffer(), 0, "service name")).toBe(E_NAME_EMPTY);
    expect<string>(detailText()).toBe("service name is empty");
  });

  it("refuses a negative length as empty", () => {
    expect<i32>(validateName(ioBuffer(), -1, "tag")).toBe(E_NAME_EMPTY);
  });

  it("accepts exactly NAME_BYTES_MAX bytes and refuses one more", () => {
    expect<i32>(check(repeat("x", NAME_BYTES_MAX))).toBe(OK);
    expect<i32>(check(repeat("x", NAME_BYTES_MAX + 1))).toBe(E_NAME_TOO_LONG);
    expect<string>(detailText()).toBe("service name '" + repeat("x", NAME_BYTES_MAX + 1) + "' is 33 bytes; the limit is 32");
  });

  it("cuts a very long name short in the detail", () => {
    expect<i32>(check(repeat("y", 100))).toBe(E_NAME_TOO_LONG);
    expect<string>(detailText()).toBe("service name '" + repeat("y", 64) + "...' is 100 bytes; the limit is 32");
  });

  it("refuses punctuation as the first byte", () => {
    expect<i32>(check("-a")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(check(".a")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(check("_a")).toBe(E_NAME_INVALID_CHAR);
  });

  it("refuses bytes outside [A-Za-z0-9._-] and says where", () => {
    expect<i32>(check("a b")).toBe(E_NAME_INVALID_CHAR);
    expect<string>(detailText()).toBe(
      "service name 'a b' has a bad character at byte 1 (allowed: letters, digits, and . _ - after the first)");
    expect<i32>(check("a/b")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(check("a:b")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(check("ab@")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(check("a\\b")).toBe(E_NAME_INVALID_CHAR);
  });

  it("refuses non-ASCII and control bytes and escapes them in the detail", () => {
    expect<i32>(validateName(ioBuffer(), putBytes([0x61, 0xc3, 0xa9]), "tag")).toBe(E_NAME_INVALID_CHAR);
    expect<string>(detailText()).toBe(
      "tag 'a\\xc3\\xa9' has a bad character at byte 1 (allowed: letters, digits, and . _ - after the first)");
    expect<i32>(validateName(ioBuffer(), putBytes([0x61, 0x00]), "tag")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(validateName(ioBuffer(), putBytes([0x61, 0x0a]), "tag")).toBe(E_NAME_INVALID_CHAR);
    expect<i32>(validateName(ioBuffer(), putBytes([0x7f]), "tag")).toBe(E_NAME_INVALID_CHAR);
  });
});

describe("NameTable", () => {
  beforeEach(() => { freshKernel(); });

  it("finds what was inserted, and nothing else", () => {
    const table = new NameTable(8, 16);
    insert(table, 0, "alpha");
    insert(table, 3, "beta");
    expect<i32>(find(table, "alpha")).toBe(0);
    expect<i32>(find(table, "beta")).toBe(3);
    expect<i32>(find(table, "gamma")).toBe(-1);
    expect<i32>(find(table, "alph")).toBe(-1);
    expect<i32>(find(table, "alphaa")).toBe(-1);
    expect<i32>(table.nameLength(3)).toBe(4);
    expect<string>(String.UTF8.decodeUnsafe(table.namePtr(0), <usize>table.nameLength(0))).toBe("alpha");
  });

  it("keeps every name of a full table findable (colliding names probe on)", () => {
    const table = new NameTable(8, 8); // no spare slots: every collision probes
    for (let id = 0; id < 8; id++) insert(table, id, "svc" + id.toString());
    for (let id = 0; id < 8; id++) expect<i32>(find(table, "svc" + id.toString())).toBe(id);
    expect<i32>(find(table, "svc8")).toBe(-1); // a full table without the name ends the probe, not loops
  });

  it("removes a name while the names probed past it stay findable (tombstones)", () => {
    const table = new NameTable(8, 8);
    for (let id = 0; id < 8; id++) insert(table, id, "n" + id.toString());
    table.remove(2);
    expect<i32>(find(table, "n2")).toBe(-1);
    expect<i32>(table.nameLength(2)).toBe(0);
    for (let id = 0; id < 8; id++) if (id != 2) expect<i32>(find(table, "n" + id.toString())).toBe(id);
    insert(table, 2, "again"); // reuses the tombstone
    expect<i32>(find(table, "again")).toBe(2);
    for (let id = 0; id < 8; id++) if (id != 2) expect<i32>(find(table, "n" + id.toString())).toBe(id);
  });

  it("survives many insert/remove rounds in the same slots", () => {
    const table = new NameTable(4, 8);
    for (let round = 0; round < 100; round++) {
      const name = "r" + round.toString();
      insert(table, round & 3, name);
      expect<i32>(find(table, name)).toBe(round & 3);
      table.remove(round & 3);
      expect<i32>(find(table, name)).toBe(-1);
    }
  });

  it("clear forgets every name", () => {
    const table = new NameTable(4, 8);
    insert(table, 0, "a");
    insert(table, 1, "b");
    table.clear();
    expect<i32>(find(table, "a")).toBe(-1);
    expect<i32>(find(table, "b")).toBe(-1);
    insert(table, 0, "b");
    expect<i32>(find(table, "b")).toBe(0);
  });
});
