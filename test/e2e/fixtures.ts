import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

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

/** One person: a browser context of their own (own storage, own socket). */
export async function person(browser: Browser, baseURL: string, viewport: { width: number; height: number } = DESKTOP): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  return { context, page };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Sticky headers are drawn where the page is scrolled to: shoot from the top.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
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

/** Runs axe on the page as it is now; serious and critical violations fail the test, with their details. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  // CC_AXE_ALL=1 lists the moderate and minor findings too (they do not fail the test).
  if (process.env.CC_AXE_ALL) console.log(`[axe] ${screen}: ${results.passes.length} rules pass, ${results.violations.length} violated, ${results.incomplete.length} need review`);
  if (process.env.CC_AXE_ALL) for (const v of results.violations) console.log(`[axe] ${screen}: ${v.impact} ${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}\n    ${n.failureSummary?.replace(/\n/g, '\n    ')}`).join('\n')}`).join('\n\n');
  expect(bad.length, `${screen}: axe found serious or critical violations:\n${report}`).toBe(0);
}

/** Nothing sticks out sideways: a phone never scrolls horizontally. */
export async function expectNoSidewaysScroll(page: Page, screen: string): Promise<void> {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll, `${screen} is ${scroll}px wide in a ${width}px viewport`).toBeLessThanOrEqual(width);
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
