// Generates conformance_program.c: the conformance program (targets/conformance/program.ts) as a
// C byte array the firmware replays (src/replay.c; declared in src/program.h), so no C code
// parses anything but the program. Compiled on its own, so an image can be relinked with
// another program without compiling the kernel again.
export function generateProgramSource(bytes: Uint8Array): string {
  const rows: string[] = [];
  for (let at = 0; at < bytes.length; at += 24) rows.push(`  ${Array.from(bytes.subarray(at, at + 24), (b) => `${b},`).join("")}`);
  return [
    "/* Generated from the conformance program by targets/firmware/tools/gen-scenario.ts. Do not edit. */",
    "#include \"program.h\"",
    "",
    `const size_t CONFORMANCE_PROGRAM_BYTES = ${bytes.length}u;`,
    `const uint8_t CONFORMANCE_PROGRAM[${bytes.length}] = {`,
    ...rows,
    "};",
    "",
  ].join("\n");
}
