// The ceiling for an L4 proxy in Node: a bare TCP relay that pipes each connection to one
// backend (UP: comma-separated ports), round robin per connection, on PORT.
const net = require("node:net");
const ports = process.env.UP.split(",").map(Number);
let next = 0;
net.createServer((client) => {
  const upstream = net.connect(ports[next++ % ports.length], "127.0.0.1");
  client.pipe(upstream).pipe(client);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => client.destroy());
}).listen(Number(process.env.PORT), "127.0.0.1");
