// `myco alerts` and `myco silence`: where a running `myco run` sends its alerts (receivers and
// whether they answer), the silences in force, the latest notifications and their outcome; and
// holding a service's notifications back for a while, with a reason (Alertmanager's silences).
import type { Command } from "commander";
import { parseDuration } from "../../manifest/values.ts";
import { formatTable } from "../../status-table.ts";
import { ask } from "../ask.ts";
import { EXIT } from "../exit-codes.ts";
import type { Output } from "../output.ts";

/** The longest silence: a week (a longer one is a route to remove). */
const SILENCE_MS_MAX = 7 * 86_400_000;

export function alertsCommand(program: Command, io: Output, exit: (code: number) => void): void {
  program.command("alerts").description("show alert receivers, silences and the latest notifications of a running `myco run`")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .option("--json", "print { receivers, silences, sent } as JSON")
    .action(async (flags: { socket?: string; json?: boolean }) => {
      exit(await ask(io, flags.socket, { command: "alerts" }, (answer) => {
        const view = answer.alerts!;
        if (flags.json) return io.out(JSON.stringify(view, null, 2));
        if (!view.receivers.length) io.out("no receivers: the manifest has no alerts: section");
        else io.out(formatTable(view.receivers.map((r) => ({ receiver: r.name, kind: r.kind, target: r.target, reachable: r.unreachable ? "NO" : "yes" }))));
        io.out("");
        io.out(view.silences.length ? formatTable(view.silences.map((s) => ({ silence: String(s.id), service: s.service ?? "(all)", until: new Date(s.untilMs).toISOString().slice(0, 19), reason: s.reason })))
          : "no silences");
        io.out("");
        for (const n of view.sent.slice(-20)) {
          io.out(`${new Date(n.timeMs).toISOString().slice(11, 19)} ${n.receiver}: ${n.service} ${n.state} ${n.severity} ${n.reason} x${n.alerts} ${n.outcome}${n.error ? `: ${n.error}` : ""}`);
        }
        if (!view.sent.length) io.out("no notifications sent yet");
      }, flags.json));
    });

  program.command("silence").argument("[service]", "the service (default: every service)").description("hold back a running `myco run`'s alert notifications for a while")
    .option("--for <time>", "how long (30m, 2h)", "1h")
    .option("--reason <text>", "why (shown by `myco alerts`)", "")
    .option("--remove <id>", "end silence ID now instead")
    .option("--socket <path>", "the control socket (default: the one `myco run` uses)")
    .option("--json", "print the silence as JSON")
    .action(async (service: string | undefined, flags: { for: string; reason: string; remove?: string; socket?: string; json?: boolean }) => {
      if (flags.remove !== undefined) {
        const id = Number(flags.remove);
        if (!Number.isInteger(id) || id < 0) { io.err(`myco silence: --remove '${flags.remove}' is not a silence id`); return exit(EXIT.usage); }
        return exit(await ask(io, flags.socket, { command: "unsilence", id }, () => io.out(flags.json ? JSON.stringify({ ok: true, removed: id }) : `silence ${id} ended`), flags.json));
      }
      const durationMs = parseDuration(flags.for);
      if (!durationMs || durationMs > SILENCE_MS_MAX) { io.err(`myco silence: --for '${flags.for}' is not a duration from 1ms to 7d (30m, 2h)`); return exit(EXIT.usage); }
      exit(await ask(io, flags.socket, { command: "silence", service, durationMs, reason: flags.reason }, (answer) => {
        const s = answer.silence!;
        io.out(flags.json ? JSON.stringify(s) : `silence ${s.id}: ${s.service ?? "every service"} until ${new Date(s.untilMs).toISOString().slice(0, 19)}Z${s.reason ? ` (${s.reason})` : ""}`);
      }, flags.json));
    });
}
