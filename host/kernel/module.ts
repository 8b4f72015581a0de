// Finding and compiling the kernel module of a build profile (build/<profile>.wasm), once.
import { readFileSync, existsSync } from "node:fs";
import { fromRoot } from "../package-root.ts";

export type Profile = "release" | "mcu" | "bench" | "debug" | "fleet" | "tiny";
export const PROFILES: readonly Profile[] = ["release", "mcu", "bench", "debug", "fleet", "tiny"];

const compiled = new Map<string, WebAssembly.Module>();

export function modulePath(profile: Profile): string {
  return fromRoot("build", `${profile}.wasm`);
}

export function loadModule(profile: Profile): WebAssembly.Module {
  const path = modulePath(profile);
  let module = compiled.get(path);
  if (!module) {
    if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first`);
    module = new WebAssembly.Module(readFileSync(path));
    compiled.set(path, module);
  }
  return module;
}
