// A web front end (three of them behind the gateway): GET / says which instance answered and
// its banner (a hot config key: edit it in services.yaml, `myco reload`, and the same processes
// answer with the new one), GET /greeting reads through the cache.
import { serve, dependency, configuration } from "./http-service.js";

const cache = dependency("cache");
let config;
const { label } = serve("web", async (req, res) => {
  if (req.url === "/greeting") {
    const answer = await fetch(`http://${cache}/cache/greeting`);
    return void res.writeHead(answer.status, { "content-type": "text/plain" }).end(`${label}: ${await answer.text()}`);
  }
  res.writeHead(200, { "content-type": "text/plain" }).end(`${label}: ok; ${config.values.banner}\n`);
});
config = configuration(label);
