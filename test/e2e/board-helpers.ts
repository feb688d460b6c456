import { io, type Socket } from 'socket.io-client';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { PROTOCOL_VERSION } from '../../client/src/lib/protocol.ts';
import { expect } from './fixtures.ts';

/**
 * Helpers for the student-board specs: a teacher driven over the API and a socket (no console
 * page to click through), and students on phones, each in a browser context of their own.
 */

export const PHONE_390 = { width: 390, height: 844 } as const;
export const LAPTOP_1366 = { width: 1366, height: 768 } as const;

type TeacherSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Teacher {
  readonly code: string;
  readonly hostToken: string;
  /** Sends one teacher command and fails the test on a refusal. */
  control(command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end'): Promise<void>;
  speed(speed: number): Promise<void>;
  inject(event: Record<string, unknown>): Promise<void>;
  close(): void;
}

/**
 * Creates a room through POST /api/rooms (a built-in scenario or an uploaded one) and connects as
 * its teacher. `speed` is asked for at creation and set again over the socket, so a server that
 * takes it either way runs the room at that pace.
 */
export async function teacherRoom(baseURL: string, what: { scenarioId: string } | { scenario: unknown }, speed = 1, mode: 'solo' | 'teams' = 'solo'): Promise<Teacher> {
  let res = await fetch(`${baseURL}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...what, mode, speed }) });
  // A server that does not know `speed` yet refuses the field: create without it and set it below.
  if (res.status === 400) res = await fetch(`${baseURL}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...what, mode }) });
  expect(res.status, await res.clone().text()).toBe(201);
  const { code, hostToken } = (await res.json()) as { code: string; hostToken: string };
  const socket: TeacherSocket = io(baseURL, { transports: ['websocket'], reconnection: false });
  const reply = await socket.timeout(10_000).emitWithAck('room:host', { protocol: PROTOCOL_VERSION, code, hostToken });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  const ok = (r: { ok: boolean }) => expect(r.ok, JSON.stringify(r)).toBe(true);
  const teacher: Teacher = {
    code,
    hostToken,
    control: async (command) => ok(await socket.timeout(10_000).emitWithAck('host:control', { command })),
    speed: async (s) => ok(await socket.timeout(10_000).emitWithAck('host:speed', { speed: s })),
    inject: async (event) => ok(await socket.timeout(10_000).emitWithAck('host:inject', { event } as never)),
    close: () => socket.close(),
  };
  if (speed >= 0.25) await teacher.speed(speed);
  return teacher;
}

/** A student on a phone (touch, mobile viewport), or at another size. */
export async function student(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = PHONE_390,
  options: { reducedMotion?: 'reduce' | 'no-preference' } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const phone = viewport.width < 760;
  const context = await browser.newContext({ baseURL, viewport, isMobile: phone, hasTouch: phone, deviceScaleFactor: phone ? 2 : 1, ...options });
  return { context, page: await context.newPage() };
}

/** Joins through the landing page and waits for the board. */
export async function joinAs(page: Page, code: string, nickname: string): Promise<void> {
  await page.goto(`/join/${code}`);
  await page.getByTestId('join-nickname').fill(nickname);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(new RegExp(`/play/${code}$`));
  await expect(page.getByTestId('cluster-board')).toBeVisible();
}

export const hostCard = (page: Page, id: string) => page.locator(`[data-testid=host][data-host="${id}"]`);
export const instancesOf = (page: Page, appId: string) => page.locator(`[data-testid=instance][data-app="${appId}"]`);

/** The document's scroll height: how far a phone has to scroll to see the whole board. */
export const pageHeight = (page: Page): Promise<number> => page.evaluate(() => document.documentElement.scrollHeight);

/** The element's box lies wholly inside the viewport. */
export async function expectInViewport(page: Page, selector: ReturnType<Page['locator']>, what: string): Promise<void> {
  const box = await selector.boundingBox();
  const size = page.viewportSize()!;
  expect(box, `${what} has no box`).not.toBeNull();
  expect(box!.y, `${what} starts above the viewport`).toBeGreaterThanOrEqual(0);
  expect(box!.x, `${what} starts left of the viewport`).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `${what} ends below the viewport (${box!.y}+${box!.height} > ${size.height})`).toBeLessThanOrEqual(size.height);
  expect(box!.x + box!.width, `${what} ends right of the viewport`).toBeLessThanOrEqual(size.width);
}
