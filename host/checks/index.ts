// The check runners, one per kind, behind one call: runCheck(spec) -> CheckResult.
import { runHttpCheck, type HttpCheck } from "./http.ts";
import { runTcpCheck, type TcpCheck } from "./tcp.ts";
import { runProcessCheck, type ProcessCheck } from "./process.ts";
import { runFileCheck, type FileCheck } from "./file.ts";
import { runCommandCheck, type CommandCheck } from "./command.ts";
import { runCustomCheck, type CustomCheck } from "./custom.ts";
import type { CheckResult } from "./result.ts";

export type { CheckResult } from "./result.ts";
export type { HttpCheck, TcpCheck, ProcessCheck, FileCheck, CommandCheck, CustomCheck };
export type CheckSpec = HttpCheck | TcpCheck | ProcessCheck | FileCheck | CommandCheck | CustomCheck;
export type CheckKind = CheckSpec["kind"];

export function runCheck(spec: CheckSpec): Promise<CheckResult> {
  switch (spec.kind) {
    case "http": return runHttpCheck(spec);
    case "tcp": return runTcpCheck(spec);
    case "process": return runProcessCheck(spec);
    case "file": return runFileCheck(spec);
    case "command": return runCommandCheck(spec);
    case "custom": return runCustomCheck(spec);
  }
}

/** A one-line description of a check (status output, messages). */
export function describeCheck(spec: CheckSpec): string {
  switch (spec.kind) {
    case "http": return `http ${spec.url}`;
    case "tcp": return `tcp ${spec.host ?? "127.0.0.1"}:${spec.port}`;
    case "process": return "process alive";
    case "file": return `file ${spec.path}${spec.maxAgeMs !== undefined ? ` (max age ${spec.maxAgeMs} ms)` : ""}`;
    case "command": return `command ${[spec.command, ...(spec.args ?? [])].join(" ")}`;
    case "custom": return spec.name ?? "custom";
  }
}
