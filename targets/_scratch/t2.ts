import { readFileSync, writeFileSync } from "node:fs";
import { kernelAbi } from "/work/main/targets/abi/abi.ts";
import { componentCoreModule } from "/work/main/targets/wasi/tools/core-module.ts";
import { generateWit } from "/work/main/targets/wasi/tools/wit.ts";
const abi = kernelAbi();
const core = componentCoreModule(readFileSync("/work/main/build/release.wasm"), abi);
writeFileSync("/tmp/core.wasm", core.binary);
writeFileSync("/tmp/myco.wit", generateWit(abi));
console.log(core.returnArea, core.binary.length);
