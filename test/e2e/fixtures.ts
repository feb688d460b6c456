import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, PlayerActionInput, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { applyView } from '../../shared/views/patch.ts';
import type { TeacherView } from '../../shared/views/types.ts';
import { PROTOCOL_VERSION } from '../../client/src/lib/protocol.ts';

export { expect };

export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** The server global-setup.ts started. */
export const test = base.extend<{ serverUrl: string }>({
  // Playwright reads a fixture's dependencies from its destructuring pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  serverUrl: async ({}, use) => {
    const url = process.env.CC_E2E_URL;
    if (!url) throw new Error('CC_E2E_URL is not set: run through playwright.config.ts (its global setup starts the server)');
    await use(url);
  },
  baseURL: async ({ serverUrl }, use) => use(serverUrl),
});

export const PHONE = { width: 360, height: 780 } as const;
export const DESKTOP = { width: 1440, height: 900 } as const;
export const PROJECTOR = { width: 1920, height: 1080 } as const;

/** The sizes issue 9 is judged at: a phone, a laptop, a 1080p projector and a 720p one. */
export const VIEWPORTS = {
  phone: { width: 390, height: 844 },
  laptop: { width: 1366, height: 768 },
  projector: { width: 1920, height: 1080 },
  projector720: { width: 1280, height: 720 },
} as const;
export type Viewport = { readonly width: number; readonly height: number };
/** "390x844": how screenshot names carry their viewport. */
export const sizeOf = (v: Viewport): string => `${v.width}x${v.height}`;

/** One person: a browser context of their own (own storage, own socket). */
export async function person(browser: Browser, baseURL: string, viewport: { width: number; height: number } = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  return { context, page };
}

/** The whole page from the top; `fullPage: false` for what the screen shows now (a modal dialog's backdrop covers only that). */
export async function screenshot(page: Page, name: string, { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Sticky headers are drawn where the page is scrolled to: shoot from the top.
  if (fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage });
}

/** Creates a room through the host setup page and returns its code (the teacher page is open). */
export async function hostRoom(page: Page, scenarioId: string, mode: 'solo' | 'teams' = 'solo'): Promise<string> {
  await page.goto('/host');
  await page.getByTestId(`scenario-${scenarioId}`).click();
  await page.getByTestId(`mode-${mode}`).check();
  await page.getByTestId('create-room').click();
  await expect(page).toHaveURL(/\/teach\/[A-Z0-9]{6}$/);
  const code = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByTestId('teacher-code')).toHaveText(code);
  return code;
}

/** Joins a room from the landing page as a student and waits for the board. */
export async function joinRoom(page: Page, code: string, nickname: string): Promise<void> {
  await page.goto('/');
  await page.getByTestId('join-code').fill(code.toLowerCase());
  await page.getByTestId('join-nickname').fill(nickname);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(new RegExp(`/play/${code}$`));
  await expect(page.getByTestId('cluster-board')).toBeVisible();
}

/** The axe rules every screen is held to: WCAG 2.2 AA (target-size is one of its rules) and axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * Runs axe on the page as it is now; serious and critical violations fail the test, with their
 * details, and so does any target-size one whatever axe rates it (a 24 px target is the floor on a phone).
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  // CC_AXE_ALL=1 lists the moderate and minor findings too (they do not fail the test).
  if (process.env.CC_AXE_ALL) {
    const target = results.passes.some((r) => r.id === 'target-size') ? 'passes' : results.incomplete.some((r) => r.id === 'target-size') ? 'needs review' : results.violations.some((r) => r.id === 'target-size') ? 'violated' : 'not applicable';
    console.log(`[axe] ${screen}: ${results.passes.length} rules pass, ${results.violations.length} violated, ${results.incomplete.length} need review; target-size ${target}`);
  }
  if (process.env.CC_AXE_ALL) for (const v of results.violations) console.log(`[axe] ${screen}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || v.id === 'target-size');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${n.failureSummary?.replace(/\n/g, '\n    ')}`).join('\n')}`).join('\n\n');
  expect(bad.length, `${screen}: axe found serious or critical violations:\n${report}`).toBe(0);
}

/** Nothing sticks out sideways: a phone never scrolls horizontally. */
export async function expectNoSidewaysScroll(page: Page, screen: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${screen} is ${scroll}px wide in a ${width}px viewport`).toBeLessThanOrEqual(width);
}

/** One focused control as the focus check saw it. */
interface FocusStop {
  readonly what: string;
  readonly visible: boolean;
  readonly style: string;
}

/**
 * WCAG 2.4.7/2.4.11: Tabs through the first `max` focusable controls from the top of the page and
 * fails on any that shows no focus indicator (an outline of at least 2 px that is not transparent,
 * or a box shadow). Stops early when the focus wraps round or leaves the page. `atLeast`: how many
 * controls the screen must have (0 for a screen that is only looked at, such as the projector's).
 */
export async function expectFocusVisible(page: Page, screen: string, { max = 25, atLeast = 1 }: { max?: number; atLeast?: number } = {}): Promise<number> {
  // Blurring leaves Tab's starting point where the focus was: start from a mark at the top of the page instead.
  // (Behind a modal dialog the mark cannot take the focus: the walk then starts after the control the dialog focused.)
  await page.evaluate(() => {
    const mark = document.createElement('div');
    mark.tabIndex = -1;
    mark.id = 'cc-focus-start';
    document.body.prepend(mark);
    mark.focus();
    (window as unknown as { __ccFocusSeen?: WeakSet<Element> }).__ccFocusSeen = new WeakSet();
  });
  const stops: FocusStop[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((): FocusStop | 'wrapped' | null => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body || el === document.documentElement) return null;
      const seen = (window as unknown as { __ccFocusSeen: WeakSet<Element> }).__ccFocusSeen;
      if (seen.has(el)) return 'wrapped';
      seen.add(el);
      const cs = getComputedStyle(el);
      const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2 && cs.outlineColor !== 'rgba(0, 0, 0, 0)' && cs.outlineColor !== 'transparent';
      const shadow = cs.boxShadow !== '' && cs.boxShadow !== 'none';
      const testId = el.getAttribute('data-testid');
      const text = (el.getAttribute('aria-label') ?? (el as HTMLElement).innerText ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      const host = (el.getRootNode() as ShadowRoot).host?.localName;
      const what = `${host ? `${host} >> ` : ''}${el.localName}${testId ? `[data-testid=${testId}]` : ''}${text ? ` "${text}"` : ''}`;
      return { what, visible: outline || shadow, style: `outline ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}, box-shadow ${cs.boxShadow}` };
    });
    if (i === 0) await page.evaluate(() => document.getElementById('cc-focus-start')?.remove());
    if (stop === null || stop === 'wrapped') break;
    stops.push(stop);
  }
  await page.evaluate(() => document.getElementById('cc-focus-start')?.remove());
  const hidden = stops.filter((s) => !s.visible);
  if (process.env.CC_AXE_ALL) console.log(`[focus] ${screen}: ${stops.length} controls, ${hidden.length} without a visible indicator: ${stops.map((s) => s.what).join(' | ')}`);
  expect(stops.length, `${screen}: Tab reached fewer controls than it should`).toBeGreaterThanOrEqual(atLeast);
  expect(hidden.map((s) => `${s.what} (${s.style})`), `${screen}: focused controls without a visible focus indicator`).toEqual([]);
  return stops.length;
}

/**
 * WCAG 2.3.3: with prefers-reduced-motion, nothing on the page moves. Fails on any running or
 * pending animation or transition (CSS or Web Animations, in any shadow root) that changes where
 * or how big something is: transform, translate, rotate, scale, a position offset or a size.
 * Fades and colour changes may stay.
 */
export async function expectNoMotion(page: Page, screen: string): Promise<void> {
  const moving = await page.evaluate(() => {
    const MOTION = /^(transform|translate|rotate|scale|top|left|right|bottom|inset.*|width|height|margin.*)$/;
    // document.getAnimations() leaves out shadow trees: ask every shadow root too.
    const all = new Set<Animation>(document.getAnimations());
    const roots: (Document | ShadowRoot)[] = [document];
    while (roots.length > 0) {
      for (const el of roots.pop()!.querySelectorAll('*')) {
        if (!el.shadowRoot) continue;
        for (const a of el.shadowRoot.getAnimations()) all.add(a);
        roots.push(el.shadowRoot);
      }
    }
    return [...all]
      .filter((a) => a.playState === 'running' || a.pending)
      .flatMap((a) => {
        const effect = a.effect as KeyframeEffect | null;
        const props = new Set<string>();
        for (const frame of effect?.getKeyframes() ?? []) for (const key of Object.keys(frame)) if (MOTION.test(key)) props.add(key);
        if (a instanceof CSSTransition && MOTION.test(a.transitionProperty)) props.add(a.transitionProperty);
        if (props.size === 0) return [];
        const target = effect?.target;
        const host = (target?.getRootNode() as ShadowRoot | undefined)?.host?.localName;
        const name = a instanceof CSSAnimation ? a.animationName : a instanceof CSSTransition ? `transition ${a.transitionProperty}` : (a.id || 'script animation');
        return [`${host ? `${host} >> ` : ''}${target?.localName ?? '?'}${target?.getAttribute('data-testid') ? `[data-testid=${target.getAttribute('data-testid')}]` : ''}${target?.className && typeof target.className === 'string' ? `.${target.className.split(' ').join('.')}` : ''}: ${name} (${[...props].join(', ')})`];
      });
  });
  // Soft: one run lists every moment that moves, and the test still fails.
  expect.soft(moving, `${screen}: moves although the viewer asked for reduced motion`).toEqual([]);
}

/** Presses Tab until the focused element (inside any shadow root) has this data-testid. */
export async function tabTo(page: Page, testId: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.getAttribute('data-testid') ?? null;
    });
    if (focused === testId) return;
  }
  throw new Error(`could not reach [data-testid=${testId}] with Tab`);
}

/** Content-Security-Policy violations seen in a context's pages, as readable lines. */
export interface CspWatch {
  readonly violations: string[];
  /** Starts watching a page opened some other way than through the context (none so far). */
  watch(page: Page): void;
}

/**
 * Records every CSP violation in a context: the `securitypolicyviolation` event (from an init
 * script, so it is in place before the page's own scripts run) and Chromium's console lines
 * about the policy. New pages of the context (a projector opened from the console) are watched too.
 */
export async function watchCsp(context: BrowserContext): Promise<CspWatch> {
  const violations: string[] = [];
  await context.addInitScript(() => {
    window.addEventListener(
      'securitypolicyviolation',
      (e) => console.error(`[csp-violation] ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || e.documentURI}:${e.lineNumber} ${e.sample}`),
      true,
    );
  });
  const watched = new WeakSet<Page>();
  const watch = (page: Page) => {
    if (watched.has(page)) return;
    watched.add(page);
    page.on('console', (message) => {
      const text = message.text();
      if (text.startsWith('[csp-violation]') || /Content Security Policy/i.test(text)) violations.push(`${page.url()}: ${text}`);
    });
  };
  for (const page of context.pages()) watch(page);
  context.on('page', watch);
  return { violations, watch };
}

type ClassSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ApiRoom {
  readonly code: string;
  readonly hostToken: string;
  /** The read-only projector key; null from a server that does not hand one out yet. */
  readonly projectorToken: string | null;
}

/** Creates a room through POST /api/rooms, as the host setup page does. */
export async function createRoom(baseURL: string, body: { scenarioId?: string; scenario?: unknown; mode?: 'solo' | 'teams'; speed?: number; teams?: number }): Promise<ApiRoom> {
  const post = (b: object) => fetch(`${baseURL}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ mode: 'solo', ...b }) });
  let res = await post(body);
  // A server that does not take the pace at creation yet: create without it and set it over the socket.
  const { speed, teams: _teams, ...older } = body;
  const fallback = res.status === 400 && /speed|teams/.test(await res.clone().text());
  if (fallback) res = await post(older);
  expect(res.status, await res.clone().text()).toBe(201);
  const reply = (await res.json()) as { code: string; hostToken: string; projectorToken?: string | null };
  const room = { code: reply.code, hostToken: reply.hostToken, projectorToken: reply.projectorToken ?? null };
  if (fallback && speed !== undefined) {
    const host = await hostControl(baseURL, room);
    await host.speed(speed);
    host.close();
  }
  return room;
}

/** The teacher's commands over a socket of its own, each failing the test when refused. */
export interface HostControl {
  /** Where the session's replay will be, as the server tells the teacher. */
  readonly replayId: string | null;
  /** The teacher's view as it stands (patches applied as they come). */
  view(): TeacherView | null;
  /** Waits until the room's simulated clock reaches `second`. */
  reachSecond(second: number, timeoutMs?: number): Promise<void>;
  control(command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end'): Promise<void>;
  speed(speed: number): Promise<void>;
  inject(event: Record<string, unknown>): Promise<void>;
  balance(teams?: number): Promise<void>;
  close(): void;
}

export async function hostControl(baseURL: string, room: ApiRoom): Promise<HostControl> {
  const socket: ClassSocket = io(baseURL, { transports: ['websocket'], reconnection: false });
  let view: TeacherView | null = null;
  socket.on('view:teacher', (patch) => {
    view = applyView(view, patch);
  });
  const reply = await socket.timeout(10_000).emitWithAck('room:host', { protocol: PROTOCOL_VERSION, code: room.code, hostToken: room.hostToken });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  const ok = (r: { ok: boolean }) => expect(r.ok, JSON.stringify(r)).toBe(true);
  return {
    replayId: reply.ok ? reply.replayId : null,
    view: () => view,
    reachSecond: (second, timeoutMs = 30_000) => expect.poll(() => view?.room.timeS ?? 0, { timeout: timeoutMs, message: `the room's clock reaches ${second} s` }).toBeGreaterThanOrEqual(second),
    control: async (command) => ok(await socket.timeout(10_000).emitWithAck('host:control', { command })),
    speed: async (speed) => ok(await socket.timeout(10_000).emitWithAck('host:speed', { speed })),
    inject: async (event) => ok(await socket.timeout(10_000).emitWithAck('host:inject', { event } as never)),
    balance: async (teams) => ok(await socket.timeout(10_000).emitWithAck('host:balance', teams === undefined ? {} : { teams })),
    close: () => socket.close(),
  };
}

/** A student played by a socket.io client: a seat, and the placements it is told to make. */
export interface Bot {
  readonly playerId: string;
  act(action: PlayerActionInput): Promise<boolean>;
  close(): void;
}

export async function bot(baseURL: string, code: string, nickname: string): Promise<Bot> {
  const socket: ClassSocket = io(baseURL, { transports: ['websocket'], reconnection: false });
  const reply = await socket.timeout(10_000).emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, nickname, deviceId: `bot-device-${nickname}-${Math.random().toString(16).slice(2)}` });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return {
    playerId: reply.ok ? reply.playerId : '',
    act: async (action) => (await socket.timeout(10_000).emitWithAck('player:act', { action })).ok,
    close: () => socket.close(),
  };
}

/** A browser context that holds the room's host key, as the one that created it would. */
export async function teacherContext(browser: Browser, baseURL: string, room: ApiRoom, viewport: Viewport = VIEWPORTS.laptop): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  await context.addInitScript(([code, token]) => localStorage.setItem(`cc:host:${code}`, token), [room.code, room.hostToken] as const);
  return { context, page: await context.newPage() };
}

/**
 * A fresh browser on the projector link (`/project/CODE#key=TOKEN`). Until the server hands out
 * projector keys, the link carries the host key (also accepted there) and the browser holds it too.
 */
export async function projectorContext(browser: Browser, baseURL: string, room: ApiRoom, viewport: Viewport = VIEWPORTS.projector, options: { reducedMotion?: 'reduce' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, ...options });
  if (!room.projectorToken) await context.addInitScript(([code, token]) => localStorage.setItem(`cc:host:${code}`, token), [room.code, room.hostToken] as const);
  const page = await context.newPage();
  await page.goto(`/project/${room.code}#key=${room.projectorToken ?? room.hostToken}`);
  return { context, page };
}

/** A student's phone (touch, mobile viewport) or laptop. */
export async function studentContext(browser: Browser, baseURL: string, viewport: Viewport = VIEWPORTS.phone, options: { reducedMotion?: 'reduce' } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const phone = viewport.width < 760;
  const context = await browser.newContext({ baseURL, viewport, isMobile: phone, hasTouch: phone, deviceScaleFactor: phone ? 2 : 1, ...options });
  return { context, page: await context.newPage() };
}

/** Joins by the room's link and waits for the board. */
export async function joinByLink(page: Page, code: string, nickname: string): Promise<void> {
  await page.goto(`/join/${code}`);
  await page.getByTestId('join-nickname').fill(nickname);
  await page.getByTestId('join-submit').click();
  await expect(page).toHaveURL(new RegExp(`/play/${code}$`));
  await expect(page.getByTestId('cluster-board')).toBeVisible();
}
