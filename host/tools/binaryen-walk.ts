// Every expression of a function body, for the build's passes over the tiny module (binaryen.js
// has no walker). An expression kind this does not know is an error, never skipped: asc emits
// the MVP kinds, bulk memory and sign extension only.
import binaryen from "binaryen";
import { expressions as set } from "./binaryen-setters.ts";

type Ref = binaryen.ExpressionRef;

/** Calls `visit` on `expression` and then on each expression below it (none: an import's body, 0). */
export function walk(expression: Ref, visit: (expression: Ref, info: binaryen.ExpressionInfo) => void): void {
  if (expression === 0) return;
  const info = binaryen.getExpressionInfo(expression);
  visit(expression, info);
  for (const { child } of slotsOf(expression, info)) walk(child, visit);
}

/** Rewrites `expression` from its leaves up: each expression (its children rewritten already) is
 *  put in its parent's place as `replace` returns it (itself, or an expression that replaces it). */
export function rewrite(expression: Ref, replace: (expression: Ref, info: binaryen.ExpressionInfo) => Ref): Ref {
  if (expression === 0) return 0;
  for (const slot of slotsOf(expression, binaryen.getExpressionInfo(expression))) {
    const child = rewrite(slot.child, replace);
    if (child !== slot.child) slot.put(child);
  }
  return replace(expression, binaryen.getExpressionInfo(expression));
}

/** A child of an expression (0: an optional one left out) and how to put another in its place. */
interface Slot { child: Ref; put(replacement: Ref): void }

function slotsOf(e: Ref, info: binaryen.ExpressionInfo): Slot[] {
  // the kinds' fields as binaryen.js names them (getExpressionInfo)
  const i = info as unknown as Record<string, Ref> & { children: Ref[]; operands: Ref[] };
  const slot = (child: Ref, put: (e: Ref, replacement: Ref) => void): Slot => ({ child, put: (replacement) => put(e, replacement) });
  const list = (children: Ref[], put: (e: Ref, index: number, replacement: Ref) => void, first = 0) =>
    children.map((child, k) => slot(child, (e, replacement) => put(e, first + k, replacement)));
  switch (info.id) {
    case binaryen.BlockId: return list(i.children, set.Block.setChildAt);
    case binaryen.IfId: return [slot(i.condition, set.If.setCondition), slot(i.ifTrue, set.If.setIfTrue), slot(i.ifFalse, set.If.setIfFalse)];
    case binaryen.LoopId: return [slot(i.body, set.Loop.setBody)];
    case binaryen.BreakId: return [slot(i.condition, set.Break.setCondition), slot(i.value, set.Break.setValue)];
    case binaryen.SwitchId: return [slot(i.condition, set.Switch.setCondition), slot(i.value, set.Switch.setValue)];
    case binaryen.CallId: return list(i.operands, set.Call.setOperandAt);
    case binaryen.CallIndirectId: return [slot(i.target, set.CallIndirect.setTarget), ...list(i.operands, set.CallIndirect.setOperandAt)];
    case binaryen.LocalSetId: return [slot(i.value, set.LocalSet.setValue)];
    case binaryen.GlobalSetId: return [slot(i.value, set.GlobalSet.setValue)];
    case binaryen.DropId: return [slot(i.value, set.Drop.setValue)];
    case binaryen.ReturnId: return [slot(i.value, set.Return.setValue)];
    case binaryen.UnaryId: return [slot(i.value, set.Unary.setValue)];
    case binaryen.LoadId: return [slot(i.ptr, set.Load.setPtr)];
    case binaryen.StoreId: return [slot(i.ptr, set.Store.setPtr), slot(i.value, set.Store.setValue)];
    case binaryen.BinaryId: return [slot(i.left, set.Binary.setLeft), slot(i.right, set.Binary.setRight)];
    case binaryen.SelectId: return [slot(i.ifTrue, set.Select.setIfTrue), slot(i.ifFalse, set.Select.setIfFalse), slot(i.condition, set.Select.setCondition)];
    case binaryen.MemoryGrowId: return [slot(i.delta, set.MemoryGrow.setDelta)];
    case binaryen.MemoryFillId: return [slot(i.dest, set.MemoryFill.setDest), slot(i.value, set.MemoryFill.setValue), slot(i.size, set.MemoryFill.setSize)];
    case binaryen.MemoryCopyId: return [slot(i.dest, set.MemoryCopy.setDest), slot(i.source, set.MemoryCopy.setSource), slot(i.size, set.MemoryCopy.setSize)];
    case binaryen.ConstId: case binaryen.LocalGetId: case binaryen.GlobalGetId: case binaryen.NopId:
    case binaryen.UnreachableId: case binaryen.MemorySizeId:
      return [];
    default: throw new Error(`binaryen-walk: expression kind ${info.id} is not known here`);
  }
}
