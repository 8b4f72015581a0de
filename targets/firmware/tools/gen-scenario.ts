// Generates conformance_program.h: the conformance program (targets/conformance/program.ts) as a
// C byte array the firmware replays (src/replay.c), so no C code parses anything but the program.
export function generateProgramHeader(bytes: Uint8Array): string {
  const rows: string[] = [];
  for (let at = 0; at < bytes.length; at += 24) rows.push(`  ${Array.from(bytes.subarray(at, at + 24), (b) => `${b},`).join("")}`);
  return [
    "/* Generated from the conformance program by targets/firmware/tools/gen-scenario.ts. Do not edit. */",
    "#ifndef CONFORMANCE_PROGRAM_H",
    "#define CONFORMANCE_PROGRAM_H",
    "",
    "#include <stdint.h>",
    "",
    `static const uint8_t CONFORMANCE_PROGRAM[${bytes.length}] = {`,
    ...rows,
    "};",
    "",
    "#endif",
    "",
  ].join("\n");
}
