/**
 * Which push endpoints the server will POST to. A subscription's endpoint is a URL chosen by the
 * client, and the delivery consumer fetches it: without these rules anyone could make the Worker
 * call an internal address (request forgery). Production (`public`) accepts only `https` on the
 * default port of a public host; `public-or-loopback` (npm run dev, the tests) also accepts
 * `http(s)://localhost` / `127.0.0.1` / `[::1]` on any port, for a local push service.
 */
export const pushEndpointPolicies = ['public', 'public-or-loopback'] as const;
export type PushEndpointPolicy = (typeof pushEndpointPolicies)[number];

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Names that only resolve inside a network (or to the machine itself). */
const internalSuffixes = ['.localhost', '.local', '.internal', '.intranet', '.lan', '.home.arpa', '.corp'];

/** IPv4 ranges that are not public (RFC 6890 special-purpose, plus multicast and reserved). */
const privateV4: [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, cloud metadata (169.254.169.254)
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // documentation
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // documentation
  [0xcb007100, 24], // documentation
  [0xe0000000, 3], // multicast, reserved, broadcast
];

function ipv4Value(host: string): number | null {
  const parts = host.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255)) return null;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

const inRange = (value: number, [base, bits]: [number, number]) =>
  Math.floor(value / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits));

/**
 * Why `host` (as `URL.hostname` gives it: IPv4 normalised to dotted quads, IPv6 in brackets) is
 * not a public host, or null when it is. IPv6 literals are accepted only in global unicast
 * (2000::/3), which leaves out loopback, unique-local, link-local, multicast and the v4-mapped
 * and NAT64 forms of private IPv4 addresses.
 */
function nonPublicReason(host: string): string | null {
  if (host.startsWith('[')) {
    const first = host.slice(1).split(':')[0] ?? '';
    const firstGroup = first === '' ? 0 : parseInt(first, 16);
    return (firstGroup & 0xe000) === 0x2000 ? null : 'the address is not a public IPv6 address';
  }
  const v4 = ipv4Value(host);
  if (v4 !== null) return privateV4.some((range) => inRange(v4, range)) ? 'the address is not public' : null;
  if (!host.includes('.')) return 'the host is not a public domain name';
  if (host === 'localhost' || internalSuffixes.some((suffix) => host.endsWith(suffix))) return 'the host is internal';
  return null;
}

/** Why `endpoint` is refused under `policy`, or null when it is accepted. */
export function pushEndpointProblem(endpoint: string, policy: PushEndpointPolicy): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  if (url.username || url.password) return 'credentials are not allowed in the URL';
  // A trailing dot names the same host ("localhost." is localhost).
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  if (
    policy === 'public-or-loopback' &&
    loopbackHosts.has(host) &&
    (url.protocol === 'http:' || url.protocol === 'https:')
  )
    return null;
  if (url.protocol !== 'https:') return 'only https endpoints are accepted';
  // URL drops the scheme's default port, so any port left is another one.
  if (url.port !== '') return 'only the default https port is accepted';
  return nonPublicReason(host);
}
