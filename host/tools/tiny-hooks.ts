// The tiny profile's hooks (assembly/hooks.ts) as constants. wiring.ts sets each hook once, in
// the start function, to a static function object; asc keeps each as a mutable global, set
// there and tested for null at every call. Here each hook the start function sets to a constant
// becomes that constant, so its global, its set and the null tests go (~130 bytes).
// Sound because nothing the start function runs before wire() calls a hook (the resets at init
// register no service and move no state); a second set anywhere makes the module invalid, and
// the build fails.
import binaryen from "binaryen";
import { expressions } from "./binaryen-setters.ts";

const HOOKS = "assembly/hooks/";

/** Makes the hooks the start functions wire to constants constant (see the file). */
export function fixHooks(module: binaryen.Module): void {
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
    });
  }
}
