// What the firmware build does to wasm2c's C of the kernel (targets/firmware/tools/kernel-c.ts)
// and to the conformance program it embeds (compact-program.ts), on small inputs whose answer is
// known; test/targets/firmware.test.ts shows the rewritten kernels and the compact programs
// replaying like the Node host on every native and Cortex-M host.
import { describe, expect, it } from "vitest";
import { recursiveFunctions, rewriteKernelC } from "../../targets/firmware/tools/kernel-c.ts";
import { compactProgram } from "../../targets/firmware/tools/compact-program.ts";
import { encodeProgram } from "../../targets/conformance/program.ts";

/** wabt 1.0.32's accessor definitions (one of the big- and little-endian variants each). */
const ACCESSORS = [
  "  static inline t3 name(wasm_rt_memory_t* mem, u64 addr) { \\",
  "    MEMCHECK(mem, addr, t1);                               \\",
  "  static inline void name(wasm_rt_memory_t* mem, u64 addr, t2 value) { \\",
  "    MEMCHECK(mem, addr, t1);                                           \\",
];
const HEADER = [
  "#if WASM_RT_MEMCHECK_SIGNAL_HANDLER",
  "#define MEMCHECK(mem, a, t)",
  "#else",
  "#define MEMCHECK(mem, a, t) RANGE_CHECK(mem, a, sizeof(t))",
  "#endif",
  "#define DEFINE_LOAD(name, t1, t2, t3)                                  \\",
  ...ACCESSORS,
  "    wasm_asm(\"\" ::\"r\"(result));                                        \\",
  "    return (t3)(t2)result;                                             \\",
  "#define DEFINE_LOAD(name, t1, t2, t3)                      \\",
  ...ACCESSORS,
  "    wasm_asm(\"\" ::\"r\"(result));                            \\",
  "    return (t3)(t2)result;                                 \\",
];

function fn(name: string, body: string[]): string[] {
  return [`static u32 ${name}(Z_kernel_instance_t* instance, u32 w2c_p0) {`, "  FUNC_PROLOGUE;", ...body.map((l) => `  ${l}`), "  FUNC_EPILOGUE;", "  return 0;", "}"];
}

const SOURCE = [
  ...HEADER,
  ...fn("w2c_leaf", ["w2c_i0 = i32_load(&instance->w2c_memory, (u64)(w2c_p0) + 4u);", "i32_store8(&instance->w2c_memory, (u64)(w2c_i0), w2c_p0);"]),
  ...fn("w2c_a", ["w2c_b(instance, 1);", "w2c_leaf(instance, 2);"]),
  ...fn("w2c_b", ["if (w2c_p0) { FUNC_EPILOGUE; return w2c_a(instance, 0); }"]),
  ...fn("w2c_self", ["w2c_self(instance, w2c_p0 - 1);"]),
  ...fn("w2c_table", ["CALL_INDIRECT(instance->w2c_T0, u32 (*)(void*, u32), 1, w2c_p0, instance, 0);"]),
  ...fn("w2c_top", ["w2c_leaf(instance, 0);", "w2c_table(instance, 1);"]),
  "u32 Z_kernelZ_top(Z_kernel_instance_t* instance, u32 w2c_p0) {",
  "  return w2c_top(instance, w2c_p0);",
  "}",
  "static void init_globals(Z_kernel_instance_t* instance) {",
  "  instance->w2c_g0 = 0u;",
  "  instance->w2c_g1 = 4294967295u;",
  "  instance->w2c_g2 = 0ull;",
  "  instance->w2c_LIMIT = 16u;",
  "}",
  "static const u8 data_segment_data_w2c_d0[] = {",
  "  0x3c, ",
  "};",
  "",
  "static const u8 data_segment_data_w2c_d1[] = {",
  "  0x02, 0x00, ",
  "  0x20, ",
  "};",
  "static void init_memories(Z_kernel_instance_t* instance) {",
  "  wasm_rt_allocate_memory(&instance->w2c_memory, 1, 1);",
  "  LOAD_DATA(instance->w2c_memory, 1036u, data_segment_data_w2c_d0, 1);",
  "  LOAD_DATA(instance->w2c_memory, 1048u, data_segment_data_w2c_d1, 3);",
  "}",
  "static void init_data_instances(Z_kernel_instance_t *instance) {",
  "}",
].join("\n");

const bodyOf = (source: string, name: string) => source.slice(source.indexOf(`${name}(Z_kernel_instance_t* instance`), source.indexOf("\n}", source.indexOf(`${name}(Z_kernel_instance_t* instance`)));

describe("wasm2c's kernel.c rewritten for the firmware (kernel-c.ts)", () => {
  it("keeps the depth count only in functions on a call cycle or making an indirect call", () => {
    const rewritten = rewriteKernelC(SOURCE);
    expect(rewritten.functions).toBe(7);
    expect(rewritten.counted.sort()).toEqual(["w2c_a", "w2c_b", "w2c_self", "w2c_table"]);
    for (const name of ["w2c_a", "w2c_b", "w2c_self", "w2c_table"]) expect(bodyOf(rewritten.source, name)).toContain("FUNC_PROLOGUE;");
    for (const name of ["w2c_leaf", "w2c_top"]) expect(bodyOf(rewritten.source, name)).not.toMatch(/FUNC_(PRO|EPI)LOGUE/);
    // every return path of a counted function keeps its decrement
    expect(bodyOf(rewritten.source, "w2c_b").match(/FUNC_EPILOGUE;/g)).toHaveLength(2);
  });

  it("checks bounds against the fixed memory size and drops the register pins of loads", () => {
    const { source } = rewriteKernelC(SOURCE);
    expect(source).toContain("#include \"myco_profile.h\"");
    expect(source).toContain("(u64)(base) > MYCO_MEMORY_PAGES * 65536ull - sizeof(t) - (offset))) TRAP(OOB);");
    expect(source).not.toContain("RANGE_CHECK(mem, a, sizeof(t))");
    expect(source).not.toContain("wasm_asm(\"\" ::\"r\"(result))");
  });

  it("passes each load's and store's address as its 32-bit base and constant offset", () => {
    const { source } = rewriteKernelC(SOURCE);
    expect(source).toContain("w2c_i0 = i32_load(&instance->w2c_memory, w2c_p0, 4u);");
    expect(source).toContain("i32_store8(&instance->w2c_memory, w2c_i0, 0u, w2c_p0);");
    expect(source.match(/\(wasm_rt_memory_t\* mem, u32 base, u32 offset(, t2 value)?\) \{/g)).toHaveLength(4);
    expect(source.match(/MEMCHECK\(mem, base, offset, t1\); u64 addr = \(u64\)base \+ offset;/g)).toHaveLength(4);
    expect(source).not.toContain("(u64)(w2c_");
    // an address of another form is refused, not compiled with the 64-bit sum
    expect(() => rewriteKernelC(SOURCE.replace("(u64)(w2c_p0) + 4u", "(u64)(w2c_p0 + 1) + 4u"))).toThrow(/another form/);
  });

  it("loads the data segments in one loop over a table and zeroes the globals' run before the non-zero values", () => {
    const { source } = rewriteKernelC(SOURCE);
    expect(source).toContain("static const u8 myco_data_bytes[] = {\n  0x3c, 0x02, 0x00, 0x20,\n};");
    expect(source).toContain("static const struct { u16 offset; u16 size; } myco_data_segments[] = {\n  {1036u, 1u},\n  {1048u, 3u},\n};");
    expect(source).toContain("LOAD_DATA(instance->w2c_memory, (u32)myco_data_segments[k].offset, bytes, (u32)myco_data_segments[k].size);");
    expect(source).not.toContain("LOAD_DATA(instance->w2c_memory, 1036u");
    expect(source).not.toContain("data_segment_data_w2c_d");
    // a segment whose array holds another count of bytes is refused
    expect(() => rewriteKernelC(SOURCE.replace("data_segment_data_w2c_d1, 3);", "data_segment_data_w2c_d1, 4);"))).toThrow(/holds 3 bytes, not 4/);
    const globals = source.slice(source.indexOf("static void init_globals"), source.indexOf("}", source.indexOf("static void init_globals")));
    expect(globals).toContain("memset(&instance->w2c_g0, 0, (size_t)((char*)(&instance->w2c_LIMIT + 1) - (char*)&instance->w2c_g0));");
    expect(globals).toContain("instance->w2c_g1 = 4294967295u;");
    expect(globals).toContain("instance->w2c_LIMIT = 16u;");
    expect(globals).not.toMatch(/= 0u?l*;/);
    expect(() => rewriteKernelC(SOURCE.replace("instance->w2c_g2 = 0ull;", "instance->w2c_g2 = w2c_f(instance);"))).toThrow(/init_globals/);
  });

  it("fails on another wasm2c's output instead of compiling it unrewritten", () => {
    expect(() => rewriteKernelC(SOURCE.replace("RANGE_CHECK(mem, a, sizeof(t))", "CHECK(mem, a)"))).toThrow(/another wabt/);
    expect(() => rewriteKernelC(SOURCE.replaceAll("wasm_asm", "asm_pin"))).toThrow(/pinned loads/);
  });

  it("finds the functions on cycles of direct calls", () => {
    const calls = new Map([["a", new Set(["b"])], ["b", new Set(["c"])], ["c", new Set(["a", "d"])], ["d", new Set<string>()], ["e", new Set(["e"])], ["f", new Set(["d", "x"])]]);
    expect([...recursiveFunctions(calls)].sort()).toEqual(["a", "b", "c", "e"]);
  });
});

describe("the conformance program in its compact form (compact-program.ts)", () => {
  const exports = [
    { name: "unused", signature: "i>i", outUnit: 0, flags: 0 },
    { name: "eventsRead", signature: "i>i", outUnit: 32, flags: 1 },
    { name: "pick", signature: "iI>i", outUnit: 0, flags: 0 },
  ];
  const program = encodeProgram({
    seed: 300,
    exports,
    steps: [
      { kind: "io", bytes: Uint8Array.of(7, 8) },
      { kind: "clock", ms: 1000n },
      { kind: "call", index: 2, args: [-1n, 64n] },
      { kind: "wake", ms: -1n },
      { kind: "call", index: 1, args: [5n] },
      { kind: "call", index: 2, args: [3n, -65n] },
    ],
  });

  it("writes version 2: varint integers, only the called exports in first-call order", () => {
    const ascii = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
    expect(Array.from(compactProgram(program))).toEqual([
      ...ascii("MYCP").slice(1), 2, 0, // magic, version (fixed u16)
      4, 0xd8, 0x04, // 2 exports, seed 300 (zigzag 600)
      ...ascii("pick"), ...ascii("iI>i"), 0, 0,
      ...ascii("eventsRead"), ...ascii("i>i"), 32, 1,
      12, // 6 steps
      1, 4, 7, 8, // io, 2 bytes
      2, 0xd0, 0x0f, // clock 1000 (zigzag 2000)
      4, 0, 1, 0x80, 0x01, // pick(-1, 64), renumbered 0
      3, 1, // wake -1
      4, 2, 10, // eventsRead(5), renumbered 1
      4, 0, 6, 0x81, 0x01, // pick(3, -65)
    ]);
  });

  it("is much smaller than the program for the tiny profile's program", async () => {
    const { buildProgram, programOf } = await import("../../targets/conformance/build-program.ts");
    const bytes = buildProgram(programOf("tiny")).bytes;
    expect(compactProgram(bytes).length).toBeLessThan(bytes.length / 2);
  });
});
