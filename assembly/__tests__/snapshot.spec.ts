// snapshot/: the parts of a restore's checking that need no build transform (as-pect compiles
// the kernel without host/tools/asc-snapshot.js and with a GC runtime, so whole snapshots are
// proven in test/snapshot/ on the built modules): the CRC-32 running register the image is
// summed with, and the value checks of index columns.
import { crc32, crc32Update, crc32Word } from "../manifest/format";
import { checkColumns, badColumn, badValue } from "../snapshot/checks";
import { instanceService } from "../registry/instances";
import { edgeNextOut } from "../graph/edges";
import { INSTANCES_MAX, SERVICES_MAX } from "../limits";
import { freshKernel } from "./support/kernel";

const scratch = new StaticArray<u8>(4096);
const at = changetype<usize>(scratch);

describe("the CRC-32 register", () => {
  it("summed in pieces is the CRC of the whole", () => {
    for (let i = 0; i < 300; i++) scratch[i] = <u8>(i * 37 + 11);
    const whole = crc32(at, 300);
    let register: u32 = 0xffffffff;
    register = crc32Update(register, at, 7);
    register = crc32Update(register, at + 7, 200);
    register = crc32Update(register, at + 207, 93);
    expect<u32>(register ^ 0xffffffff).toBe(whole);
  });

  it("a null pointer sums zero bytes without reading memory", () => {
    for (let i = 0; i < 64; i++) scratch[i] = 0;
    expect<u32>(crc32Update(0xffffffff, 0, 64)).toBe(crc32Update(0xffffffff, at, 64));
  });

  it("a word is its four little-endian bytes", () => {
    store<u32>(at, 0xdeadbeef);
    expect<u32>(crc32Word(0x12345678, 0xdeadbeef)).toBe(crc32Update(0x12345678, at, 4));
  });

  it("IEEE check value of \"123456789\"", () => {
    for (let i = 0; i < 9; i++) scratch[i] = <u8>(0x31 + i);
    expect<u32>(crc32(at, 9)).toBe(0xcbf43926);
  });
});

describe("index columns", () => {
  beforeEach(() => { freshKernel(); });

  it("accepts the kernel's own tables", () => {
    const bytes = <usize>(INSTANCES_MAX * 2);
    memory.copy(at, changetype<usize>(instanceService), bytes);
    expect<bool>(checkColumns(changetype<usize>(instanceService), at, bytes)).toBe(true);
  });

  it("names an instance's service out of range", () => {
    const bytes = <usize>(INSTANCES_MAX * 2);
    memory.copy(at, changetype<usize>(instanceService), bytes);
    store<u16>(at + 6, <u16>SERVICES_MAX);
    expect<bool>(checkColumns(changetype<usize>(instanceService), at, bytes)).toBe(false);
    expect<i32>(badColumn).toBe(0);
    expect<i32>(badValue).toBe(SERVICES_MAX);
  });

  it("reads 4-byte entries signed: -1 is an edge list's end, -2 is not", () => {
    memory.copy(at, changetype<usize>(edgeNextOut), 64);
    store<i32>(at + 8, -1);
    expect<bool>(checkColumns(changetype<usize>(edgeNextOut), at, 64)).toBe(true);
    store<i32>(at + 8, -2);
    expect<bool>(checkColumns(changetype<usize>(edgeNextOut), at, 64)).toBe(false);
    expect<i32>(badValue).toBe(-2);
  });

  it("checks only the entries inside the chunk it is given", () => {
    memory.copy(at, changetype<usize>(instanceService), 16);
    store<u16>(at + 14, 0xffff); // the 8th entry: outside an 8-byte chunk of the first 4
    expect<bool>(checkColumns(changetype<usize>(instanceService), at, 8)).toBe(true);
    expect<bool>(checkColumns(changetype<usize>(instanceService), at, 16)).toBe(false);
  });
});
