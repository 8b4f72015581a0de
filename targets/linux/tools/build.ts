// Builds the Linux native host (targets/linux/src) on top of the firmware's native build: the
// same wasm2c kernel, C API, trap guard and static runtime (targets/firmware/tools/build.ts),
// linked with this host's event loop, spawner and check runners. The release profile's kernel.
//
//   targets/linux/build/myco-linux
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildFirmware, compileNative, linkNative, nativeKernelObjects, FIRMWARE } from "../../firmware/tools/build.ts";
import { fingerprint, isFresh, markFresh, withBuildLock } from "../../tools/build-cache.ts";
import { requireTool } from "../../tools/toolchain.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const LINUX = join(root, "targets/linux");
export const LINUX_BUILD = join(LINUX, "build");
const SOURCES = ["main.c", "host.c", "blob.c", "run_spec.c", "procs.c", "checks.c", "loop.c"].map((f) => join(LINUX, "src", f));
const PROFILE = "release";

export interface LinuxBuild { executable: string }

/** Builds myco-linux (and what it links from the firmware build); skipped when nothing it reads changed. */
export async function buildLinux(): Promise<LinuxBuild> {
  await requireTool("gcc");
  await buildFirmware({ cortexM: false });
  const executable = join(LINUX_BUILD, "myco-linux");
  return withBuildLock(LINUX_BUILD, async () => {
    const print = await fingerprint([join(LINUX, "src"), FIRMWARE, ...nativeKernelObjects(PROFILE)], "linux");
    if (await isFresh(LINUX_BUILD, print)) return { executable };
    const objects = await compileNative(PROFILE, SOURCES, join(LINUX_BUILD, "obj"), [`-I${join(LINUX, "src")}`]);
    await linkNative([...objects, ...nativeKernelObjects(PROFILE)], executable);
    await markFresh(LINUX_BUILD, print);
    return { executable };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildLinux();
  console.log(`linux: ${built.executable}`);
}
