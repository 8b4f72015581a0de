// The soak script (bench/soak.ts) on a tiny run: ranges of seeds in parallel child processes,
// every finished range appended to the results file with the commit it tested, and a run that
// resumes from where the last one stopped.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const soak = (results: string, ...args: string[]): string =>
  execFileSync(process.execPath, ["--import", "tsx", "bench/soak.ts", "--fleet", "--steps", "20", "--chunk", "2", "--results", results, ...args], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("npm run soak -- --fleet", () => {
  it("runs ranges on several processes, appends each finished range with its commit, and resumes with --from", () => {
    const results = join(mkdtempSync(join(tmpdir(), "myco-soak-")), "soak.jsonl");
    const head = execFileSync("git", ["rev-parse", "--short=12", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
    const first = soak(results, "--from", "1", "--count", "5", "--jobs", "2");
    expect(first).toMatch(/5 seeds from 1 x 20 steps \(2 processes, commit [0-9a-f]{12}.*\): 5 passed, 0 failed/);
    const second = soak(results, "--from", "6", "--count", "2", "--jobs", "1");
    expect(second).toMatch(/2 seeds from 6 x 20 steps \(1 processes/);
    const lines = readFileSync(results, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.from, l.count]).sort((a, b) => a[0] - b[0])).toEqual([[1, 2], [3, 2], [5, 1], [6, 2]]);
    for (const l of lines) expect(l).toMatchObject({ commit: head, fleet: true, steps: 20, failed: 0, failures: [] });
    expect(lines.reduce((n, l) => n + l.passed, 0)).toBe(7);
  }, 300_000);

  it("refuses a count that is not a positive whole number, naming the option and the value", () => {
    const results = join(mkdtempSync(join(tmpdir(), "myco-soak-")), "soak.jsonl");
    expect(() => soak(results, "--count", "ten")).toThrow(/soak: --count ten is not a positive whole number/);
  });
});
