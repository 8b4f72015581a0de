// HTTP check: GET the URL; a 2xx or 3xx status passes (redirects are not followed), anything
// else, a refused connection or no complete answer within the timeout fails. Loopback-friendly:
// no keep-alive, the body is read and dropped.
import { request } from "node:http";
import { passed, failed, timedOut, CHECK_TIMEOUT_MS_DEFAULT, type CheckResult } from "./result.ts";

export interface HttpCheck {
  kind: "http";
  url: string;
  timeoutMs?: number;
}

export function runHttpCheck(check: HttpCheck): Promise<CheckResult> {
  const timeoutMs = check.timeoutMs ?? CHECK_TIMEOUT_MS_DEFAULT;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(check.url);
      if (url.protocol !== "http:") throw new Error(`only http: URLs are checked, not ${url.protocol}`);
    } catch (error) {
      resolve(failed(startedAt, `bad URL '${check.url}': ${(error as Error).message}`));
      return;
    }
    let done = false;
    const finish = (result: CheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = request(url, { method: "GET", agent: false, headers: { "user-agent": "myco-check", connection: "close" } }, (res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      res.on("end", () => {
        if (status >= 200 && status < 400) finish(passed(startedAt, `HTTP ${status}`));
        else finish(failed(startedAt, `HTTP ${status} from ${check.url}`));
      });
      res.on("error", (error) => finish(failed(startedAt, `${check.url}: ${error.message}`)));
    });
    const timer = setTimeout(() => finish(timedOut(startedAt, timeoutMs, `GET ${check.url}`)), timeoutMs);
    req.on("error", (error) => finish(failed(startedAt, `${check.url}: ${(error as NodeJS.ErrnoException).code ?? error.message}`)));
    req.end();
  });
}
