// binaryen.js's expression, function and table setters, which its typings (binaryen 116) leave out.
import binaryen from "binaryen";

type Ref = binaryen.ExpressionRef;

export const expressions = binaryen as unknown as {
  Block: { setChildAt(block: Ref, index: number, child: Ref): void };
  Const: { setValueI32(constant: Ref, value: number): void };
  Function: { setBody(func: binaryen.FunctionRef, body: Ref): void };
  CallIndirect: { setTarget(call: Ref, target: Ref): void };
};

/** The module's element segment calls the typings leave out. */
export function elementSegments(module: binaryen.Module) {
  return module as unknown as {
    removeElementSegment(name: string): void;
    addActiveElementSegment(table: string, name: string, functions: string[], offset: Ref): void;
  };
}
