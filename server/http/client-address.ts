import type { IncomingMessage } from 'node:http';
import proxyaddr from 'proxy-addr';

/**
 * Which proxies in front of the server may be believed about the client's address: none, the
 * nearest N hops, or a list of addresses, subnets and proxy-addr's names (`loopback`,
 * `linklocal`, `uniquelocal`). These are express's `trust proxy` semantics: the client is the
 * right-most address in `X-Forwarded-For` that is not a trusted proxy, so an entry the client
 * wrote itself (the left-most ones) is never taken for its address.
 */
export type TrustProxy = { readonly hops: number } | { readonly list: readonly string[] } | null;

export class TrustProxyError extends Error {}

/** TRUST_PROXY as written in the environment: unset or 0 for none, a hop count, or a list. */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? '').trim();
  if (value === '' || value === '0' || value === 'false') return null;
  if (/^\d+$/.test(value)) return { hops: Number(value) };
  if (value === 'true') {
    // express's `true` trusts every hop, i.e. believes the left-most, client-written entry.
    throw new TrustProxyError('TRUST_PROXY=true would believe any X-Forwarded-For a client sends; give the number of proxies in front of the server (e.g. 1) or their addresses');
  }
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new TrustProxyError(`TRUST_PROXY: ${(error as Error).message}`);
  }
  return { list };
}

/** The trust function proxy-addr (and express's `trust proxy`) takes. */
export function trustFunction(trust: TrustProxy): (address: string, hop: number) => boolean {
  if (!trust) return () => false;
  if ('hops' in trust) return (_address, hop) => hop < trust.hops;
  return proxyaddr.compile([...trust.list]);
}

/**
 * The address a request came from, by the one rule HTTP routes and socket connections share
 * (rate limits and join-guess limits count per address, so both must agree on it).
 */
export function clientAddressResolver(trust: TrustProxy): (req: IncomingMessage) => string {
  const fn = trustFunction(trust);
  return (req) => {
    if (!req.socket?.remoteAddress) return 'unknown';
    return proxyaddr(req as Parameters<typeof proxyaddr>[0], fn) || 'unknown';
  };
}
