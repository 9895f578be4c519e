import { describe, expect, it } from 'vitest';
import { pushEndpointProblem } from '../../../src/notifications/push/endpoint-policy';

const refusedEverywhere = [
  ['not a URL', 'not a url'],
  ['plain http', 'http://push.example.com/send/abc'],
  ['another scheme', 'ftp://push.example.com/abc'],
  ['credentials', 'https://user:pass@push.example.com/abc'],
  ['a user name alone', 'https://user@push.example.com/abc'],
  ['an odd port', 'https://push.example.com:8443/abc'],
  ['port 80 on https', 'https://push.example.com:80/abc'],
  ['a single-label host', 'https://intranet/abc'],
  ['a .internal name', 'https://metadata.google.internal/computeMetadata/v1/'],
  ['a .local name', 'https://printer.local/abc'],
  ['a subdomain of localhost', 'https://evil.localhost/abc'],
  ['private 10/8', 'https://10.1.2.3/abc'],
  ['private 172.16/12', 'https://172.20.0.1/abc'],
  ['private 192.168/16', 'https://192.168.1.1/abc'],
  ['carrier-grade NAT', 'https://100.64.0.1/abc'],
  ['link-local and cloud metadata', 'https://169.254.169.254/latest/meta-data'],
  ['"this network"', 'https://0.0.0.0/abc'],
  ['multicast', 'https://224.0.0.1/abc'],
  ['broadcast', 'https://255.255.255.255/abc'],
  ['IPv6 unique-local', 'https://[fd00::1]/abc'],
  ['IPv6 link-local', 'https://[fe80::1]/abc'],
  ['IPv6 unspecified', 'https://[::]/abc'],
  ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/abc'],
  ['IPv4-mapped IPv6 metadata', 'https://[::ffff:169.254.169.254]/abc'],
  ['NAT64 of a private address', 'https://[64:ff9b::10.0.0.1]/abc'],
  ['IPv6 multicast', 'https://[ff02::1]/abc'],
] as const;

const loopback = [
  'http://localhost:9000/notify/abc',
  'http://127.0.0.1:9000/notify/abc',
  'http://[::1]:9000/notify/abc',
  'https://localhost/notify/abc',
  'http://localhost./notify/abc',
  // URL parsing normalises other spellings of an IPv4 address, so these are 127.0.0.1 too.
  'https://2130706433/abc',
  'https://0x7f.0.0.1/abc',
] as const;

const publicEndpoints = [
  'https://fcm.googleapis.com/fcm/send/abc:def',
  'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
  'https://web.push.apple.com/QGw',
  'https://push.example.com:443/abc',
  'https://8.8.8.8/abc',
  'https://[2606:4700::1111]/abc',
] as const;

describe('push endpoint policy', () => {
  it.each(refusedEverywhere)('refuses %s in production and in dev', (_, endpoint) => {
    expect(pushEndpointProblem(endpoint, 'public')).not.toBeNull();
    expect(pushEndpointProblem(endpoint, 'public-or-loopback')).not.toBeNull();
  });

  it.each(loopback)('refuses the loopback endpoint %s in production and accepts it in dev', (endpoint) => {
    expect(pushEndpointProblem(endpoint, 'public')).not.toBeNull();
    expect(pushEndpointProblem(endpoint, 'public-or-loopback')).toBeNull();
  });

  it('still refuses credentials on a loopback endpoint in dev', () => {
    expect(pushEndpointProblem('http://user:pw@localhost:9000/notify/abc', 'public-or-loopback')).not.toBeNull();
  });

  it.each(publicEndpoints)('accepts the public https endpoint %s everywhere', (endpoint) => {
    expect(pushEndpointProblem(endpoint, 'public')).toBeNull();
    expect(pushEndpointProblem(endpoint, 'public-or-loopback')).toBeNull();
  });
});
