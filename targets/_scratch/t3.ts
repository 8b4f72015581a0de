import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { componentEmbed, componentNew, transpile } from "@bytecodealliance/jco";
const core = readFileSync("/tmp/core.wasm");
const wit = readFileSync("/tmp/myco.wit", "utf8");
const t0 = performance.now();
const embedded = await componentEmbed({ binary: core, witSource: wit, world: "myco", stringEncoding: "utf8" });
const component = await componentNew(embedded);
writeFileSync("/tmp/myco.component.wasm", component);
console.log("component", component.length, performance.now() - t0);
const out = await transpile(component, { name: "myco", instantiation: "async", quiet: true });
mkdirSync("/tmp/jco", { recursive: true });
for (const [f, b] of Object.entries(out.files)) { mkdirSync("/tmp/jco/" + f.split("/").slice(0, -1).join("/"), { recursive: true }); writeFileSync("/tmp/jco/" + f, b); }
console.log(Object.keys(out.files), out.imports, out.exports, performance.now() - t0);
