// The audit trail is tamper-evident: flipping any single byte of the file, deleting any record
// or swapping any two neighbours is found by `verify` (and `myco audit --verify` exits 1);
// the untouched trail verifies, and a reopened trail continues its chain.
import { describe, it, expect } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AuditTrail, verifyAudit, readAudit, type AuditEntry } from "../../host/supervisor/audit-trail.ts";
import { main } from "../../host/cli/myco.ts";

const ENTRIES: AuditEntry[] = [
  { principal: "operator", role: "operator", command: "restart", service: "web", allowed: true, code: 0 },
  { principal: "viewer", role: "viewer", command: "stop", service: "web", allowed: false, code: -340 },
  { principal: "admin", role: "admin", command: "reload", service: null, allowed: true, code: 0 },
  { principal: "(unidentified)", role: "none", command: "status", service: null, allowed: false, code: -340 },
];

function trail(): string {
  const file = join(mkdtempSync(join(tmpdir(), "myco-audit-")), "audit.log");
  let t = 0;
  const audit = new AuditTrail(file, () => new Date(1_700_000_000_000 + 1000 * t++));
  for (const entry of ENTRIES) audit.append(entry);
  return file;
}

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "myco", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe("the hash-chained audit trail", () => {
  it("verifies when untouched, continues its chain when reopened, and is private", async () => {
    const file = trail();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 4 });
    new AuditTrail(file).append(ENTRIES[0]);
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 5 });
    expect(readAudit(file).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    const shown = await cli(["audit", "--file", file]);
    expect(shown.code).toBe(0);
    expect(shown.out[1]).toMatch(/^2\t.*\tviewer \(viewer\)\tstop web\tdenied \(-340\)$/);
    expect((await cli(["audit", "--verify", "--file", file])).out[0]).toMatch(/5 records, chain intact/);
  });

  it("flipping any single byte is detected", () => {
    const file = trail();
    const original = readFileSync(file);
    for (let i = 0; i < original.length; i++) {
      const bytes = Buffer.from(original);
      bytes[i] ^= 0x01;
      writeFileSync(file, bytes);
      expect(verifyAudit(file).ok, `byte ${i} flipped`).toBe(false);
    }
  });

  it("deleting any record, or swapping any two neighbours, is detected (and the CLI exits 1)", async () => {
    const file = trail();
    const lines = readFileSync(file, "utf8").split("\n").slice(0, -1);
    for (let i = 0; i < lines.length; i++) {
      writeFileSync(file, `${lines.filter((_, k) => k !== i).join("\n")}\n`);
      expect(verifyAudit(file).ok, `record ${i + 1} deleted`).toBe(false);
    }
    for (let i = 0; i + 1 < lines.length; i++) {
      const swapped = [...lines];
      [swapped[i], swapped[i + 1]] = [swapped[i + 1], swapped[i]];
      writeFileSync(file, `${swapped.join("\n")}\n`);
      const result = verifyAudit(file);
      expect(result.ok, `records ${i + 1} and ${i + 2} swapped`).toBe(false);
    }
    const run = await cli(["audit", "--verify", "--file", file]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/line \d+: its prev is not the hash of the line before/);
  });
});
