// The `myco` CLI run in this process (host/cli/myco.ts main), its output kept.
import { main } from "../../host/cli/myco.ts";

/** Runs `myco ARGS…` in process; the exit code and the joined stdout and stderr lines. */
export async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "myco", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}
