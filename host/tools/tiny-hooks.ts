// The tiny profile's hooks (assembly/hooks.ts) as constants, called directly. wiring.ts sets each
// hook once, in the start function, to a static function object; asc keeps each as a mutable
// global, set there, tested for null at every call and called through the table. Here each hook
// the start function sets to a constant becomes that constant, so its global, its set and the
// null tests go (158 bytes), and its calls become direct calls and the hook functions called from
// one place are inlined there (callHooksDirectly, 283 bytes with the optimizer run after it).
// Sound because nothing the start function runs before wire() calls a hook (the resets at init
// register no service and move no state: the memory after start is byte for byte the same); a
// second set anywhere makes the module invalid, and the build fails.
import binaryen from "binaryen";
import { expressions, elementSegments } from "./binaryen-setters.ts";
import { walk } from "./binaryen-walk.ts";
import { memorySegments } from "./tiny-data.ts";

const HOOKS = "assembly/hooks/";

/** Makes the hooks the start functions wire to constants constant (see the file); returns their
 *  function objects for callHooksDirectly. */
export function fixHooks(module: binaryen.Module): Set<number> {
  const wired = new Set<number>();
  for (let f = 0; f < module.getNumFunctions(); f++) {
    const { name, body } = binaryen.getFunctionInfo(module.getFunctionByIndex(f));
    if (!name.startsWith("start:") || binaryen.getExpressionId(body) !== binaryen.BlockId) continue;
    const { children } = binaryen.getExpressionInfo(body) as binaryen.BlockInfo;
    children.forEach((child, index) => {
      const set = binaryen.getExpressionInfo(child) as binaryen.GlobalSetInfo;
      if (set.id !== binaryen.GlobalSetId || !set.name.startsWith(HOOKS)) return;
      const value = binaryen.getExpressionInfo(set.value) as binaryen.ConstInfo;
      if (value.id !== binaryen.ConstId) return;
      const global = binaryen.getGlobalInfo(module.getGlobal(set.name));
      if (global.type !== binaryen.i32) return;
      module.removeGlobal(set.name);
      module.addGlobal(set.name, binaryen.i32, false, module.i32.const(value.value as number));
      expressions.Block.setChildAt(body, index, module.nop());
      wired.add(value.value as number);
    });
  }
  return wired;
}

/**
 * Once the optimizer has written the constants into the calls, a hook's call loads its table
 * index from the static function object (`call_indirect (i32.load (i32.const object))`); nothing
 * writes that object, so the index is a constant, and the next optimizer run makes the call
 * direct (and inlines a hook called from one place). The function object then goes with the
 * data nothing reads (tiny-data.ts).
 */
export function callHooksDirectly(module: binaryen.Module, objects: Set<number>): void {
  const indexOf = new Map([...objects].map((object) => [object, staticWord(module, object)]));
  for (let f = 0; f < module.getNumFunctions(); f++) {
    walk(binaryen.getFunctionInfo(module.getFunctionByIndex(f)).body, (expression, info) => {
      if (info.id !== binaryen.CallIndirectId) return;
      const load = binaryen.getExpressionInfo((info as binaryen.CallIndirectInfo).target) as binaryen.LoadInfo;
      if (load.id !== binaryen.LoadId || load.bytes !== 4) return;
      const object = binaryen.getExpressionInfo(load.ptr) as binaryen.ConstInfo;
      const index = object.id === binaryen.ConstId ? indexOf.get((object.value as number) + load.offset) : undefined;
      if (index !== undefined) expressions.CallIndirect.setTarget(expression, module.i32.const(index));
    });
  }
  module.runPasses(["directize"]); // the calls with a constant index become direct calls, so ...
  retireTableEntries(module, new Set([...indexOf].filter(([object]) => !addressed(module, object)).map(([, index]) => index)));
}

/** Whether the code or a global still names `address` (a function object a call may yet load):
 *  as a constant, or as a load or store offset (the optimizer folds a constant address into it). */
function addressed(module: binaryen.Module, address: number): boolean {
  let found = false;
  const named = (expression: binaryen.ExpressionRef) => walk(expression, (_, info) => {
    if (info.id === binaryen.ConstId && (info as binaryen.ConstInfo).value === address) found = true;
    if ((info.id === binaryen.LoadId || info.id === binaryen.StoreId) && (info as binaryen.LoadInfo).offset === address) found = true;
  });
  for (let f = 0; f < module.getNumFunctions(); f++) named(binaryen.getFunctionInfo(module.getFunctionByIndex(f)).body);
  for (let g = 0; g < module.getNumGlobals(); g++) named(binaryen.getGlobalInfo(module.getGlobalByIndex(g)).init);
  return found;
}

/**
 * ... the table entries no call can reach any more (their function objects are named nowhere) point
 * at a function the table keeps anyway instead of the hook's, so a hook called from one place is
 * inlined there and its function goes. The table keeps its size: the other entries keep their
 * indices, which static function objects hold.
 */
function retireTableEntries(module: binaryen.Module, unreachable: Set<number>): void {
  if (module.getNumElementSegments() !== 1 || unreachable.size === 0) return;
  const segment = binaryen.getElementSegmentInfo(module.getElementSegmentByIndex(0));
  const offset = (binaryen.getExpressionInfo(segment.offset as unknown as binaryen.ExpressionRef) as binaryen.ConstInfo).value as number;
  const kept = segment.data.find((_, k) => !unreachable.has(offset + k));
  if (kept === undefined) return;
  const functions = segment.data.map((name, k) => unreachable.has(offset + k) ? kept : name);
  elementSegments(module).removeElementSegment(segment.name);
  elementSegments(module).addActiveElementSegment(segment.table, segment.name, functions, module.i32.const(offset));
}

/** The i32 the data segments put at `address` (a function object's table index; the segments
 *  leave out trailing zeros, which the memory starts with). */
function staticWord(module: binaryen.Module, address: number): number {
  for (const { offset: start, data: bytes } of memorySegments(module)) {
    if (address < start || address >= start + bytes.byteLength) continue;
    let word = 0;
    for (let k = 3; k >= 0; k--) word = (word << 8) | (bytes[address - start + k] ?? 0);
    return word;
  }
  throw new Error(`tiny-hooks: no static data at ${address}`);
}
