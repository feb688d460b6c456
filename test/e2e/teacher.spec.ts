import type { Page } from '@playwright/test';
import { realClock, realDuration, realSeconds } from '../../shared/views/pace.ts';
import { expect, expectAccessible, hostRoom, person, screenshot, test } from './fixtures.ts';
import { expectInViewport } from './board-helpers.ts';
import { addStudents, closeAll } from './show-helpers.ts';

const LAPTOP = { width: 1366, height: 768 } as const;
/** The host setup page's height at 390×844 before it was made compact, for the record. */
const HOST_SETUP_390_BEFORE = 4950;
const PHONE = { width: 390, height: 844 } as const;
const seconds = (clock: string): number => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
const leftSeconds = async (page: Page): Promise<number> => seconds(/(\d+:\d\d)/.exec((await page.getByTestId('teacher-left').textContent()) ?? '')?.[1] ?? 'NaN');

/** Every control (inside shadow roots too) is at least 24×24 px, counting the label a checkbox or radio sits in. */
async function expectTargets(page: Page, screen: string): Promise<void> {
  const small = await page.evaluate(() => {
    const found: string[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement>('button, select, input, a.button, summary')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 && r.height === 0) continue;
        const label = el.closest('label')?.getBoundingClientRect();
        const w = Math.max(r.width, label?.width ?? 0);
        const h = Math.max(r.height, label?.height ?? 0);
        if (w < 24 || h < 24) found.push(`${el.dataset.testid ?? el.tagName.toLowerCase()} ${Math.round(w)}×${Math.round(h)}`);
      }
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return found;
  });
  expect(small, `${screen}: targets under 24×24 px`).toEqual([]);
}

/** Tabs through the page: every control that takes focus shows a focus ring. */
async function expectFocusRings(page: Page, screen: string, presses = 30): Promise<void> {
  const bare: string[] = [];
  for (let i = 0; i < presses; i++) {
    await page.keyboard.press('Tab');
    const seen = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      return { name: el.getAttribute('data-testid') ?? el.tagName.toLowerCase(), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    if (seen && !seen.ring) bare.push(seen.name);
  }
  expect(bare, `${screen}: focused without a visible focus ring`).toEqual([]);
}

test('the pace chosen at setup changes the scenario cards’ real play time and the created room’s speed', async ({ browser, baseURL }) => {
  const scenarios = (await (await fetch(`${baseURL}/api/scenarios`)).json()) as { id: string; title: string; durationS: number }[];
  const tutorial = scenarios.find((s) => s.id === 'tutorial')!;
  const card = (page: Page) => page.getByTestId('scenario-tutorial').getByTestId('scenario-playtime');

  const phone = await person(browser, baseURL!, PHONE);
  const ph = phone.page;
  await ph.goto('/host');
  await expect(card(ph)).toHaveText(`about ${realDuration(realSeconds(tutorial.durationS, 0.25))} to play at Classroom pace`);
  // On a phone the cards are short (only the chosen one tells its story), and Create is in view wherever the teacher is.
  await expectInViewport(ph, ph.getByTestId('create-room'), 'Create the room, on arrival');
  await expect(ph.getByTestId('create-summary')).toContainText(`${tutorial.title} · about`);
  await expect(ph.getByTestId('scenario-tutorial').locator('.summary')).toBeVisible();
  await expect(ph.getByTestId('scenario-flash-sale').locator('.summary')).toBeHidden();
  // What the teacher sees (a full-page shot would draw the sticky Create bar mid-page).
  await screenshot(ph, 'host-setup-390', { fullPage: false });
  const height = await ph.evaluate(() => document.documentElement.scrollHeight);
  console.log(`[teacher] host setup at 390x844: ${height}px (before this work: ${HOST_SETUP_390_BEFORE}px)`);
  expect(height).toBeLessThan(HOST_SETUP_390_BEFORE * 0.6);
  await ph.getByTestId('scenario-microvm-functions').click();
  await expect(ph.getByTestId('create-summary')).toContainText('MicroVMs: serverless for strangers');
  await expect(ph.getByTestId('scenario-microvm-functions').locator('.summary')).toBeVisible();
  await expectInViewport(ph, ph.getByTestId('create-room'), 'Create the room, after picking the last scenario');
  await screenshot(ph, 'host-setup-390-chosen', { fullPage: false });
  await phone.context.close();

  const teacher = await person(browser, baseURL!, LAPTOP);
  const t = teacher.page;
  await t.goto('/host');
  await expect(card(t)).toBeVisible();
  await expectInViewport(t, t.getByTestId('create-room'), 'Create the room at 1366×768');
  // Classroom is the default, and the card says what that means in real time, beside the simulated length.
  await expect(t.getByTestId('pace-classroom').locator('input')).toBeChecked();
  await expect(card(t)).toHaveText(`about ${realDuration(realSeconds(tutorial.durationS, 0.25))} to play at Classroom pace`);
  await expect(t.getByTestId('scenario-tutorial')).toContainText(`${tutorial.durationS / 60} simulated min`);
  await expectTargets(t, 'host setup');
  await expectAccessible(t, 'host setup with paces');
  await screenshot(t, 'host-setup-1366', { fullPage: false });
  await t.getByTestId('pace-relaxed').click();
  await expect(card(t)).toHaveText(`about ${realDuration(realSeconds(tutorial.durationS, 0.1))} to play at Relaxed pace`);
  await t.getByTestId('pace-brisk').click();
  await expect(card(t)).toHaveText(`about ${realDuration(realSeconds(tutorial.durationS, 0.5))} to play at Brisk pace`);

  // The room is made at that pace: the console says so, in real time.
  await t.getByTestId('scenario-tutorial').click();
  await t.getByTestId('mode-solo').check();
  await t.getByTestId('create-room').click();
  await expect(t).toHaveURL(/\/teach\/[A-Z0-9]{6}$/);
  await expect(t.getByTestId('speed')).toHaveValue('0.5');
  await expect(t.getByTestId('teacher-left')).toContainText(`${realClock(realSeconds(tutorial.durationS, 0.5))} to play`);
  await expect(t.getByTestId('pace-meaning')).toContainText('Brisk: a simulated minute takes 12 s');
  await teacher.context.close();
});

test('team mode sends the number of teams, and the console lists the teams with members', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!, LAPTOP);
  const t = teacher.page;
  await t.goto('/host');
  await t.getByTestId('scenario-tutorial').click();
  await t.getByTestId('mode-teams').check();
  await expect(t.getByTestId('team-total')).toHaveValue('4');
  await t.getByTestId('team-total').fill('3');
  const [request] = await Promise.all([t.waitForRequest((r) => r.url().endsWith('/api/rooms') && r.method() === 'POST'), t.getByTestId('create-room').click()]);
  expect(request.postDataJSON()).toMatchObject({ scenarioId: 'tutorial', mode: 'teams', speed: 0.25, teams: 3 });
  await expect(t).toHaveURL(/\/teach\/[A-Z0-9]{6}$/);
  const code = new URL(t.url()).pathname.split('/').pop()!;
  const students = await addStudents(baseURL!, code, 6);
  await expect(t.getByTestId('roster-row')).toHaveCount(6);
  // Six students over three teams: every team has members, and the chips count them.
  await expect(t.getByTestId('team-chip')).toHaveCount(3);
  const counts = await t.getByTestId('team-chip').locator('.n').allTextContents();
  expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(6);
  await screenshot(t, 'teacher-teams-1366');
  closeAll(students);
  await teacher.context.close();
});

test('the console shows the real time left and the projector link, and asks before ending the run', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const teacher = await person(browser, baseURL!, LAPTOP);
  const t = teacher.page;
  await teacher.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const code = await hostRoom(t, 'tutorial');
  const students = await addStudents(baseURL!, code, 3);
  await expect(t.getByTestId('roster-row')).toHaveCount(3);

  // The projector link: read-only key in the fragment, a copy button and an Open button.
  const link = t.getByTestId('projector-link');
  await expect(link).toHaveValue(new RegExp(`^${baseURL}/project/${code}#key=[A-Za-z0-9_-]{10,}$`));
  const href = await link.inputValue();
  // One Open projector (in the sticky header); the panel gives the link for another screen.
  await expect(t.getByTestId('open-projector')).toHaveAttribute('href', href);
  await expect(t.getByRole('link', { name: /Open projector/ })).toHaveCount(1);
  await expect(t.getByTestId('projector-panel')).toContainText('read-only projector key');
  await t.getByTestId('copy-projector-link').click();
  await expect(t.getByTestId('copy-status')).toContainText(/Copied|Ctrl\+C/);
  if ((await t.getByTestId('copy-status').textContent())?.includes('Copied')) expect(await t.evaluate(() => navigator.clipboard.readText())).toBe(href);

  // Lobby: the whole run in real time at Classroom pace (10 simulated minutes → 4:00); the scenario clock says "simulated".
  await expect(t.getByTestId('teacher-left')).toContainText('4:00 to play');
  await expect(t.getByTestId('teacher-clock')).toContainText('simulated');
  // The pace menu says what each pace means; the time left is the clock line's alone.
  await expect(t.locator('[data-testid=speed] option')).toHaveText([
    'Relaxed — 1 simulated min = 1 min',
    'Classroom — 1 simulated min = 24 s',
    'Brisk — 1 simulated min = 12 s',
    'Fast — 1 simulated min = 6 s',
    'Very fast — 1 simulated min = 3 s',
    'Fast-forward — 1 simulated min = 1.2 s',
    'Fast-forward ×10 — 1 simulated min = 0.6 s',
    'Fast-forward ×20 — 1 simulated min = 0.3 s',
  ]);
  // Who is ready matters in the lobby only.
  await expect(t.getByTestId('class-leaderboard').locator('thead th')).toContainText(['Ready']);
  await expect(t.getByTestId('inject-type')).toBeVisible();
  await t.getByTestId('inject-type').selectOption('trafficSpike');
  await t.getByTestId('inject-duration').fill('60');
  await expect(t.getByTestId('inject-duration-real')).toHaveText('about 24 s in real time at this pace');
  await expectTargets(t, 'teacher console');
  await expectAccessible(t, 'teacher console in the lobby');
  await screenshot(t, 'teacher-lobby-1366');
  await t.locator('body').click({ position: { x: 5, y: 5 } });
  await expectFocusRings(t, 'teacher console');

  await t.getByTestId('control-start').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'running');
  // The clock runs in real seconds: about a second off per second (after the 3-2-1, which stands still).
  await expect.poll(() => leftSeconds(t), { timeout: 15_000 }).toBeLessThan(239);
  const before = await leftSeconds(t);
  await t.waitForTimeout(2500);
  const after = await leftSeconds(t);
  expect(before - after).toBeGreaterThanOrEqual(1);
  expect(before - after).toBeLessThanOrEqual(4);
  await expect(t.getByTestId('teacher-left')).toContainText(/\d+:\d\d left/);
  await expect(t.getByTestId('header-left')).toContainText(/\d+:\d\d left/);
  await screenshot(t, 'teacher-running-1366');

  // "Next phase: debrief" says what it does and how much time it cuts short; Cancel changes nothing.
  await t.getByTestId('control-next').click();
  const dialog = t.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('Go to the debrief now?');
  await expect(dialog).toContainText(/This ends the run for everyone now, with \d+:\d\d left/);
  await expectAccessible(t, 'confirmation before the debrief');
  await screenshot(t, 'teacher-confirm-debrief-1366');
  await dialog.getByTestId('confirm-cancel').click();
  await expect(dialog).toBeHidden();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'running');
  await t.getByTestId('control-next').click();
  await t.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'debrief');
  // After the run: no pace to pick, no "ready" column, no time left anywhere.
  await expect(t.getByTestId('speed')).toHaveCount(0);
  await expect(t.getByTestId('pace-meaning')).toHaveText('Played at Classroom pace: a simulated minute takes 24 s.');
  await expect(t.getByTestId('class-leaderboard').locator('thead th', { hasText: 'Ready' })).toHaveCount(0);
  await expect(t.getByTestId('teacher-left')).toHaveCount(0);
  await expect(t.getByTestId('header-left')).toHaveCount(0);
  await screenshot(t, 'teacher-debrief-1366');

  // End asks too.
  await t.getByTestId('control-end').click();
  await expect(t.getByRole('dialog')).toContainText('End the session?');
  await t.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'ended');
  closeAll(students);
  await teacher.context.close();
});
