// `npm run build` (and `tsx targets/abi/generate.ts`): writes every checked-in file generated from
// the kernel's sources, so that a change to an export or an error code reaches every host:
//
//   host/kernel/exports.ts                 typed raw exports     from assembly/index.ts (+ re-exports)
//   host/kernel/error-codes.ts             error table           from assembly/errors.ts
//   targets/firmware/include/myco_api.h    C API                 from assembly/index.ts (+ re-exports)
//   targets/firmware/include/myco_errors.h C error codes         from assembly/errors.ts
//
// test/targets/generated.test.ts regenerates them in memory and fails when a checked-in copy
// drifts. (The WIT world, the component's adapters and myco_api.c are generated into the
// targets' build folders by their builds, from the same description.)
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { kernelAbi } from "./abi.ts";
import { readErrorTable } from "./errors.ts";
import { generateErrorCodes, generateHostExports } from "./gen-host.ts";
import { generateApiHeader, generateErrorHeader } from "../firmware/tools/gen-api.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

const FROM_ERRORS = "Generated from assembly/errors.ts by targets/abi/generate.ts (npm run build). Do not edit.";
const FROM_INDEX = "Generated from assembly/index.ts and the files it re-exports by targets/abi/generate.ts (npm run build). Do not edit.";

/** Every generated checked-in file: path relative to the repository -> its text. */
export function generatedFiles(): Map<string, string> {
  const abi = kernelAbi();
  const errors = readErrorTable();
  return new Map([
    ["host/kernel/exports.ts", generateHostExports(abi, FROM_INDEX)],
    ["host/kernel/error-codes.ts", generateErrorCodes(errors, FROM_ERRORS)],
    ["targets/firmware/include/myco_api.h", generateApiHeader(abi)],
    ["targets/firmware/include/myco_errors.h", generateErrorHeader(errors, FROM_ERRORS)],
  ]);
}

/** Writes the files whose text changed; returns their paths. */
export async function writeGenerated(): Promise<string[]> {
  const written: string[] = [];
  for (const [path, text] of generatedFiles()) {
    const current = await readFile(join(ROOT, path), "utf8").catch(() => "");
    if (current === text) continue;
    await writeFile(join(ROOT, path), text);
    written.push(path);
  }
  return written;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const written = await writeGenerated();
  console.log(written.length ? `generated ${written.join(", ")}` : "generated files are up to date");
}
