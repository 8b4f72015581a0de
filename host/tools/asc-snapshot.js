// An asc transform for the kernel build: it writes the code that saves and loads the kernel's
// scalar state (assembly/snapshot/globals.ts). Every module-level `let` of the kernel is a wasm
// global, outside the linear memory a snapshot copies; instead of asking each layer to move its
// scalars into a registered block, the four imports of assembly/snapshot/globals.ts are replaced
// here, after compilation and before optimization, by functions generated from the module's own
// list of mutable globals: a global a layer adds tomorrow is saved without anyone registering it.
//
// Saved: every mutable, module-defined global, in name order, 8 bytes each (little-endian,
// i32/f32 in the low bytes), except
//   - the snapshot layer's own (assembly/snapshot/): the session that is reading or writing;
//   - the compiler's and runtime's (`~lib/rt/stub/offset`, `~argumentsLength`): the allocator's
//     bump pointer is the same in every kernel of the layout (the header's layout hash covers the
//     heap's end), and a restore that set it would be an allocation (allocation.test.ts);
//   - globals holding a function (the hook table, hooks.ts): a function's table index belongs to
//     one build, and wiring.ts sets them at init in every build anyway;
//   - `const`s (a table's address, a capacity): init sets them, to the same values in every
//     kernel with the snapshot's layout hash (the restore checks it).
// The fingerprint (FNV-1a over "name:type;" of the saved list) goes into the snapshot's header:
// a snapshot restores only into a build that saves the same globals.
import { writeFileSync } from "node:fs";
import { Transform } from "assemblyscript/transform";

export const SNAPSHOT_MODULE = "myco_snapshot";
const OWN_PREFIX = "assembly/snapshot/";
/** assemblyscript's CommonFlags.Const. */
const CONST_FLAG = 8;

/** FNV-1a 32 of a string's UTF-16 code units (names are ASCII). */
function fnv1a(text) {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

export default class Snapshot extends Transform {
  afterCompile(module) {
    const b = this.binaryen;
    const imports = new Map();
    for (let i = 0; i < module.getNumFunctions(); i++) {
      const info = b.getFunctionInfo(module.getFunctionByIndex(i));
      if (info.module === SNAPSHOT_MODULE) imports.set(info.base, info);
    }
    if (imports.size === 0) return; // a profile without snapshots (features.ts WITH_SNAPSHOT)
    const saved = this.savedGlobals(module);
    // MYCO_SNAPSHOT_GLOBALS=FILE lists what a snapshot carries (docs/snapshot-format.md shows it).
    if (process.env.MYCO_SNAPSHOT_GLOBALS) writeFileSync(process.env.MYCO_SNAPSHOT_GLOBALS, saved.map((g) => g.name).join("\n") + "\n");
    const typeName = new Map([[b.i32, "i32"], [b.i64, "i64"], [b.f32, "f32"], [b.f64, "f64"]]);
    const fingerprint = fnv1a(saved.map((g) => `${g.name}:${typeName.get(g.type)};`).join(""));
    const ptr = () => module.local.get(0, b.i32);
    const store = (g, offset) => {
      const value = module.global.get(g.name, g.type);
      if (g.type === b.i32) return module.i32.store(offset, 4, ptr(), value);
      if (g.type === b.i64) return module.i64.store(offset, 8, ptr(), value);
      if (g.type === b.f32) return module.f32.store(offset, 4, ptr(), value);
      return module.f64.store(offset, 8, ptr(), value);
    };
    const load = (g, offset) => {
      if (g.type === b.i32) return module.i32.load(offset, 4, ptr());
      if (g.type === b.i64) return module.i64.load(offset, 8, ptr());
      if (g.type === b.f32) return module.f32.load(offset, 4, ptr());
      return module.f64.load(offset, 8, ptr());
    };
    const bodies = {
      globals_bytes: () => module.i32.const(saved.length * 8),
      globals_fingerprint: () => module.i32.const(fingerprint | 0),
      globals_save: () => module.block(null, saved.map((g, k) => store(g, k * 8)).concat([module.nop()]), b.none),
      globals_load: () => module.block(null, saved.map((g, k) => module.global.set(g.name, load(g, k * 8))).concat([module.nop()]), b.none),
    };
    for (const [base, info] of imports) {
      const body = bodies[base];
      if (body === undefined) throw new Error(`asc-snapshot: unknown import ${SNAPSHOT_MODULE}.${base}`);
      module.removeFunction(info.name);
      module.addFunction(info.name, info.params, info.results, [], body());
    }
  }

  /** The mutable globals a snapshot carries, sorted by name (see the file's comment). */
  savedGlobals(module) {
    const b = this.binaryen;
    const saved = [];
    for (let i = 0; i < module.getNumGlobals(); i++) {
      const g = b.getGlobalInfo(module.getGlobalByIndex(i));
      if (!g.mutable || g.module) continue;
      if (g.name.startsWith(OWN_PREFIX) || g.name.startsWith("~")) continue;
      if (this.holdsFunction(g.name) || this.isConst(g.name)) continue;
      if (![b.i32, b.i64, b.f32, b.f64].includes(g.type)) throw new Error(`asc-snapshot: global ${g.name} has a type a snapshot cannot carry`);
      saved.push(g);
    }
    return saved.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  }

  /** A `const` set at init (a table's address, a capacity): every kernel of the same layout
   *  (the header's layout hash) computes the same value, so a snapshot need not carry it. */
  isConst(name) {
    const element = this.program.elementsByName.get(name);
    return element !== undefined && element.is(CONST_FLAG);
  }

  holdsFunction(name) {
    const element = this.program.elementsByName.get(name);
    const type = element?.type;
    return type !== undefined && typeof type.getSignature === "function" && type.getSignature() != null;
  }
}
