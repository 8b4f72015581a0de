// The tiny profile's class objects at addresses fixed by the build, like its tables
// (tiny-tables.ts). The start function still allocated a dozen objects (the name tables, the id
// pools, the window counters, the error detail), each with its arrays: every one cost its
// constructor, asc's allocator (`__new`, kept only for them) and a mutable global. Their
// constructors take constants and write nothing but what they allocate, so what they build is
// known at build time: here they run once in the module itself (instantiated, its start function
// run first, then each constructor from a fresh allocator offset), their zeroed arrays join the
// tables' layout, and the objects' fields, each array pointer moved to where its array now lies,
// become one data segment. Each object's global becomes its new address (a constant the
// optimizer writes into every use), and the constructor calls go from the start function.
//
// Nothing reads an object's allocator header (no free, no `instanceof`: tiny-data.ts), so only
// the arrays' length words are written (tiny-tables.ts), as for the tables.
import binaryen from "binaryen";
import { expressions } from "./binaryen-setters.ts";
import { memorySegments, replaceSegments } from "./tiny-data.ts";

/** A class constructor (asc's `Name#constructor`); the StaticArray tables are tiny-tables.ts's. */
const CONSTRUCTOR = /^(?!~lib\/staticarray\/).*#constructor$/;
const OFFSET_GLOBAL = "~lib/rt/stub/offset";
const EVALUATE = "tiny~evaluateObjects";
/** The stub allocator's block: mmInfo, then the object header (gcInfo, gcInfo2, rtId, rtSize). */
const BLOCK_TO_OBJECT = 20;
const RT_SIZE_BEFORE_OBJECT = 4;

/** An array an object points at: zero bytes to place with the tables. */
export interface ObjectArray { pointer: number; bytes: number }

/** What the constructors built: the objects' bytes (array pointers as evaluated) and their arrays. */
export interface FixedObjects {
  bytes: number;
  arrays: ObjectArray[];
  /** Writes the objects at `address`, each array at `arrayAddress` (by its evaluated pointer). */
  place(address: number, arrayAddress: Map<number, number>): void;
}

interface Statement { body: binaryen.ExpressionRef; index: number; global: string; target: string; operands: number[] }

/** Finds the start functions' class objects and builds them (see the file); null when there are none. */
export function takeObjects(module: binaryen.Module): FixedObjects | null {
  const statements = constructorStatements(module);
  if (statements.length === 0) return null;
  const { memory, pointers, start } = evaluate(module, statements);
  const objects = new Map<number, { bytes: Uint8Array; at: number }>();
  const arrays: ObjectArray[] = [];
  let bytes = 0;
  for (const { pointer, size } of blocksFrom(memory, start)) {
    const content = memory.slice(pointer, pointer + size);
    if (pointers.includes(pointer)) {
      objects.set(pointer, { bytes: content, at: bytes });
      bytes += (size + 3) & ~3;
    } else {
      if (content.some((byte) => byte !== 0)) throw new Error(`tiny-objects: an object's array at ${pointer} is not zeroed`);
      arrays.push({ pointer, bytes: size });
    }
  }
  return {
    bytes,
    arrays,
    place(address, arrayAddress) {
      const moved = (pointer: number) => objects.has(pointer) ? address + objects.get(pointer)!.at : arrayAddress.get(pointer);
      const data = new Uint8Array(bytes);
      for (const object of objects.values()) {
        const words = new DataView(object.bytes.buffer);
        for (let at = 0; at + 4 <= object.bytes.byteLength; at += 4) words.setInt32(at, moved(words.getInt32(at, true)) ?? words.getInt32(at, true), true);
        data.set(object.bytes, object.at);
      }
      statements.forEach(({ body, index, global }, s) => {
        module.removeGlobal(global);
        module.addGlobal(global, binaryen.i32, false, module.i32.const(moved(pointers[s])!));
        expressions.Block.setChildAt(body, index, module.nop());
      });
      addSegment(module, address, data);
    },
  };
}

/** The start functions' `global = new Class(constants)` statements, in the order they run. */
function constructorStatements(module: binaryen.Module): Statement[] {
  const statements: Statement[] = [];
  const entry = binaryen.getFunctionInfo(module.getFunction("start:assembly/index")).body;
  const visit = (body: binaryen.ExpressionRef) => {
    if (binaryen.getExpressionId(body) !== binaryen.BlockId) return;
    (binaryen.getExpressionInfo(body) as binaryen.BlockInfo).children.forEach((child, index) => {
      const info = binaryen.getExpressionInfo(child);
      if (info.id === binaryen.CallId && (info as binaryen.CallInfo).target.startsWith("start:")) {
        visit(binaryen.getFunctionInfo(module.getFunction((info as binaryen.CallInfo).target)).body);
        return;
      }
      if (info.id !== binaryen.GlobalSetId) return;
      const call = binaryen.getExpressionInfo((info as binaryen.GlobalSetInfo).value) as binaryen.CallInfo;
      if (call.id !== binaryen.CallId || !CONSTRUCTOR.test(call.target)) return;
      const operands = call.operands.map((operand) => binaryen.getExpressionInfo(operand) as binaryen.ConstInfo);
      if (operands.some((operand) => operand.id !== binaryen.ConstId || operand.type !== binaryen.i32)) return;
      statements.push({ body, index, global: (info as binaryen.GlobalSetInfo).name, target: call.target, operands: operands.map((o) => o.value as number) });
    });
  };
  visit(entry);
  return statements;
}

/**
 * Runs the module (its start function first), then the constructors from the allocator's offset
 * after start, in fresh memory; returns that memory, the objects' pointers and where their blocks
 * start. Throws if a constructor wrote anything but what it allocated.
 */
function evaluate(module: binaryen.Module, statements: Statement[]) {
  const i32 = binaryen.i32;
  module.addFunction(EVALUATE, binaryen.none, binaryen.none, [], module.block(null,
    statements.map(({ global, target, operands }) => module.global.set(global, module.call(target, operands.map((o) => module.i32.const(o)), i32)))));
  module.addFunctionExport(EVALUATE, EVALUATE);
  const globals = [OFFSET_GLOBAL, ...statements.map(({ global }) => global)];
  globals.forEach((global, g) => module.addGlobalExport(global, `${EVALUATE}.${g}`));
  const binary = module.emitBinary();
  globals.forEach((_, g) => module.removeExport(`${EVALUATE}.${g}`));
  module.removeExport(EVALUATE);
  module.removeFunction(EVALUATE);

  const compiled = new WebAssembly.Module(new Uint8Array(binary));
  const imports: Record<string, Record<string, () => never>> = {};
  for (const { module: from, name } of WebAssembly.Module.imports(compiled)) {
    (imports[from] ??= {})[name] = () => { throw new Error(`tiny-objects: the start function called ${from}.${name}`); };
  }
  const { exports } = new WebAssembly.Instance(compiled, imports);
  const memoryExport = WebAssembly.Module.exports(compiled).find(({ kind }) => kind === "memory")!;
  const memory = new Uint8Array((exports[memoryExport.name] as WebAssembly.Memory).buffer);
  const global = (g: number) => (exports[`${EVALUATE}.${g}`] as WebAssembly.Global).value as number;
  const start = global(0);
  const before = memory.slice();
  (exports[EVALUATE] as () => void)();
  const end = global(0);
  if (memory.some((byte, at) => (at < start || at >= end) && byte !== before[at])) {
    throw new Error("tiny-objects: a constructor wrote outside what it allocated");
  }
  return { memory, pointers: statements.map((_, s) => global(s + 1)), start };
}

/** The allocations from block `start` on (the stub allocator's blocks, as util/heap-top.ts walks them). */
function blocksFrom(memory: Uint8Array, start: number): { pointer: number; size: number }[] {
  const words = new DataView(memory.buffer);
  const blocks: { pointer: number; size: number }[] = [];
  for (let block = start; words.getUint32(block, true) !== 0; block += 4 + words.getUint32(block, true)) {
    const pointer = block + BLOCK_TO_OBJECT;
    blocks.push({ pointer, size: words.getUint32(pointer - RT_SIZE_BEFORE_OBJECT, true) });
  }
  return blocks;
}

/** Adds a data segment of `data` at `address` to the module's memory. */
function addSegment(module: binaryen.Module, address: number, data: Uint8Array): void {
  replaceSegments(module, [...memorySegments(module), { offset: address, data, passive: false }]);
}
