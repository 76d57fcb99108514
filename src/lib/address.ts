import { isIP } from 'node:net';

/**
 * The client address a request came from, as the limits see it (sign-in waits, the web chat's
 * per-address quota). Without a proxy it is the socket's peer. With TRUST_PROXY = n (the number of
 * proxies in front of the assistant, usually 1) it is the n-th address from the right of
 * X-Forwarded-For — the one the nearest trusted proxy added; what the client wrote further left is
 * never believed. IPv6 addresses are grouped by their /64 (one household or phone gets a whole /64,
 * so counting single addresses would let it rotate freely); IPv4-mapped IPv6 is shown as IPv4.
 */

/** An address (or "unknown") reduced to the group it is counted in: IPv4 as is, IPv6 as its /64. */
export function addressGroup(raw: string | undefined): string {
  let a = (raw ?? '').trim();
  if (a.startsWith('[')) a = a.slice(1, a.indexOf(']') > 0 ? a.indexOf(']') : undefined);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (mapped) a = mapped[1]!;
  const kind = isIP(a);
  if (kind === 4) return a;
  if (kind !== 6) return 'unknown';
  return `${expand6(a).slice(0, 4).join(':')}::/64`;
}

/** The eight hextets of an IPv6 address, lower case, without leading zeros. */
function expand6(a: string): string[] {
  let s = a.toLowerCase();
  // a trailing dotted quad (::1.2.3.4) becomes two hextets
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (quad) {
    const [b0, b1, b2, b3] = quad.slice(1).map(Number) as [number, number, number, number];
    s = s.slice(0, quad.index) + `${((b0 << 8) | b1).toString(16)}:${((b2 << 8) | b3).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill('0');
  return [...h, ...fill, ...t].map((x) => parseInt(x || '0', 16).toString(16));
}

/**
 * The client's address group. `trustProxy` is how many proxies stand in front (0: none, believe
 * only the socket). With proxies, a missing or short X-Forwarded-For falls back to the leftmost
 * entry there is, then to the socket.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | undefined, trustProxy: number): string {
  if (trustProxy > 0 && forwardedFor) {
    const hops = forwardedFor.split(',').map((x) => x.trim()).filter(Boolean);
    if (hops.length) {
      const pick = hops[Math.max(0, hops.length - trustProxy)]!;
      const g = addressGroup(pick);
      if (g !== 'unknown') return g;
    }
  }
  return addressGroup(socketAddress);
}

/** What a request handler has (a Hono context served by @hono/node-server), as far as this needs it. */
interface RequestLike {
  env: unknown;
  req: { header(name: string): string | undefined };
}

/** The client address group of a request: its socket's peer, or X-Forwarded-For behind `trustProxy` proxies. */
export function requestAddress(c: RequestLike, trustProxy = 0): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return clientAddress(env?.incoming?.socket?.remoteAddress, c.req.header('x-forwarded-for'), trustProxy);
}
