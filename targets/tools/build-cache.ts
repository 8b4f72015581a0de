// Builds of targets/*/build are shared by tests that vitest runs in parallel processes and by
// `npm run conformance`: each build runs under a lock file, and is skipped when a fingerprint of
// everything it reads matches the one stored by the last complete build.
import { createHash } from "node:crypto";
import { mkdir, open, readFile, readdir, rm, stat, writeFile, rename } from "node:fs/promises";
import { join } from "node:path";

const LOCK_POLL_MS = 100;
const LOCK_WAIT_MS = 15 * 60_000;

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (error) { return (error as NodeJS.ErrnoException).code === "EPERM"; }
}

/** Runs `build` holding `<dir>/.lock`; a lock left by a dead process is taken over. */
export async function withBuildLock<T>(dir: string, build: () => Promise<T>): Promise<T> {
  await mkdir(dir, { recursive: true });
  const lock = join(dir, ".lock");
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(await readFile(lock, "utf8").catch(() => ""));
      if (owner > 0 && !alive(owner)) { await rm(lock, { force: true }); continue; }
      if (Date.now() > deadline) throw new Error(`${lock}: held by process ${owner} for too long`);
      await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
    }
  }
  try {
    return await build();
  } finally {
    await rm(lock, { force: true });
  }
}

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`${path} is missing (a build input)`);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(entries
    .filter((e) => e.name !== "build" && e.name !== "node_modules" && !e.name.startsWith("."))
    .map((e) => filesUnder(join(path, e.name))));
  return nested.flat().sort();
}

/** sha256 over the names and contents of the files (directories: every file under them, builds excluded). */
export async function fingerprint(paths: string[], extra = ""): Promise<string> {
  const hash = createHash("sha256").update(extra);
  for (const file of (await Promise.all(paths.map(filesUnder))).flat()) {
    hash.update(file).update("\0").update(await readFile(file)).update("\0");
  }
  return hash.digest("hex");
}

export async function isFresh(dir: string, print: string): Promise<boolean> {
  return (await readFile(join(dir, ".fingerprint"), "utf8").catch(() => "")) === print;
}

export async function markFresh(dir: string, print: string): Promise<void> {
  await writeFileAtomic(join(dir, ".fingerprint"), print);
}

/** Writes via a temporary file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, data);
  await rename(temporary, path);
}
