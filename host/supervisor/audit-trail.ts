// The audit trail: the kernel's audit events (assembly/security/authorise.ts), appended by the
// host as JSON lines, each carrying the SHA-256 of the previous line (the way systemd's journal
// sealing makes tampering visible). A line is
//
//   {"seq":N,"time":"ISO","principal":"...","role":"...","command":"...","service":"..."|null,
//    "allowed":true|false,"code":0|-340,"prev":"<64 hex>","hash":"<64 hex>"}
//
// where `hash` is the SHA-256 of the line's bytes before `,"hash":` and `prev` the hash of the
// line before it (64 zeros for the first). A head file beside it (<file>.head: count and last
// hash) anchors the end, so removing the last records is seen too. `verify` reports the first
// line that does not hold: a changed byte (its hash, or the next line's prev, no longer matches),
// a removed line (a prev or seq gap), two swapped lines (prev and seq out of order).
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync, renameSync, openSync, closeSync } from "node:fs";

export const GENESIS = "0".repeat(64);

export interface AuditEntry {
  principal: string;
  role: string;
  command: string;
  service: string | null;
  allowed: boolean;
  code: number;
}

export interface AuditRecord extends AuditEntry { seq: number; time: string; prev: string; hash: string }

export type Verification = { ok: true; records: number; head: string } | { ok: false; line: number; problem: string };

const HASH_MARK = ',"hash":"';

function sha256(text: string): string { return createHash("sha256").update(text, "utf8").digest("hex"); }

export class AuditTrail {
  private seq = 0;
  private last = GENESIS;

  /** Opens (or creates, mode 0600) the trail and continues its chain. */
  constructor(readonly path: string, private readonly now: () => Date = () => new Date()) {
    if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
    const lines = readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0);
    const tail = lines.at(-1);
    if (tail) {
      const record = JSON.parse(tail) as AuditRecord;
      this.seq = record.seq;
      this.last = record.hash;
    }
  }

  append(entry: AuditEntry): AuditRecord {
    const record = {
      seq: this.seq + 1, time: this.now().toISOString(), principal: entry.principal, role: entry.role, command: entry.command,
      service: entry.service, allowed: entry.allowed, code: entry.code, prev: this.last,
    };
    const body = JSON.stringify(record);
    const unsealed = body.slice(0, -1); // without the closing brace
    const hash = sha256(unsealed);
    appendFileSync(this.path, `${unsealed}${HASH_MARK}${hash}"}\n`, { mode: 0o600 });
    this.seq++;
    this.last = hash;
    writeFileSync(`${this.path}.head.next`, `${this.seq} ${hash}\n`, { mode: 0o600 });
    renameSync(`${this.path}.head.next`, `${this.path}.head`);
    return { ...record, hash };
  }
}

/** Reads the records (no verification). */
export function readAudit(path: string): AuditRecord[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l) as AuditRecord);
}

/** Checks every line's hash, the chain of prev hashes, the sequence and the head anchor. */
export function verifyAudit(path: string): Verification {
  const text = readFileSync(path, "utf8");
  if (text.length > 0 && !text.endsWith("\n")) return { ok: false, line: text.split("\n").length, problem: "the last line is cut short" };
  const lines = text.split("\n").slice(0, -1);
  let prev = GENESIS;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const at = line.lastIndexOf(HASH_MARK);
    if (at < 0 || !line.endsWith('"}')) return { ok: false, line: i + 1, problem: "the line has no hash" };
    const stated = line.slice(at + HASH_MARK.length, -2);
    if (sha256(line.slice(0, at)) !== stated) return { ok: false, line: i + 1, problem: "its hash does not match its content (changed)" };
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      return { ok: false, line: i + 1, problem: "the line is not JSON" };
    }
    if (record.hash !== stated) return { ok: false, line: i + 1, problem: "the line has two hashes" };
    if (record.prev !== prev) return { ok: false, line: i + 1, problem: "its prev is not the hash of the line before (a line removed, inserted or reordered)" };
    if (record.seq !== i + 1) return { ok: false, line: i + 1, problem: `its seq is ${record.seq}, expected ${i + 1} (a line removed or reordered)` };
    prev = stated;
  }
  const headPath = `${path}.head`;
  if (existsSync(headPath)) {
    const [count, hash] = readFileSync(headPath, "utf8").trim().split(" ");
    if (Number(count) !== lines.length || hash !== prev) {
      return { ok: false, line: lines.length, problem: `the head says ${count} records ending ${hash?.slice(0, 12)}..., the file has ${lines.length} ending ${prev.slice(0, 12)}... (records removed at the end)` };
    }
  } else if (lines.length > 0) {
    return { ok: false, line: lines.length, problem: `the head file ${headPath} is missing` };
  }
  return { ok: true, records: lines.length, head: prev };
}
