// util/sort.ts: in-place heapsort of a range of u16 ids.
import { sortRange } from "../util/sort";

function arrayOf(values: u16[]): StaticArray<u16> {
  const a = new StaticArray<u16>(values.length);
  for (let i = 0; i < values.length; i++) a[i] = values[i];
  return a;
}

function text(a: StaticArray<u16>): string {
  let s = "";
  for (let i = 0; i < a.length; i++) s += (i > 0 ? "," : "") + a[i].toString();
  return s;
}

describe("sortRange", () => {
  it("sorts a whole array ascending", () => {
    const a = arrayOf([5, 3, 9, 1, 7, 2, 8, 0, 6, 4]);
    sortRange(a, 0, a.length);
    expect<string>(text(a)).toBe("0,1,2,3,4,5,6,7,8,9");
  });

  it("sorts only [start, end) and leaves the rest alone", () => {
    const a = arrayOf([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    sortRange(a, 3, 7);
    expect<string>(text(a)).toBe("9,8,7,3,4,5,6,2,1,0");
  });

  it("keeps duplicates", () => {
    const a = arrayOf([3, 1, 3, 0, 1, 3, 0]);
    sortRange(a, 0, a.length);
    expect<string>(text(a)).toBe("0,0,1,1,3,3,3");
  });

  it("handles empty, single and two-element ranges", () => {
    const a = arrayOf([2, 1]);
    sortRange(a, 1, 1);
    expect<string>(text(a)).toBe("2,1");
    sortRange(a, 0, 1);
    expect<string>(text(a)).toBe("2,1");
    sortRange(a, 0, 2);
    expect<string>(text(a)).toBe("1,2");
  });

  it("handles already sorted, reversed and the extremes of u16", () => {
    const sorted = arrayOf([0, 1, 2, 3, 65535]);
    sortRange(sorted, 0, 5);
    expect<string>(text(sorted)).toBe("0,1,2,3,65535");
    const reversed = arrayOf([65535, 40000, 3, 2, 0]);
    sortRange(reversed, 0, 5);
    expect<string>(text(reversed)).toBe("0,2,3,40000,65535");
  });

  it("agrees with a simple sort on pseudo-random input of many sizes", () => {
    let seed: u32 = 12345;
    for (let size = 0; size < 70; size++) {
      const a = new StaticArray<u16>(size);
      const reference = new Array<u16>(size);
      for (let i = 0; i < size; i++) {
        seed = seed * 1103515245 + 12345;
        const v = <u16>((seed >> 16) % 50);
        a[i] = v;
        reference[i] = v;
      }
      sortRange(a, 0, size);
      reference.sort((x: u16, y: u16): i32 => <i32>x - <i32>y);
      for (let i = 0; i < size; i++) expect<u16>(a[i]).toBe(reference[i]);
    }
  });
});
