// Every expression of a function body, for the build's passes over the tiny module (binaryen.js
// has no walker). An expression kind this does not know is an error, never skipped: asc emits
// the MVP kinds, bulk memory and sign extension only.
import binaryen from "binaryen";

type Ref = binaryen.ExpressionRef;

/** Calls `visit` on `expression` and then on each expression below it (none: an import's body, 0). */
export function walk(expression: Ref, visit: (expression: Ref, info: binaryen.ExpressionInfo) => void): void {
  if (expression === 0) return;
  const info = binaryen.getExpressionInfo(expression);
  visit(expression, info);
  for (const child of childrenOf(info)) walk(child, visit);
}

function childrenOf(info: binaryen.ExpressionInfo): Ref[] {
  // the kinds' fields as binaryen.js names them (getExpressionInfo)
  const e = info as unknown as Record<string, Ref> & { children: Ref[]; operands: Ref[] };
  switch (info.id) {
    case binaryen.BlockId: return e.children;
    case binaryen.IfId: return [e.condition, e.ifTrue, e.ifFalse];
    case binaryen.LoopId: return [e.body];
    case binaryen.BreakId: case binaryen.SwitchId: return [e.condition, e.value];
    case binaryen.CallId: return e.operands;
    case binaryen.CallIndirectId: return [e.target, ...e.operands];
    case binaryen.LocalSetId: case binaryen.GlobalSetId: case binaryen.DropId: case binaryen.ReturnId: case binaryen.UnaryId:
      return [e.value];
    case binaryen.LoadId: return [e.ptr];
    case binaryen.StoreId: return [e.ptr, e.value];
    case binaryen.BinaryId: return [e.left, e.right];
    case binaryen.SelectId: return [e.ifTrue, e.ifFalse, e.condition];
    case binaryen.MemoryGrowId: return [e.delta];
    case binaryen.MemoryFillId: return [e.dest, e.value, e.size];
    case binaryen.MemoryCopyId: return [e.dest, e.source, e.size];
    case binaryen.ConstId: case binaryen.LocalGetId: case binaryen.GlobalGetId: case binaryen.NopId:
    case binaryen.UnreachableId: case binaryen.MemorySizeId:
      return [];
    default: throw new Error(`binaryen-walk: expression kind ${info.id} is not known here`);
  }
}
