// A backend for the gateway benchmark: the smallest HTTP server Node has, on PORT.
require("node:http").createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");
