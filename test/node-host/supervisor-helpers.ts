// Running a Supervisor on a manifest written for one test: free loopback ports, a temp dir,
// collected messages, and a cleanup that always leaves no process behind.
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadHostManifest } from "../../host/supervisor/host-manifest.ts";
import { Supervisor, type SupervisorMessage, type SupervisorOptions } from "../../host/supervisor/supervisor.ts";
import { formatDiagnostic } from "../../host/manifest/diagnostics.ts";
import type { KernelEvent } from "../../host/kernel/abi.ts";
import { freePorts } from "../../host/tools/free-ports.ts";
export { freePorts };

export const SERVICE_JS = fileURLToPath(new URL("./fixtures/service.js", import.meta.url));


export interface Running {
  supervisor: Supervisor;
  messages: SupervisorMessage[];
  events: KernelEvent[];
  dir: string;
  texts(): string[];
  stop(): Promise<void>;
}

const live: Running[] = [];

export async function supervise(yaml: string, options: SupervisorOptions = {}): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), "myco-sup-"));
  const file = join(dir, "services.yaml");
  writeFileSync(file, yaml);
  const { hostManifest, diagnostics } = loadHostManifest(file, options.parse);
  if (!hostManifest) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(diagnostics.map(formatDiagnostic).join("\n"));
  }
  const supervisor = new Supervisor(hostManifest, options);
  const messages: SupervisorMessage[] = [];
  const events: KernelEvent[] = [];
  supervisor.onMessage((m) => messages.push(m));
  supervisor.onEvent((e) => events.push(e));
  const running: Running = {
    supervisor, messages, events, dir,
    texts: () => messages.map((m) => m.text),
    async stop() {
      await supervisor.shutdown();
      supervisor.executor.killAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.push(running);
  await supervisor.start();
  return running;
}

/** For afterEach: shuts down whatever a test left running, even after a failure. */
export async function stopAll(): Promise<void> {
  for (const running of live.splice(0)) await running.stop();
}

/** A `run:` section for the fixture service. */
export function fixture(mode = "", extra = ""): string {
  return `run: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(SERVICE_JS)}], env: { MODE: "${mode}" }, allow-root: true${extra} }`;
}
