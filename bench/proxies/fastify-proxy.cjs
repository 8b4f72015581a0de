// `@fastify/http-proxy` with its defaults (an undici Agent: a keep-alive pool per origin), its
// upstream chosen round robin per request over the backends (UP) through `replyOptions.getUpstream`,
// its documented way to pick the upstream per request; on PORT.
const fastify = require("fastify")({ logger: false });
const upstreams = process.env.UP.split(",").map((port) => `http://127.0.0.1:${port}`);
let next = 0;
fastify.register(require("@fastify/http-proxy"), {
  upstream: upstreams[0],
  replyOptions: { getUpstream: () => upstreams[next++ % upstreams.length] },
});
fastify.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
