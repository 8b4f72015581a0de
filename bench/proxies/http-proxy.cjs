// `http-proxy` as its README recommends for throughput: one proxy server with a keep-alive
// agent, targets chosen round robin per request over the backends (UP), on PORT.
const http = require("node:http");
const httpProxy = require("http-proxy");
const targets = process.env.UP.split(",").map((port) => `http://127.0.0.1:${port}`);
const proxy = httpProxy.createProxyServer({ agent: new http.Agent({ keepAlive: true, maxSockets: 256 }) });
proxy.on("error", (_error, _req, res) => { res.writeHead(502); res.end(); });
let next = 0;
http.createServer((req, res) => proxy.web(req, res, { target: targets[next++ % targets.length] }))
  .listen(Number(process.env.PORT), "127.0.0.1");
