// A read-through cache in front of kv: GET /cache/KEY answers from memory for 2 s, else asks kv.
import { serve, dependency } from "./http-service.js";

const kv = dependency("kv");
const entries = new Map();
const TTL_MS = 2000;
serve("cache", async (req, res) => {
  const m = /^\/cache\/([\w.-]{1,64})$/.exec(req.url ?? "");
  if (!m) return void res.writeHead(404).end("no such route\n");
  const hit = entries.get(m[1]);
  if (hit && Date.now() - hit.at < TTL_MS) return void res.writeHead(200, { "x-cache": "hit" }).end(hit.value);
  const answer = await fetch(`http://${kv}/kv/${m[1]}`);
  const value = await answer.text();
  if (answer.ok) entries.set(m[1], { value, at: Date.now() });
  res.writeHead(answer.status, { "x-cache": "miss" }).end(value);
});
