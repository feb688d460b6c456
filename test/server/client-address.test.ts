import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { TrustProxyError, clientAddressResolver, parseTrustProxy } from '../../server/http/client-address.ts';

/** A request as a proxy in front of the server would hand it on. */
const request = (remoteAddress: string, forwardedFor?: string) => ({ socket: { remoteAddress }, headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } }) as unknown as IncomingMessage;

describe('TRUST_PROXY: which X-Forwarded-For entry is the client', () => {
  it('reads unset, 0 and false as no proxy, a whole number as hops, anything else as a list', () => {
    expect(parseTrustProxy(undefined)).toBeNull();
    expect(parseTrustProxy('')).toBeNull();
    expect(parseTrustProxy('0')).toBeNull();
    expect(parseTrustProxy('false')).toBeNull();
    expect(parseTrustProxy('1')).toEqual({ hops: 1 });
    expect(parseTrustProxy(' 2 ')).toEqual({ hops: 2 });
    expect(parseTrustProxy('loopback, 10.0.0.0/8,192.168.1.4')).toEqual({ list: ['loopback', '10.0.0.0/8', '192.168.1.4'] });
  });

  it('refuses true, which would believe whatever a client writes', () => {
    expect(() => parseTrustProxy('true')).toThrow(TrustProxyError);
    expect(() => parseTrustProxy('true')).toThrow(/number of proxies/);
  });

  it('refuses what is not an address, a subnet or a known name', () => {
    for (const garbage of ['yes', 'proxy.example.org', '10.0.0.0/99', '1.2.3', 'loopback,,nonsense']) {
      expect(() => parseTrustProxy(garbage), garbage).toThrow(TrustProxyError);
    }
  });

  it('without a proxy, is the socket’s own address whatever the header says', () => {
    const address = clientAddressResolver(null);
    expect(address(request('198.51.100.4', '203.0.113.7'))).toBe('198.51.100.4');
    expect(address(request('198.51.100.4'))).toBe('198.51.100.4');
  });

  it('with one hop, is the entry that proxy added: the right-most, never the client-written ones', () => {
    const address = clientAddressResolver(parseTrustProxy('1'));
    expect(address(request('127.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    expect(address(request('127.0.0.1', '6.6.6.6, 203.0.113.7'))).toBe('203.0.113.7');
    expect(address(request('127.0.0.1', '1.1.1.1, 2.2.2.2, 203.0.113.7'))).toBe('203.0.113.7');
    // Without the header, the proxy itself is all there is to go on.
    expect(address(request('127.0.0.1'))).toBe('127.0.0.1');
  });

  it('with two hops, skips the nearer proxy and stops at the client', () => {
    const address = clientAddressResolver(parseTrustProxy('2'));
    expect(address(request('127.0.0.1', '6.6.6.6, 203.0.113.7, 10.0.0.2'))).toBe('203.0.113.7');
    expect(address(request('127.0.0.1', '203.0.113.7, 10.0.0.2'))).toBe('203.0.113.7');
  });

  it('with a list, believes only the listed proxies (names and subnets), from the right', () => {
    const address = clientAddressResolver(parseTrustProxy('loopback, 10.0.0.0/8'));
    expect(address(request('127.0.0.1', '6.6.6.6, 203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(address(request('127.0.0.1', '203.0.113.7'))).toBe('203.0.113.7');
    // Two listed proxies in a row are both skipped; the first unlisted address is the client.
    expect(address(request('10.9.9.9', '6.6.6.6, 10.5.5.5'))).toBe('6.6.6.6');
    // A connection from an unlisted address is not a proxy: its header means nothing.
    expect(address(request('198.51.100.4', '203.0.113.7'))).toBe('198.51.100.4');
  });
});
