// The floor of Myco's HTTP gateway's two components, on PORT: Node's HTTP server and undici Pool
// dispatch (the same pool options), round robin per request over the backends (UP), the upstream's
// response headers copied through, nothing else: no pick, breakers, reports, limits, forwarding
// headers, hop-by-hop filtering or back-pressure. Myco's distance to it is what its own work costs per request.
const http = require("node:http");
const { Pool } = require("undici");
const pools = process.env.UP.split(",").map((port) => new Pool(`http://127.0.0.1:${port}`, { connections: 256, pipelining: 1 }));
let next = 0;

class Passthrough {
  constructor(res) { this.res = res; }
  onConnect() {}
  onHeaders(status, raw) {
    const headers = [];
    for (let i = 0; i < raw.length; i += 2) headers.push(raw[i].toString("latin1"), raw[i + 1].toString("latin1"));
    this.res.writeHead(status, headers);
    return true;
  }
  onData(chunk) { this.res.write(chunk); return true; }
  onComplete() { this.res.end(); }
  onError() { if (this.res.headersSent) this.res.destroy(); else { this.res.writeHead(502); this.res.end(); } }
}

http.createServer((req, res) => {
  pools[next++ % pools.length].dispatch({ path: req.url, method: req.method, headers: req.rawHeaders, body: null }, new Passthrough(res));
}).listen(Number(process.env.PORT), "127.0.0.1");
