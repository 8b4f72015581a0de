// A web front end (three of them behind the gateway): GET / says which instance answered,
// GET /greeting reads through the cache.
import { serve, dependency } from "./http-service.js";

const cache = dependency("cache");
const { label } = serve("web", async (req, res) => {
  if (req.url === "/greeting") {
    const answer = await fetch(`http://${cache}/cache/greeting`);
    return void res.writeHead(answer.status, { "content-type": "text/plain" }).end(`${label}: ${await answer.text()}`);
  }
  res.writeHead(200, { "content-type": "text/plain" }).end(`${label}: ok\n`);
});
