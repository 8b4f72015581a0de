// Two rewrites of wasm2c's C of a kernel (wabt 1.0.32) that keep its semantics and cost less
// code on a Cortex-M (issue 16: the tiny profile's Cortex-M3 image), applied to every profile:
//
// - The call-depth count (wasm2c's stack-exhaustion trap without signal handlers: every function
//   increments a global on entry, compares it with the limit and decrements it before each
//   return) is kept only in the functions that can take part in unbounded recursion: those on a
//   cycle of direct calls and those that make an indirect call. Every recursion passes through
//   one of them, so the count still bounds the depth (by the limit times the longest acyclic
//   chain of direct calls between two counted frames), and an exhausted stack still traps.
//   gcc inlines small functions, so each count was copied into every call site: on the tiny
//   kernel this is about a fifth of its code.
// - The memory bounds check compares the address with the module's fixed memory size (a
//   constant: build.ts refuses a module whose memory can grow), not with the size field the
//   instance holds, which every access loaded; and a load whose value goes unused may be dropped
//   (wasm2c pins every loaded value in a register with an empty asm, which only matters when a
//   signal handler, not this explicit check, is what traps).
// - Every load and store takes the wasm address as its two u32 parts, the base (an i32 value) and
//   the instruction's constant offset, instead of their 64-bit sum: the check `base > size - width
//   - offset` (the constant part folds) traps exactly when `base + offset > size - width` does, and
//   a 32-bit core compares one register instead of adding and comparing a carried pair (about
//   4 instructions less per access on a Cortex-M3: 644 accesses in the tiny kernel).
// - Instantiation copies the data segments in one loop over a table of (offset, size) and their
//   bytes in one array, instead of one bounds-checked copy per segment written out, each from its
//   own array (124 in the tiny kernel; the table is u16 where every offset and size fits), and sets
//   the globals by zeroing their run of the instance at once, then storing the non-zero initial
//   values, instead of one store per global (init_globals assigns every global, in the order of
//   the instance's fields, so the run holds nothing else).
//
// Each rewrite finds the exact text it replaces or throws, so another wabt fails the build
// instead of quietly compiling the unrewritten code.

const DEPTH_LINES = new Set(["FUNC_PROLOGUE;", "FUNC_EPILOGUE;"]);
const DEFINITION = /^(?:static )?[\w ]+?\b(w2c_\w+|Z_kernel\w*)\(Z_kernel_instance_t\* instance[^)]*\) \{$/;
const CALL = /\b(w2c_\w+|Z_kernel\w*)\(/g;

const MEMCHECK = "#define MEMCHECK(mem, a, t) RANGE_CHECK(mem, a, sizeof(t))";
const PINNED_LOAD = /\n {4}wasm_asm\("" ::"r"\(result\)\); +\\/g;
const FIXED_MEMCHECK = [
  "#include \"myco_profile.h\" /* MYCO_MEMORY_PAGES: the module's memory never grows */",
  "#define MEMCHECK(mem, base, offset, t) \\",
  "  if (UNLIKELY((u64)(offset) > MYCO_MEMORY_PAGES * 65536ull - sizeof(t) || \\",
  "               (u64)(base) > MYCO_MEMORY_PAGES * 65536ull - sizeof(t) - (offset))) TRAP(OOB);",
].join("\n");
/** The accessors' heads (big- and little-endian variants of wabt's DEFINE_LOAD/DEFINE_STORE), and what takes their place. */
const ACCESSOR_HEADS: [RegExp, string, number][] = [
  [/\(wasm_rt_memory_t\* mem, u64 addr\) \{/g, "(wasm_rt_memory_t* mem, u32 base, u32 offset) {", 2],
  [/\(wasm_rt_memory_t\* mem, u64 addr, t2 value\) \{/g, "(wasm_rt_memory_t* mem, u32 base, u32 offset, t2 value) {", 2],
  [/MEMCHECK\(mem, addr, t1\);/g, "MEMCHECK(mem, base, offset, t1); u64 addr = (u64)base + offset;", 4],
];
/** A load or store of wasm2c: the memory, then `(u64)(<i32 local>)`, then ` + <offset>u` unless it is 0. */
const ACCESS = /\b((?:i32|i64|f32|f64)_(?:load|store)\w*)\(&instance->w2c_memory, /g;
const ACCESS_ADDRESS = /\b((?:i32|i64|f32|f64)_(?:load|store)\w*\(&instance->w2c_memory, )\(u64\)\((w2c_\w+)\)(?: \+ (\d+)u?)?(?=[,)])/g;

const SEGMENT_LOAD = /^ {2}LOAD_DATA\(instance->w2c_memory, (\d+)u, (data_segment_data_w2c_d\d+), (\d+)\);$/;
const GLOBAL_INIT = /^ {2}instance->(w2c_\w+) = (\d+)(u|ull)?;$/;

/** The lines of the function `head` up to its closing brace (exclusive); throws when it is missing. */
function bodyRange(lines: string[], head: string): [number, number] {
  const start = lines.indexOf(head);
  if (start < 0) throw new Error(`wasm2c output: no "${head}"`);
  const end = lines.indexOf("}", start);
  return [start + 1, end];
}

/** The bytes of a data segment's array (`static const u8 <name>[] = {` ... `};`), which it removes from `lines`. */
function takeSegmentBytes(lines: string[], name: string): string[] {
  const start = lines.indexOf(`static const u8 ${name}[] = {`);
  const end = lines.indexOf("};", start);
  if (start < 0 || end < 0) throw new Error(`wasm2c output: no array ${name}`);
  const bytes = lines.slice(start + 1, end).join(" ").split(",").map((b) => b.trim()).filter((b) => b !== "");
  if (!bytes.every((b) => /^0x[0-9a-f]{2}$/.test(b))) throw new Error(`wasm2c output: ${name} is not a list of bytes`);
  lines.splice(start, end + 1 - start);
  return bytes;
}

/** init_memories: the data segments from a table in one loop (the fifth rewrite above). */
function loopSegments(source: string[]): string[] {
  const lines = [...source];
  const head = "static void init_memories(Z_kernel_instance_t* instance) {";
  const [from, to] = bodyRange(lines, head);
  const body = lines.slice(from, to);
  const segments = body.map((l) => SEGMENT_LOAD.exec(l)).filter((m) => m !== null);
  const others = body.filter((l) => !SEGMENT_LOAD.test(l));
  if (others.length !== 1 || !others[0].startsWith("  wasm_rt_allocate_memory(")) throw new Error("wasm2c output: init_memories is not an allocation and data loads");
  if (segments.length === 0) return lines;
  lines.splice(from - 1, to + 1 - (from - 1)); // init_memories, written again below
  const bytes: string[] = [];
  for (const m of segments) {
    const own = takeSegmentBytes(lines, m[2]);
    if (own.length !== Number(m[3])) throw new Error(`wasm2c output: ${m[2]} holds ${own.length} bytes, not ${m[3]}`);
    bytes.push(...own);
  }
  const word = segments.every((m) => Number(m[1]) + Number(m[3]) < 0x10000) ? "u16" : "u32";
  const rewritten = [
    `static const u8 myco_data_bytes[] = {`,
    ...Array.from({ length: Math.ceil(bytes.length / 16) }, (_, k) => `  ${bytes.slice(16 * k, 16 * k + 16).join(", ")},`),
    "};",
    `static const struct { ${word} offset; ${word} size; } myco_data_segments[] = {`,
    ...segments.map((m) => `  {${m[1]}u, ${m[3]}u},`),
    "};",
    head,
    others[0],
    "  const u8* bytes = myco_data_bytes;",
    "  for (u32 k = 0; k < sizeof myco_data_segments / sizeof myco_data_segments[0]; k++) {",
    "    LOAD_DATA(instance->w2c_memory, (u32)myco_data_segments[k].offset, bytes, (u32)myco_data_segments[k].size);",
    "    bytes += myco_data_segments[k].size;",
    "  }",
    "}",
  ];
  const at = lines.findIndex((l) => l.startsWith("static void init_data_instances("));
  if (at < 0) throw new Error("wasm2c output: no init_data_instances");
  lines.splice(at, 0, ...rewritten);
  return lines;
}

/** init_globals: their run zeroed at once, then the non-zero values (the sixth rewrite above). */
function zeroGlobals(lines: string[]): string[] {
  const head = "static void init_globals(Z_kernel_instance_t* instance) {";
  const [from, to] = bodyRange(lines, head);
  const inits = lines.slice(from, to).map((l) => GLOBAL_INIT.exec(l));
  if (inits.length === 0 || inits.some((m) => m === null)) throw new Error("wasm2c output: init_globals is not one constant store per global");
  const stores = inits as RegExpExecArray[];
  const first = stores[0][1], last = stores[stores.length - 1][1];
  const run = [
    `  memset(&instance->${first}, 0, (size_t)((char*)(&instance->${last} + 1) - (char*)&instance->${first}));`,
    ...stores.filter((m) => m[2] !== "0").map((m) => m[0]),
  ];
  return [...lines.slice(0, from), ...run, ...lines.slice(to)];
}

/** wasm2c's loads and stores with the address as base and offset (the fourth rewrite above). */
function splitAddresses(source: string): string {
  let out = source;
  for (const [head, replacement, count] of ACCESSOR_HEADS) {
    const found = (out.match(head) ?? []).length;
    if (found !== count) throw new Error(`wasm2c output: ${found} of the ${count} accessor texts ${head} of wabt 1.0.32`);
    out = out.replace(head, replacement);
  }
  const accesses = (out.match(ACCESS) ?? []).length;
  let split = 0;
  out = out.replace(ACCESS_ADDRESS, (_, call: string, base: string, offset?: string) => {
    split++;
    return `${call}${base}, ${offset ?? "0"}u`;
  });
  if (split !== accesses) throw new Error(`wasm2c output: ${accesses - split} of ${accesses} loads and stores have an address of another form`);
  return out;
}

interface FunctionSpan { start: number; end: number; calls: Set<string>; indirect: boolean }

function functionsOf(lines: string[]): Map<string, FunctionSpan> {
  const spans = new Map<string, FunctionSpan>();
  for (let i = 0; i < lines.length; i++) {
    const match = DEFINITION.exec(lines[i]);
    if (!match) continue;
    let end = i + 1;
    while (end < lines.length && lines[end] !== "}") end++;
    if (end === lines.length) throw new Error(`wasm2c output: ${match[1]} has no closing brace`);
    const body = lines.slice(i + 1, end).join("\n");
    spans.set(match[1], { start: i, end, calls: new Set([...body.matchAll(CALL)].map((m) => m[1])), indirect: body.includes("CALL_INDIRECT(") });
    i = end;
  }
  return spans;
}

/** The functions on a cycle of direct calls (Tarjan's strongly connected components, iterative). */
export function recursiveFunctions(calls: Map<string, Set<string>>): Set<string> {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cyclic = new Set<string>();
  let next = 0;
  for (const root of calls.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edges: string[]; at: number }[] = [];
    const open = (node: string) => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: [...(calls.get(node) ?? [])].filter((c) => calls.has(c)), at: 0 });
    };
    open(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (frame.at < frame.edges.length) {
        const to = frame.edges[frame.at++];
        if (!index.has(to)) open(to);
        else if (onStack.has(to)) low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1 || calls.get(frame.node)!.has(frame.node)) for (const c of component) cyclic.add(c);
    }
  }
  return cyclic;
}

export interface KernelRewrite { source: string; functions: number; counted: string[] }

/** wasm2c's kernel.c with the depth count only where recursion can pass and the fixed-size bounds check. */
export function rewriteKernelC(source: string): KernelRewrite {
  if (!source.includes(MEMCHECK)) throw new Error(`wasm2c output: no "${MEMCHECK}" to replace (another wabt than 1.0.32?)`);
  if ((source.match(PINNED_LOAD) ?? []).length !== 2) throw new Error("wasm2c output: not the two pinned loads of wabt 1.0.32");
  const lines = zeroGlobals(loopSegments(splitAddresses(source.replace(MEMCHECK, FIXED_MEMCHECK).replace(PINNED_LOAD, "")).split("\n")));
  const spans = functionsOf(lines);
  if (spans.size === 0) throw new Error("wasm2c output: no kernel function found");
  const recursive = recursiveFunctions(new Map([...spans].map(([name, span]) => [name, span.calls])));
  const counted: string[] = [];
  for (const [name, span] of spans) {
    if (recursive.has(name) || span.indirect) {
      counted.push(name);
      continue;
    }
    for (let k = span.start + 1; k < span.end; k++) if (DEPTH_LINES.has(lines[k].trim())) lines[k] = "";
  }
  return { source: lines.join("\n"), functions: spans.size, counted };
}
