// binaryen.js's expression, function and table setters, which its typings (binaryen 116) leave out.
import binaryen from "binaryen";

type Ref = binaryen.ExpressionRef;
type Put = (expression: Ref, child: Ref) => void;
type PutAt = (expression: Ref, index: number, child: Ref) => void;

export const expressions = binaryen as unknown as {
  Block: { setChildAt: PutAt };
  If: { setCondition: Put; setIfTrue: Put; setIfFalse: Put };
  Loop: { setBody: Put };
  Break: { setCondition: Put; setValue: Put };
  Switch: { setCondition: Put; setValue: Put };
  Call: { setOperandAt: PutAt };
  CallIndirect: { setTarget: Put; setOperandAt: PutAt };
  LocalSet: { setValue: Put };
  GlobalSet: { setValue: Put };
  Drop: { setValue: Put };
  Return: { setValue: Put };
  Unary: { setValue: Put };
  Load: { setPtr: Put; setOffset(access: Ref, offset: number): void };
  Store: { setPtr: Put; setValue: Put; setOffset(access: Ref, offset: number): void };
  Binary: { setLeft: Put; setRight: Put };
  Select: { setIfTrue: Put; setIfFalse: Put; setCondition: Put };
  MemoryGrow: { setDelta: Put };
  MemoryFill: { setDest: Put; setValue: Put; setSize: Put };
  MemoryCopy: { setDest: Put; setSource: Put; setSize: Put };
  Const: { setValueI32(constant: Ref, value: number): void };
  Function: { setBody(func: binaryen.FunctionRef, body: Ref): void };
};

/** The module's element segment calls the typings leave out. */
export function elementSegments(module: binaryen.Module) {
  return module as unknown as {
    removeElementSegment(name: string): void;
    addActiveElementSegment(table: string, name: string, functions: string[], offset: Ref): void;
  };
}
