#!/usr/bin/env node
// The `myco` command (package.json "bin"). Node 20 cannot run TypeScript itself: register tsx's
// loader, then import the real entry point, host/cli/myco.ts.
import { register } from "tsx/esm/api";

// `myco ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on("error", (error) => { if (error.code === "EPIPE") process.exit(0); else throw error; });
register();
const { main } = await import("./myco.ts");
process.exitCode = await main(process.argv);
