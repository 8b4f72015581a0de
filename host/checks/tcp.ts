// TCP check: a connection to host:port that is accepted within the timeout passes.
import { connect } from "node:net";
import { passed, failed, timedOut, CHECK_TIMEOUT_MS_DEFAULT, type CheckResult } from "./result.ts";

export interface TcpCheck {
  kind: "tcp";
  host?: string;
  port: number;
  timeoutMs?: number;
}

export function runTcpCheck(check: TcpCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS_DEFAULT;
  const host = check.host ?? "127.0.0.1";
  const where = `${host}:${check.port}`;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const socket = connect({ host, port: check.port });
    const timer = setTimeout(() => finish(timedOut(startedAt, timeoutMs, `connect ${where}`)), timeoutMs);
    socket.on("connect", () => finish(passed(startedAt, `connected to ${where}`)));
    socket.on("error", (error) => finish(failed(startedAt, `connect ${where}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
  });
}
