// The call graph of a compiled kernel module, for the allocation proof (allocation.test.ts).
// The module must carry a name section (asc --debug): binaryen (shipped with assemblyscript)
// reads it and prints the module as text with the names, which this file reads.
//
//   edges      `call` / `return_call` to a named function; `call_indirect` may reach every
//              function in the table (the hook tables are function references set at init), and
//              `ref.func` makes its target reachable
//   allocates  a function that moves the stub allocator's bump pointer (`global.set` of
//              `~lib/rt/stub/offset`: __alloc, __realloc, __free, __reset, or any of them inlined
//              into a caller) or grows the memory (`memory.grow`)
import binaryen from "binaryen";

export interface CallGraph {
  /** Callees of each defined function (imports are leaves and not listed). */
  calls: Map<string, Set<string>>;
  /** Export name -> function. */
  exports: Map<string, string>;
  start: string | null;
  /** Functions that allocate by themselves (see the file's header). */
  allocators: Set<string>;
}

const BUMP_POINTER = "~lib/rt/stub/offset";
const TOP_LEVEL = /^ \((func|import|export|start|elem|table|global|memory|data|type) /;

/** The longest prefix of `token` (trailing parentheses removed one by one) that names a function. */
function functionName(token: string, known: Set<string>): string | null {
  for (let name = token; name.length > 0; name = name.slice(0, -1)) {
    if (known.has(name)) return name;
    if (!name.endsWith(")")) return null;
  }
  return null;
}

export function callGraph(wasm: Uint8Array<ArrayBuffer>): CallGraph {
  if (!WebAssembly.Module.customSections(new WebAssembly.Module(wasm), "name").length) {
    throw new Error("the module has no name section: compile it with asc --debug");
  }
  const module = binaryen.readBinary(wasm);
  const text = module.emitText();
  module.dispose();
  const lines = text.split("\n");

  const bodies = new Map<string, string[]>();
  const known = new Set<string>();
  const exports = new Map<string, string>();
  const tableLines: string[] = [];
  let start: string | null = null;
  let current: string[] | null = null;
  for (const line of lines) {
    const top = TOP_LEVEL.exec(line);
    if (!top) { current?.push(line); continue; }
    current = null;
    const head = /^ \((?:func|import "[^"]*" "[^"]*" \(func) \$(\S+?)(?: \(|\)*$)/.exec(line);
    if (top[1] === "func" && head) { current = [line]; bodies.set(head[1], current); known.add(head[1]); }
    else if (top[1] === "import" && head) known.add(head[1]);
    else if (top[1] === "export") {
      const m = /^ \(export "([^"]+)" \(func \$(.+)\)\)$/.exec(line);
      if (m) exports.set(m[1], m[2]);
    } else if (top[1] === "start") start = /^ \(start \$(.+)\)$/.exec(line)?.[1] ?? null;
    else if (top[1] === "elem") { current = tableLines; tableLines.push(line); }
  }

  const table = new Set<string>();
  for (const line of tableLines) {
    for (const token of line.match(/\$\S+/g) ?? []) {
      const name = functionName(token.slice(1), known);
      if (name) table.add(name);
    }
  }

  const calls = new Map<string, Set<string>>();
  const allocators = new Set<string>();
  for (const [name, body] of bodies) {
    const callees = new Set<string>();
    for (const line of body.slice(1)) {
      for (const m of line.matchAll(/\((?:call|return_call|ref\.func) \$(\S+)/g)) {
        const callee = functionName(m[1], known);
        if (!callee) throw new Error(`${name}: call to an unknown function '${m[1]}'`);
        callees.add(callee);
      }
      if (/\((?:return_)?call_indirect\b/.test(line)) for (const member of table) callees.add(member);
      if (line.includes(`(global.set $${BUMP_POINTER}`) || /\(memory\.grow\b/.test(line)) allocators.add(name);
    }
    calls.set(name, callees);
  }
  if (start && !known.has(start)) throw new Error(`start function '${start}' is not defined`);
  return { calls, exports, start, allocators };
}

/** The shortest call path from `from` to a function that allocates, or null when there is none. */
export function pathToAllocation(graph: CallGraph, from: string): string[] | null {
  const previous = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i];
    if (graph.allocators.has(at)) {
      const path: string[] = [];
      for (let step: string | null = at; step !== null; step = previous.get(step) ?? null) path.unshift(step);
      return path;
    }
    for (const callee of graph.calls.get(at) ?? []) {
      if (!previous.has(callee)) { previous.set(callee, at); queue.push(callee); }
    }
  }
  return null;
}

/** Every exported function that can reach an allocation, with the path that does. */
export function allocatingExports(graph: CallGraph): { name: string; path: string[] }[] {
  const found: { name: string; path: string[] }[] = [];
  for (const [name, fn] of graph.exports) {
    const path = pathToAllocation(graph, fn);
    if (path) found.push({ name, path });
  }
  return found;
}
