// The kernel's scalar state: every module-level `let` of every layer is a wasm global, outside
// the linear memory the heap section copies. These four imports never reach the host: the build's
// transform (host/tools/asc-snapshot.js) replaces them with functions generated from the module's
// own list of mutable globals (all but the snapshot layer's session and the hook table), so a
// global any layer adds is carried without registering it. 8 bytes a global, in name order.

/** Bytes the saved globals take (8 a global). */
@external("myco_snapshot", "globals_bytes") export declare function globalsBytes(): i32;

/** FNV-1a of the saved globals' names and types: two builds with the same one save the same list. */
@external("myco_snapshot", "globals_fingerprint") export declare function globalsFingerprint(): u32;

/** Writes every saved global to `to` (globalsBytes() bytes). */
@external("myco_snapshot", "globals_save") export declare function globalsSave(to: usize): void;

/** Sets every saved global from `from`. */
@external("myco_snapshot", "globals_load") export declare function globalsLoad(from: usize): void;
