#!/usr/bin/env node
// The `myco` command (package.json "bin"). Node 20 cannot run TypeScript itself: register tsx's
// loader, then import the real entry point, host/cli/myco.ts.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./myco.ts");
process.exitCode = await main(process.argv);
