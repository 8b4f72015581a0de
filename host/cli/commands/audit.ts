// `myco audit [--verify]`: the hash-chained audit trail of `myco run` (every privileged command,
// allowed or denied, as the kernel decided it), read from its file; `--verify` checks every
// record's hash, the chain and the head anchor, and exits 1 at the first record that does not hold.
import type { Command } from "commander";
import { defaultAuditPath, defaultSocketPath } from "../../supervisor/runtime-dir.ts";
import { readAudit, verifyAudit } from "../../supervisor/audit-trail.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

export function auditCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("audit").description("show (or --verify) the tamper-evident audit trail of privileged commands")
    .option("--file <path>", "the audit trail (default: control.audit beside the control socket)")
    .option("--socket <path>", "the control socket whose trail to read")
    .option("--verify", "check every record's hash, the chain and the head; exit 1 when anything was changed, removed or reordered")
    .option("--json", "print the records (or the verification) as JSON")
    .action((flags: { file?: string; socket?: string; verify?: boolean; json?: boolean }) => {
      const file = flags.file ?? defaultAuditPath(flags.socket ?? defaultSocketPath());
      try {
        if (flags.verify) {
          const result = verifyAudit(file);
          if (flags.json) io.out(JSON.stringify(result));
          else if (result.ok) io.out(`${file}: ${result.records} records, chain intact (head ${result.head.slice(0, 16)}...)`);
          else io.err(`${file}: line ${result.line}: ${result.problem}`);
          return exit(result.ok ? EXIT.ok : EXIT.invalid);
        }
        const records = readAudit(file);
        if (flags.json) return void io.out(JSON.stringify(records, null, 2));
        for (const r of records) {
          io.out(`${r.seq}\t${r.time}\t${r.principal} (${r.role})\t${r.command}${r.service ? ` ${r.service}` : ""}\t${r.allowed ? "allowed" : `denied (${r.code})`}`);
        }
        exit(EXIT.ok);
      } catch (error) {
        io.err(`myco audit: ${file}: ${(error as Error).message}`);
        exit(EXIT.failed);
      }
    });
}
