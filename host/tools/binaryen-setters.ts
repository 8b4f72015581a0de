// binaryen.js's expression and function setters, which its typings (binaryen 116) leave out.
import binaryen from "binaryen";

type Ref = binaryen.ExpressionRef;

export const expressions = binaryen as unknown as {
  Block: { setChildAt(block: Ref, index: number, child: Ref): void };
  Const: { setValueI32(constant: Ref, value: number): void };
  Function: { setBody(func: binaryen.FunctionRef, body: Ref): void };
  CallIndirect: { setTarget(call: Ref, target: Ref): void };
};
