// Patterns in the kernel against reference implementations on a generated corpus: globs against
// picomatch, the regex subset against JavaScript's RegExp; and the linear-time proof by steps.
import { describe, it, expect } from "vitest";
// @ts-expect-error: picomatch ships no types (and @types/picomatch is not installed)
import picomatch from "picomatch";
import { splitmix32 } from "../../host/hal/virtual.ts";
import { newKernel } from "../manifest/helpers.ts";

const random = splitmix32(2024);
const pick = <T>(xs: readonly T[]): T => xs[random() % xs.length];
const ALPHABET = "abc-.1";

function name(): string {
  let s = pick("abc1".split(""));
  const n = random() % 8;
  for (let i = 0; i < n; i++) s += pick(ALPHABET.split(""));
  return s;
}

function glob(depth = 0): string {
  let s = "";
  const n = 1 + (random() % 4);
  for (let i = 0; i < n; i++) {
    const r = random() % 10;
    if (r < 3) s += pick(["a", "b", "c", "-", "1", "ab"]);
    else if (r < 5) s += "*";
    else if (r < 6) s += "?";
    else if (r < 7) s += pick(["[a-b]", "[^a]", "[bc1]", "[^-.]"]); // picomatch 4 reads [!a] inside a word as "[!a] or a class"; ours is POSIX negation
    else if (r < 8 && depth === 0) s += `{${glob(1)},${glob(1)}}`;
    else s += pick(["a", "c"]);
  }
  return s;
}

function regex(depth = 0): string {
  let s = "";
  const n = 1 + (random() % 4);
  for (let i = 0; i < n; i++) {
    const r = random() % 12;
    let atom: string;
    if (r < 4) atom = pick(["a", "b", "c", "-", "1", "\\."]);
    else if (r < 5) atom = ".";
    else if (r < 6) atom = pick(["[a-b]", "[^a]", "[bc1]", "\\d", "\\w", "[\\d-]"]);
    else if (r < 8 && depth < 2) atom = `(${regex(depth + 1)}${random() % 2 ? "|" + regex(depth + 1) : ""})`;
    else atom = pick(["a", "b"]);
    s += atom + pick(["", "", "", "*", "+", "?", "*?"]);
  }
  if (depth === 0 && random() % 3 === 0) s = "^" + s;
  if (depth === 0 && random() % 3 === 0) s += "$";
  return s;
}

describe("discovery patterns", () => {
  const { m } = newKernel();
  const names = Array.from({ length: 60 }, name);

  it("glob: results equal picomatch on a generated corpus", () => {
    let compared = 0, matched = 0;
    for (let p = 0; p < 300; p++) {
      const pattern = glob();
      const reference = picomatch(pattern, { dot: true });
      for (const n of names) {
        const got = m.test(`glob:${pattern}`, n).matched;
        expect(got, `glob:${pattern} on ${n}`).toBe(reference(n));
        compared++; matched += got ? 1 : 0;
      }
    }
    expect(compared).toBe(18_000);
    expect(matched).toBeGreaterThan(200);
  });

  it("regex subset: results equal JavaScript RegExp.test on a generated corpus", () => {
    let matched = 0;
    for (let p = 0; p < 400; p++) {
      const pattern = regex();
      const reference = new RegExp(pattern);
      for (const n of names) {
        const got = m.test(`regex:${pattern}`, n).matched;
        expect(got, `regex:${pattern} on ${n}`).toBe(reference.test(n));
        matched += got ? 1 : 0;
      }
    }
    expect(matched).toBeGreaterThan(1000);
  });

  it("wildcards (no prefix): * and ? only, everything else literal", () => {
    expect(m.test("web-*", "web-1").matched).toBe(true);
    expect(m.test("web-*", "api-web-1").matched).toBe(false);
    expect(m.test("cache-?", "cache-12").matched).toBe(false);
    expect(m.test("[a]", "[a]").matched).toBe(true);
    expect(m.test("storage", "storage").matched).toBe(true);
  });

  it("syntax errors are error codes with the byte offset", () => {
    for (const bad of ["regex:(ab", "regex:ab)", "regex:*a", "regex:a**", "regex:[a-", "regex:a{2}", "regex:\\b", "glob:{a,b", "regex:(?=a)"]) {
      expect(() => m.test(bad, "a"), bad).toThrow(/pattern '.*': .* at byte \d+/);
    }
    expect(() => m.test("regex:" + "(".repeat(100), "a")).toThrow();
  });

  it("pathological patterns run in linear time: the step count, not the clock", () => {
    const steps = (n: number) => m.test("regex:(a*)*b", "a".repeat(n)).steps;
    const s1 = steps(1000), s2 = steps(2000), s4 = steps(4000);
    expect(s2).toBeLessThanOrEqual(2 * s1 + 16);
    expect(s4).toBeLessThanOrEqual(2 * s2 + 16);
    expect(s4).toBeLessThanOrEqual(8 * 4001); // a handful of states per byte
    for (const p of ["regex:(a|aa)*c", "regex:(a+)+$b", "regex:(.*a){12}".replace("{12}", "(.*a)".repeat(11)), "glob:*a*a*a*a*a*a*b"]) {
      const a = m.test(p, "a".repeat(1500)).steps, b = m.test(p, "a".repeat(3000)).steps;
      expect(b, p).toBeLessThanOrEqual(Math.ceil(2.05 * a));
    }
    expect(m.test("regex:(a*)*b", "a".repeat(4000) + "b").matched).toBe(true);
  });
});
