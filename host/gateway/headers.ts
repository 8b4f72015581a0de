// Headers on their way through the HTTP gateway, as flat [name, value, ...] lists (what Node's
// parser gives as `rawHeaders` and undici takes and gives): no objects built per request.
//
// Request: the client's rawHeaders are rewritten in place (they are the gateway's to keep): the
// hop-by-hop headers go (RFC 9110 7.6.1: Connection, the headers it names, Keep-Alive, TE,
// Trailer, Transfer-Encoding, Upgrade, Proxy-*), and so does Expect (Node answered 100-continue
// already); X-Forwarded-For gets the client address appended, Forwarded (RFC 7239) an element
// `for=CLIENT;proto=http`. Names are compared without lower-casing copies.
// Response: undici's raw Buffers become the strings Node's writeHead takes, hop-by-hop ones left out.

/** Case-insensitive equality with a lower-case name, without allocating. */
function named(name: string, lower: string): boolean {
  if (name.length !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** Headers that describe one connection, not the message (and Expect): never forwarded. */
export function isHopByHop(name: string): boolean {
  switch (name.length) {
    case 2: return named(name, "te");
    case 6: return named(name, "expect");
    case 7: return named(name, "upgrade") || named(name, "trailer");
    case 10: return named(name, "connection") || named(name, "keep-alive");
    case 16: return named(name, "proxy-connection");
    case 17: return named(name, "transfer-encoding");
    case 18: return named(name, "proxy-authenticate");
    case 19: return named(name, "proxy-authorization");
    default: return false;
  }
}

/** Header names a Connection value lists beyond keep-alive and close (rare: then they go too). */
function connectionOptions(raw: string[]): string[] | null {
  let options: string[] | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    if (!named(raw[i], "connection")) continue;
    for (const token of raw[i + 1].split(",")) {
      const name = token.trim().toLowerCase();
      if (name !== "" && name !== "keep-alive" && name !== "close") (options ??= []).push(name);
    }
  }
  return options;
}

/** The Forwarded element for a client address (IPv6 quoted and bracketed, RFC 7239 section 6). */
export function forwardedFor(client: string): string {
  return client.includes(":") ? `for="[${client}]";proto=http` : `for=${client};proto=http`;
}

/**
 * Rewrites the request's raw headers in place for the upstream (see the top of the file) and
 * returns the same array. `client` is the peer address as the gateway saw it.
 */
export function forwardRequestHeaders(raw: string[], client: string): string[] {
  const options = connectionOptions(raw);
  let write = 0, xff = -1, forwarded = -1;
  for (let read = 0; read < raw.length; read += 2) {
    const name = raw[read];
    if (isHopByHop(name) || (options !== null && options.includes(name.toLowerCase()))) continue;
    if (write !== read) { raw[write] = name; raw[write + 1] = raw[read + 1]; }
    if (name.length === 15 && named(name, "x-forwarded-for")) xff = write + 1;
    else if (name.length === 9 && named(name, "forwarded")) forwarded = write + 1;
    write += 2;
  }
  raw.length = write;
  if (xff < 0) raw.push("x-forwarded-for", client);
  else raw[xff] = `${raw[xff]}, ${client}`;
  if (forwarded < 0) raw.push("forwarded", forwardedFor(client));
  else raw[forwarded] = `${raw[forwarded]}, ${forwardedFor(client)}`;
  return raw;
}

/** The upstream's raw response headers as Node's writeHead takes them, plus the instance's ordinal. */
export function responseHeaders(raw: Buffer[], ordinal: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toString("latin1");
    if (!isHopByHop(name)) out.push(name, raw[i + 1].toString("latin1"));
  }
  out.push("x-myco-instance", ordinal);
  return out;
}

/** Whether the request carries a body (Content-Length or Transfer-Encoding present). */
export function hasBody(raw: string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if ((name.length === 14 && named(name, "content-length") && raw[i + 1] !== "0") || (name.length === 17 && named(name, "transfer-encoding"))) return true;
  }
  return false;
}
