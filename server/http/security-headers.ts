import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The Content-Security-Policy the built client runs under: everything from this origin only.
 * `'self'` covers the socket.io WebSocket too (CSP 3 matches ws: to an http: page's own host and
 * port). QR codes are data: images. Style attributes are allowed (`style-src-attr`), but not
 * <style> elements or foreign style sheets: Lit templates bind widths with `style="width:…%"`
 * (score bars, usage bars, the class's placement bars, the replay's event markers) and set
 * layout with static style attributes; styleMap (CSSOM) would need no exception.
 */
export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'style-src-attr': ["'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'"],
  'font-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
} as const;

/** helmet, set for an app served over plain http on a classroom network. */
export function securityHeaders(): RequestHandler {
  return helmet({
    // No upgrade-insecure-requests: over LAN http it would send the browser to https that is not there.
    contentSecurityPolicy: { useDefaults: false, directives: Object.fromEntries(Object.entries(CONTENT_SECURITY_POLICY).map(([k, v]) => [k, [...v]])) },
    // The join code and host token are in page URLs: never hand them to another site.
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS over plain http is ignored at best; served over https by a proxy, the proxy decides.
    strictTransportSecurity: false,
    // Browsers ignore COOP on a plain-http LAN origin and log an error on every page.
    crossOriginOpenerPolicy: false,
    xFrameOptions: { action: 'deny' },
  });
}
