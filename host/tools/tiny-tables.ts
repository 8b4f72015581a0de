// The tiny profile's tables at addresses fixed by the build. asc reserves each table at init:
// the start function calls `new StaticArray<T>(n)` and stores the pointer in a mutable global,
// so every table costs a global (5 bytes), its allocation in the start function (~5 bytes) and
// a `global.get` at every use. In tiny the capacities are constants, so where the bump allocator
// would put each table is known at build time: here each table gets its address, its global
// becomes that constant (the optimizer then writes it into every use and drops the global), and
// the start function only writes the tables' length words. The tiny module is ~1 KB smaller.
// The arrays of the class objects the start function allocates join them (tiny-objects.ts).
//
// The tables share one allocator block: the I/O buffer first, then the class objects' area (its
// objects' addresses are the most named constants: 79 of them), then the tables smallest first
// (the smallest are the most used, and an address below 8 KiB is a 2-byte constant, an offset
// below 16 KiB a 2-byte one), of equal sizes the most read first (the runs of equal sizes the
// length words are written by stay whole). The objects' area there saves 78 bytes, the reads 14:
//
//   startOffset                                                            the new `offset`
//   | mmInfo = S | len | table 0 | len | table 1 | ... | len | table k | 0 ...| mmInfo ...
//                ^ the block's payload (S bytes), 16-byte aligned   each table 8-byte aligned
//
// What reads a table's header: `.length` reads the length word before it (fillAll), and the
// high-water walk (util/heap-top.ts) reads each block's mmInfo, so both are written; nothing in
// the stub runtime reads the others (no GC, nothing freed), so they are not.
import binaryen from "binaryen";
import { expressions } from "./binaryen-setters.ts";
import { walk } from "./binaryen-walk.ts";
import { takeObjects } from "./tiny-objects.ts";

/** asc's `StaticArray<T>` constructor, called with a constant length at the top of a start function. */
const CONSTRUCTOR = /^~lib\/staticarray\/StaticArray<(\w+)>#constructor$/;
const ELEMENT_BYTES: Record<string, number> = {
  bool: 1, u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, usize: 4, isize: 4, u64: 8, i64: 8, f64: 8,
};
/** The stub allocator's bump pointer: the start function sets it first, to its first block's header. */
const OFFSET_GLOBAL = "~lib/rt/stub/offset";
const ALLOCATE = "~lib/rt/stub/__new";
const ENTRY_START = "start:assembly/index";
/** The I/O buffer comes first, as asc allocates it: a host's fault injection corrupts the tables
 *  past it (targets/conformance/faults.ts). */
const IO_BUFFER = "assembly/io/buffer";
const HEADERS_FUNCTION = "tiny~tableHeaders";
const BLOCK_OVERHEAD = 4;
const TABLE_ALIGN = 8;

/** A table to place: its name, its global (an object's array and the objects' area have none),
 *  its bytes, and whether its length word is written (an array's; the objects' area is not one). */
interface Table { name: string; global?: string; bytes: number; header: boolean; address?: number }

/** Gives the tables of the start functions, and their class objects' (tiny-objects.ts), fixed
 *  addresses (see the file); drops the ones nothing reads. Returns where the heap starts (its
 *  first block's header: below it lies the static data). */
export function fixTables(module: binaryen.Module): number {
  const objects = takeObjects(module); // (run first: it runs the start function as asc wrote it)
  const tables: Table[] = [];
  for (let f = 0; f < module.getNumFunctions(); f++) {
    const { name, body } = binaryen.getFunctionInfo(module.getFunctionByIndex(f));
    if (name.startsWith("start:") && binaryen.getExpressionId(body) === binaryen.BlockId) takeTables(module, body, tables);
  }
  for (const { pointer, bytes } of objects?.arrays ?? []) tables.push({ name: `object array ${pointer}`, bytes, header: true });
  const objectArea: Table = { name: "objects", bytes: objects?.bytes ?? 0, header: false };
  if (objects !== null) tables.push(objectArea);
  const offsetInit = offsetInitOf(module);
  const blockStart = (binaryen.getExpressionInfo(offsetInit) as binaryen.ConstInfo).value as number;
  const payload = blockStart + BLOCK_OVERHEAD;
  const reads = globalReads(module);
  const rank = (table: Table) => table.name === IO_BUFFER ? 0 : table === objectArea ? 1 : 2;
  tables.sort((a, b) => rank(a) - rank(b) || a.bytes - b.bytes || (reads.get(b.global!) ?? 0) - (reads.get(a.global!) ?? 0) || (a.name < b.name ? -1 : 1));
  let cursor = payload;
  for (const table of tables) {
    table.address = alignUp(cursor + 4, TABLE_ALIGN);
    cursor = table.address + table.bytes;
    if (table.global === undefined) continue;
    const global = binaryen.getGlobalInfo(module.getGlobal(table.global));
    if (!global.mutable || global.type !== binaryen.i32) throw new Error(`tiny-tables: ${table.global} is not a mutable i32`);
    module.removeGlobal(table.global);
    module.addGlobal(table.global, binaryen.i32, false, module.i32.const(table.address));
  }
  objects?.place(objectArea.address!, new Map(objects.arrays.map(({ pointer }) => [pointer, tables.find((t) => t.name === `object array ${pointer}`)!.address!])));
  // the next block's payload 16-byte aligned, as the allocator keeps it
  const nextBlock = alignUp(cursor + BLOCK_OVERHEAD, 16) - BLOCK_OVERHEAD;
  expressions.Const.setValueI32(offsetInit, nextBlock);
  prependHeaderWrites(module, blockStart, nextBlock - payload, tables);
  return blockStart;
}

/** How many times each global is read in the module's functions. */
function globalReads(module: binaryen.Module): Map<string, number> {
  const reads = new Map<string, number>();
  for (let f = 0; f < module.getNumFunctions(); f++) {
    walk(binaryen.getFunctionInfo(module.getFunctionByIndex(f)).body, (_, info) => {
      if (info.id !== binaryen.GlobalGetId) return;
      const { name } = info as binaryen.GlobalGetInfo;
      reads.set(name, (reads.get(name) ?? 0) + 1);
    });
  }
  return reads;
}

/** Moves the start function's table allocations out: a kept table into `tables`, an unread one (dropped) away. */
function takeTables(module: binaryen.Module, body: binaryen.ExpressionRef, tables: Table[]): void {
  const { children } = binaryen.getExpressionInfo(body) as binaryen.BlockInfo;
  children.forEach((child, index) => {
    const info = binaryen.getExpressionInfo(child);
    if (isUnreadInlinedTable(info)) { expressions.Block.setChildAt(body, index, module.nop()); return; }
    const kept = info.id === binaryen.GlobalSetId;
    if (!kept && info.id !== binaryen.DropId) return;
    const value = kept ? (info as binaryen.GlobalSetInfo).value : (info as binaryen.DropInfo).value;
    const call = binaryen.getExpressionInfo(value) as binaryen.CallInfo;
    const element = call.id === binaryen.CallId ? CONSTRUCTOR.exec(call.target)?.[1] : undefined;
    if (element === undefined || call.operands.length !== 1) return;
    const length = binaryen.getExpressionInfo(call.operands[0]);
    if (length.id !== binaryen.ConstId) return;
    if (kept) {
      const bytes = ELEMENT_BYTES[element];
      if (bytes === undefined) throw new Error(`tiny-tables: no element size for StaticArray<${element}>`);
      const global = (info as binaryen.GlobalSetInfo).name;
      tables.push({ name: global, global, bytes: (length as binaryen.ConstInfo).value as number * bytes, header: true });
    }
    expressions.Block.setChildAt(body, index, module.nop());
  });
}

/** An unread table whose constructor asc inlined (a type constructed once): the allocation and
 *  its zeroing, `memory.fill(__new(bytes, id), 0, bytes)`, all constants. */
function isUnreadInlinedTable(info: binaryen.ExpressionInfo): boolean {
  if (info.id !== binaryen.MemoryFillId) return false;
  const { dest, value, size } = info as binaryen.MemoryFillInfo;
  const allocation = binaryen.getExpressionInfo(dest) as binaryen.CallInfo;
  const constant = (expression: binaryen.ExpressionRef) => binaryen.getExpressionId(expression) === binaryen.ConstId;
  return allocation.id === binaryen.CallId && allocation.target === ALLOCATE && allocation.operands.every(constant) && constant(value) && constant(size);
}

/** The constant the entry start function sets the allocator's offset to (its first block's header). */
function offsetInitOf(module: binaryen.Module): binaryen.ExpressionRef {
  const { body } = binaryen.getFunctionInfo(module.getFunction(ENTRY_START));
  const { children } = binaryen.getExpressionInfo(body) as binaryen.BlockInfo;
  for (const child of children) {
    const set = binaryen.getExpressionInfo(child) as binaryen.GlobalSetInfo;
    if (set.id !== binaryen.GlobalSetId || set.name !== OFFSET_GLOBAL) continue;
    if (binaryen.getExpressionId(set.value) === binaryen.ConstId) return set.value;
  }
  throw new Error(`tiny-tables: ${ENTRY_START} does not set ${OFFSET_GLOBAL} to a constant`);
}

/**
 * First thing in the start function: the block's mmInfo, then each table's length word, written
 * by one helper per run of equal sizes: headers(address, bytes, count) writes `count` tables'
 * words from `address` and returns the address after them (the tables are laid out that way).
 */
function prependHeaderWrites(module: binaryen.Module, blockStart: number, payloadBytes: number, tables: Table[]): void {
  const i32 = binaryen.i32;
  const [address, bytes, count] = [0, 1, 2].map((index) => () => module.local.get(index, i32));
  module.addFunction(HEADERS_FUNCTION, binaryen.createType([i32, i32, i32]), i32, [], module.block(null, [
    module.loop("table", module.block(null, [
      module.i32.store(0, 4, module.i32.sub(address(), module.i32.const(4)), bytes()),
      module.local.set(0, module.i32.and(module.i32.add(address(), module.i32.add(bytes(), module.i32.const(4 + TABLE_ALIGN - 1))), module.i32.const(-TABLE_ALIGN))),
      module.br("table", module.local.tee(2, module.i32.sub(count(), module.i32.const(1)), i32)),
    ])),
    address(),
  ], i32));
  const writes = [module.i32.store(0, 4, module.i32.const(blockStart), module.i32.const(payloadBytes))];
  let next: binaryen.ExpressionRef | null = null; // the address the last run returned: the next run's
  for (let t = 0; t < tables.length;) {
    if (!tables[t].header) { // (the objects' area) the next run starts from its own address
      if (next !== null) writes.push(module.drop(next));
      next = null;
      t++;
      continue;
    }
    let run = 1;
    while (t + run < tables.length && tables[t + run].header && tables[t + run].bytes === tables[t].bytes) run++;
    next = module.call(HEADERS_FUNCTION, [next ?? module.i32.const(tables[t].address!), module.i32.const(tables[t].bytes), module.i32.const(run)], i32);
    t += run;
  }
  if (next !== null) writes.push(module.drop(next));
  const start = module.getFunction(ENTRY_START);
  const { body } = binaryen.getFunctionInfo(start);
  expressions.Function.setBody(start, module.block(null, [...writes, body]));
}

function alignUp(value: number, align: number): number { return (value + align - 1) & -align; }
