// Runs the CLI in this process and collects what it prints: the CLI tests' one way in.
import { main } from "../../host/cli/myco.ts";

export async function myco(...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(["node", "myco", ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}
