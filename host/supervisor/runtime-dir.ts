// Where a run keeps what only its user may reach: the control socket, the role credentials
// beside it and its audit trail, in a per-user runtime directory (mode 0700).
import { mkdirSync, statSync, chmodSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/** $XDG_RUNTIME_DIR/myco, or /tmp/myco-UID: created 0700; refused if someone else owns it or others may enter it. */
export function runtimeDir(): string {
  const uid = process.getuid?.() ?? userInfo().uid;
  const dir = process.env.XDG_RUNTIME_DIR ? join(process.env.XDG_RUNTIME_DIR, "myco") : join(tmpdir(), `myco-${uid}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = statSync(dir);
  if (stat.uid !== uid) throw new Error(`runtime directory ${dir} belongs to uid ${stat.uid}, not to you (uid ${uid})`);
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
  return dir;
}

export function defaultSocketPath(): string { return join(runtimeDir(), "control.sock"); }

/** The audit trail of the run listening at `socketPath`: <socket without .sock>.audit beside it (control.audit). */
export function defaultAuditPath(socketPath: string): string { return `${socketPath.replace(/\.sock$/, "")}.audit`; }
