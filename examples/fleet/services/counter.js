// A stateful fleet example service for live migrations: it counts (every 100 ms) and keeps the
// count in $STATE_DIR/<node>/<instance>.json; at start it resumes from that file. Its snapshot
// hook (the `state:` section of its manifest) is this same script: `counter.js dump` prints the
// state of the copy on this node, `counter.js load` writes the state it reads on stdin for the
// copy about to start on this node.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const instance = process.env.MYCO_FLEET_INSTANCE ?? "?";
const node = process.env.MYCO_FLEET_NODE ?? "?";
const dir = join(process.env.STATE_DIR ?? "/tmp/myco-counter", node);
const file = join(dir, `${instance}.json`);
const mode = process.argv[2];

if (mode === "dump") {
  process.stdout.write(readFileSync(file));
} else if (mode === "load") {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const state = JSON.parse(Buffer.concat(chunks).toString());
  if (!Number.isInteger(state.count)) throw new Error("load: the state has no count");
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, JSON.stringify(state));
} else {
  let state = { count: 0, resumedAt: 0, node };
  try { const saved = JSON.parse(readFileSync(file, "utf8")); state = { count: saved.count, resumedAt: saved.count, node }; } catch { /* a fresh start */ }
  mkdirSync(dir, { recursive: true });
  console.log(`${instance} on ${node}: ${state.resumedAt ? `resumed at ${state.resumedAt}` : "fresh"}`);
  setInterval(() => { state.count++; writeFileSync(file, JSON.stringify(state)); }, 100);
  process.on("SIGTERM", () => process.exit(0));
}
