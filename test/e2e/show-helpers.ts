import type { BrowserContext, Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PlayerActionInput, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { applyView, type ProjectorView, type TeacherView, type ViewDelta } from '../../shared/views/index.ts';
import { expect } from './fixtures.ts';

/** Helpers for the teacher and projector tests: rooms over the API, students and teachers as real socket.io clients. */

export type ShowSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const P = PROTOCOL_VERSION;

export interface ApiRoom {
  readonly code: string;
  readonly hostToken: string;
  readonly projectorToken: string;
}

/** POST /api/rooms, as the host setup page does. */
export async function apiRoom(baseURL: string, body: Record<string, unknown>): Promise<ApiRoom> {
  const res = await fetch(`${baseURL}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
  return (await res.json()) as ApiRoom;
}

export function socket(baseURL: string): ShowSocket {
  return io(baseURL, { transports: ['websocket'], forceNew: true, reconnection: false }) as ShowSocket;
}

/** A teacher over a socket (to drive a room fast while a browser watches), keeping its merged view. */
export async function teacherSocket(baseURL: string, room: ApiRoom): Promise<ShowSocket & { view: () => TeacherView | null }> {
  const s = socket(baseURL);
  let view: TeacherView | null = null;
  s.on('view:teacher', (patch) => (view = applyView(view, patch as ViewDelta<TeacherView>)));
  const reply = await s.emitWithAck('room:host', { protocol: P, code: room.code, hostToken: room.hostToken });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return Object.assign(s, { view: () => view });
}

/** A projector over a socket with the read-only key, keeping its merged view. */
export function projectorSocket(baseURL: string): ShowSocket & { view: () => ProjectorView | null } {
  const s = socket(baseURL);
  let view: ProjectorView | null = null;
  s.on('view:projector', (patch) => (view = applyView(view, patch as ViewDelta<ProjectorView>)));
  return Object.assign(s, { view: () => view });
}

const FIRST = ['Ada', 'Linus', 'Grace', 'Ken', 'Radia', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Hedy', 'Tim', 'Katherine', 'Vint', 'Margaret', 'Guido', 'Sophie', 'Bjarne', 'Anita', 'Yukihiro', 'Joan'];

/** Nicknames a class might pick: distinct, some long. */
export const nickname = (i: number): string => (i < FIRST.length ? FIRST[i]! : `${FIRST[i % FIRST.length]} ${String.fromCharCode(65 + Math.floor(i / FIRST.length) - 1)}.`);

/** Seats `count` students as socket.io clients (a few at a time, as a class arrives). */
export async function addStudents(baseURL: string, code: string, count: number, from = 0): Promise<ShowSocket[]> {
  const students: ShowSocket[] = [];
  for (let i = from; i < from + count; i += 10) {
    const batch = Array.from({ length: Math.min(10, from + count - i) }, () => socket(baseURL));
    const joins = await Promise.all(batch.map((s, j) => s.emitWithAck('room:join', { protocol: P, code, nickname: nickname(i + j) })));
    for (const j of joins) expect(j.ok, JSON.stringify(j)).toBe(true);
    students.push(...batch);
  }
  return students;
}

export async function act(student: ShowSocket, action: PlayerActionInput): Promise<boolean> {
  return (await student.emitWithAck('player:act', { action })).ok;
}

export const closeAll = (sockets: readonly ShowSocket[]): void => sockets.forEach((s) => s.close());

/** No scrollbar either way: the document is no larger than the viewport. */
export async function expectNoScrollbar(page: Page, screen: string): Promise<void> {
  const size = await page.evaluate(() => ({
    scrollHeight: document.documentElement.scrollHeight,
    scrollWidth: document.documentElement.scrollWidth,
    innerHeight: window.innerHeight,
    innerWidth: window.innerWidth,
  }));
  expect(size.scrollHeight, `${screen}: ${size.scrollHeight}px tall in a ${size.innerHeight}px viewport`).toBeLessThanOrEqual(size.innerHeight);
  expect(size.scrollWidth, `${screen}: ${size.scrollWidth}px wide in a ${size.innerWidth}px viewport`).toBeLessThanOrEqual(size.innerWidth);
}

/**
 * Nothing that should show is cut off: every element matching `selector` (inside shadow roots too)
 * lies within the viewport.
 */
export async function expectInsideViewport(page: Page, selector: string, screen: string): Promise<void> {
  const outside = await page.evaluate((sel) => {
    const found: Element[] = [];
    const walk = (root: Document | ShadowRoot) => {
      found.push(...root.querySelectorAll(sel));
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return found
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width > 0 && (r.bottom > window.innerHeight + 1 || r.right > window.innerWidth + 1 || r.top < -1 || r.left < -1))
      .map(({ el, r }) => `${el.getAttribute('data-testid') ?? el.tagName} at ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}`);
  }, selector);
  expect(outside, `${screen}: cut off by the viewport`).toEqual([]);
}

/** Gives a browser context the host key of a room made over the API, as if it had created it. */
export async function holdHostKey(context: BrowserContext, room: ApiRoom): Promise<void> {
  await context.addInitScript(([code, token]) => localStorage.setItem(`cc:host:${code}`, token), [room.code, room.hostToken] as const);
}
