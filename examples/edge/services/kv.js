// A key-value store: GET /kv/KEY, PUT /kv/KEY (body = value), GET /healthz.
import { serve, readBody } from "./http-service.js";

const store = new Map([["greeting", "hello from the edge"]]);
serve("kv", async (req, res) => {
  const m = /^\/kv\/([\w.-]{1,64})$/.exec(req.url ?? "");
  if (!m) return void res.writeHead(404).end("no such route\n");
  if (req.method === "PUT") {
    store.set(m[1], (await readBody(req)).slice(0, 4096));
    return void res.writeHead(204).end();
  }
  const value = store.get(m[1]);
  if (value === undefined) return void res.writeHead(404).end("no such key\n");
  res.writeHead(200, { "content-type": "text/plain" }).end(`${value}\n`);
});
