// A fleet example service: says where it runs, beats once a second, and on SIGTERM says it
// stops and exits. With FENCE_LOG set it appends `start|alive|stop INSTANCE NODE MS` lines to that
// file, `alive` every 100 ms (the fencing proof reads them to check two copies never overlap,
// even when a copy is SIGKILLed before it can write `stop`). With FAIL_ON_NODE naming this node it
// exits at once with status 1 (a copy that never becomes healthy there: the migration gate's proof).
import { appendFileSync } from "node:fs";

const instance = process.env.MYCO_FLEET_INSTANCE ?? "?";
const node = process.env.MYCO_FLEET_NODE ?? "?";
const fence = process.env.FENCE_LOG;
const note = (what) => { if (fence) appendFileSync(fence, `${what} ${instance} ${node} ${Date.now()}\n`); };

if (process.env.FAIL_ON_NODE && process.env.FAIL_ON_NODE === node) {
  console.error(`${instance} on ${node}: failing on purpose (FAIL_ON_NODE)`);
  process.exit(1);
}
note("start");
if (fence) setInterval(() => note("alive"), 100);
console.log(`${instance} running on ${node} (pid ${process.pid})`);
const beat = setInterval(() => console.log(`${instance} on ${node}: ok`), 1000);
process.on("SIGTERM", () => {
  clearInterval(beat);
  note("stop");
  console.log(`${instance} on ${node}: stopping`);
  process.exit(0);
});
