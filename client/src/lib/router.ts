/** The client's routes. The server answers each of these paths with index.html (SPA fallback). */
export type Route =
  | { readonly name: 'landing'; readonly code: string | null }
  | { readonly name: 'host' }
  | { readonly name: 'teach'; readonly code: string }
  | { readonly name: 'project'; readonly code: string }
  | { readonly name: 'play'; readonly code: string }
  | { readonly name: 'replay'; readonly id: string }
  | { readonly name: 'assignment-play'; readonly id: string }
  | { readonly name: 'assignment-teach'; readonly id: string }
  | { readonly name: 'notFound'; readonly path: string };

export const ROOM_CODE = /^[A-Z0-9]{6}$/;
export const REPLAY_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A self-paced assignment's id (case-sensitive): the student link is /a/ID. */
export const ASSIGNMENT_ID = /^[A-Za-z0-9]{10}$/;

/** What a person typed as a room code: case and spaces do not matter. */
export const normaliseCode = (text: string): string => text.replace(/[\s-]+/g, '').toUpperCase();

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { name: 'landing', code: null };
  const [head, arg, ...rest] = parts;
  if (head === 'host' && arg === undefined) return { name: 'host' };
  if (arg !== undefined && rest.length === 0) {
    // Replay ids are case-sensitive, unlike room codes.
    if (head === 'replay') return REPLAY_ID.test(arg) ? { name: 'replay', id: arg } : { name: 'notFound', path: pathname };
    if (head === 'a' || head === 'assignment') return ASSIGNMENT_ID.test(arg) ? { name: head === 'a' ? 'assignment-play' : 'assignment-teach', id: arg } : { name: 'notFound', path: pathname };
    const code = normaliseCode(arg);
    if (head === 'join') return { name: 'landing', code: ROOM_CODE.test(code) ? code : null };
    if (ROOM_CODE.test(code) && (head === 'teach' || head === 'project' || head === 'play')) return { name: head, code };
  }
  return { name: 'notFound', path: pathname };
}

export const NAVIGATE_EVENT = 'cc-navigate';

/** Client-side navigation: the app shell listens and swaps the page. */
export function navigate(path: string, { replace = false } = {}): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
}

/**
 * A click handler for an in-app `<a href>`: navigates without a page load. A ctrl-, cmd- or
 * shift-click, or a middle click, is left to the browser (a new tab or window).
 */
export function followLink(e: MouseEvent): void {
  if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  navigate((e.currentTarget as HTMLAnchorElement).getAttribute('href') ?? '/');
}

/** The projector's read-only link. The key rides in the fragment, which a browser never sends to a server. */
export const projectorLink = (origin: string, code: string, token: string): string => `${origin}/project/${code}#key=${encodeURIComponent(token)}`;

/** The `key` of a `#key=TOKEN` fragment, or null. */
export function keyFromHash(hash: string): string | null {
  const key = new URLSearchParams(hash.replace(/^#/, '')).get('key');
  return key && /^[A-Za-z0-9_-]{10,100}$/.test(key) ? key : null;
}
