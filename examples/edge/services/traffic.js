// A little generated traffic: RATE requests per second to the web gateway ($WEB_ADDR), a mix
// of / and /greeting, with a one-line summary per second (what the gateway answered).
const target = (process.env.WEB_ADDR ?? "").split(",")[0];
if (!target) {
  console.error("traffic: WEB_ADDR is not set: does this service want 'web'?");
  process.exit(2);
}
const rate = Number(process.env.RATE ?? 40);
let window = { ok: 0, unavailable: 0, failed: 0 };
let total = { ok: 0, unavailable: 0, failed: 0 };
const instances = new Map();

async function one(path) {
  try {
    const answer = await fetch(`http://${target}${path}`, { signal: AbortSignal.timeout(2000) });
    await answer.arrayBuffer();
    const instance = answer.headers.get("x-myco-instance");
    if (instance !== null) instances.set(instance, (instances.get(instance) ?? 0) + 1);
    const kind = answer.ok ? "ok" : answer.status === 503 ? "unavailable" : "failed";
    window[kind]++;
    total[kind]++;
  } catch {
    window.failed++;
    total.failed++;
  }
}

let n = 0;
const sender = setInterval(() => void one(n++ % 4 === 0 ? "/greeting" : "/"), Math.max(1, Math.round(1000 / rate)));
const reporter = setInterval(() => {
  const spread = [...instances].sort().map(([i, c]) => `#${i}:${c}`).join(" ");
  console.log(`traffic: last second ok ${window.ok}, 503 ${window.unavailable}, failed ${window.failed}; by instance ${spread}`);
  window = { ok: 0, unavailable: 0, failed: 0 };
  instances.clear();
}, 1000);
process.on("SIGTERM", () => {
  clearInterval(sender);
  clearInterval(reporter);
  console.log(`traffic: done: ok ${total.ok}, 503 ${total.unavailable}, failed ${total.failed}`);
  process.exit(0);
});
