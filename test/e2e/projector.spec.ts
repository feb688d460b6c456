import type { Browser, Page } from '@playwright/test';
import { expect, expectAccessible, hostRoom, person, screenshot, teacherContext, test } from './fixtures.ts';
import { P, act, addStudents, apiRoom, closeAll, expectInsideViewport, expectNoScrollbar, projectorSocket, teacherSocket, type ApiRoom } from './show-helpers.ts';

const BIG = { width: 1920, height: 1080 } as const;
const SMALL = { width: 1280, height: 720 } as const;
const LAPTOP = { width: 1366, height: 768 } as const;

/** A browser that never created the room: its own context, opening the projector link. */
async function projectorBrowser(browser: Browser, baseURL: string, room: ApiRoom, viewport = BIG) {
  const p = await person(browser, baseURL, viewport);
  await p.page.goto(`/project/${room.code}#key=${room.projectorToken}`);
  await expect(p.page.getByTestId('projector')).toBeVisible();
  return p;
}

/** The show fits the projector sizes (and an old 4:3 one): no scrollbar, nothing outside the screen; a screenshot of each. */
async function fitsBothSizes(page: Page, state: string): Promise<void> {
  for (const [size, viewport] of [
    ['1920', BIG],
    ['1280', SMALL],
    ['1024', { width: 1024, height: 768 }],
  ] as const) {
    await page.setViewportSize(viewport);
    // Let the standings and roster measure the new size (a ResizeObserver, then a render).
    await page.waitForTimeout(400);
    await expectNoScrollbar(page, `projector ${state} at ${size}`);
    await expectInsideViewport(page, '[data-testid=projector-row], [data-testid=projector-name], [data-testid=projector-more], [data-testid=projector-code], [data-testid=join-qr], [data-testid=podium-place], [data-testid=projector-reference], [data-testid=event-banner]', `projector ${state} at ${size}`);
    await screenshot(page, `projector-${state}-${size}`);
  }
  await page.setViewportSize(BIG);
}

/** The standings' points as shown and as they are: a row counting up shows a number on its way. */
async function standingPoints(page: Page): Promise<{ shown: string; target: string }[]> {
  return page.evaluate(() => {
    const fmt = (x: number) => (Math.round(x * 10) / 10).toLocaleString('en', { maximumFractionDigits: 1 });
    const found: { shown: string; target: string }[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement & { value: number }>('[data-testid=projector-points] cc-count-up'))
        found.push({ shown: el.shadowRoot?.textContent?.trim() ?? '', target: fmt(el.value) });
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return found;
  });
}
const counting = async (page: Page): Promise<boolean> => (await standingPoints(page)).some((p) => p.shown !== p.target);

test('the projector link works in a fresh browser that never created the room, and cannot drive it', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!, LAPTOP);
  const code = await hostRoom(teacher.page, 'tutorial');
  const href = await teacher.page.getByTestId('projector-link').inputValue();
  const key = new URL(href).hash.replace('#key=', '');

  const wall = await person(browser, baseURL!, BIG);
  const w = wall.page;
  // The key never goes to the server in a URL: the page is requested without the fragment.
  const requested: string[] = [];
  w.on('request', (r) => requested.push(r.url()));
  await w.goto(href);
  await expect(w.getByTestId('projector-code')).toHaveText(code);
  await expect(w.getByTestId('join-qr')).toBeVisible();
  expect(requested.filter((u) => u.includes(key))).toEqual([]);
  // Read once, then taken off the address bar, so it is not on the big screen.
  await expect.poll(() => w.url()).toBe(`${baseURL}/project/${code}`);
  // A refresh of the same tab still shows the room (the key stays with the tab).
  await w.reload();
  await expect(w.getByTestId('projector-code')).toHaveText(code);

  // No controls: nothing on the projector drives the room.
  for (const id of ['control-start', 'control-pause', 'control-next', 'control-end', 'speed', 'lock', 'inject-submit', 'kick']) await expect(w.getByTestId(id)).toHaveCount(0);
  await expect(w.locator('button')).toHaveCount(1); // the sound switch, which only this screen hears
  await expect(w.getByTestId('sound-toggle')).toHaveAttribute('aria-pressed', 'false');
  await expectAccessible(w, 'projector lobby (projector link)');

  // The server refuses host commands from the projector key.
  const spy = projectorSocket(baseURL!);
  const joined = await spy.emitWithAck('room:project', { protocol: P, code, projectorToken: key });
  expect(joined.ok && joined.role).toBe('projector');
  expect(joined.ok && joined.projectorToken).toBeNull();
  const refused = await spy.emitWithAck('host:control', { command: 'start' });
  expect(refused.ok).toBe(false);
  expect((await spy.emitWithAck('room:host', { protocol: P, code, hostToken: key })).ok).toBe(false);
  await expect(teacher.page.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'lobby');
  await expect(w.getByTestId('projector-status')).toHaveAttribute('data-phase', 'lobby');
  spy.close();

  // Without the key, the page says plainly how to get the link.
  const stranger = await person(browser, baseURL!, BIG);
  await stranger.page.goto(`/project/${code}`);
  await expect(stranger.page.getByTestId('projector-error')).toContainText('Copy link');
  await expect(stranger.page.getByTestId('projector-error')).toContainText('Projector');
  await expect(stranger.page.getByTestId('projector-error')).toContainText('#key=');
  await screenshot(stranger.page, 'projector-no-key-1920');
  // A wrong key is refused, and says so.
  // (A new tab: changing only the fragment would not load the page again.)
  const wrong = await stranger.context.newPage();
  await wrong.goto(`/project/${code}#key=not-the-right-key-at-all`);
  await expect(wrong.getByTestId('projector-error')).toContainText('not valid');

  for (const p of [teacher, wall, stranger]) await p.context.close();
});

test('with 60 students the projector fits 1920×1080 and 1280×720 without a scrollbar: lobby, running, debrief', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const room = await apiRoom(baseURL!, { scenarioId: 'untrusted-tenants', mode: 'solo', speed: 2 });
  const students = await addStudents(baseURL!, room.code, 60);
  const teacher = await teacherSocket(baseURL!, room);
  // Varied plans, so the standings differ: some share host A's kernel with an untrusted plug-in, some use VMs.
  await Promise.all(
    students.map(async (s, i) => {
      await act(s, { type: 'deploy', appId: 'portal', runtime: 'container', target: 'host-b' });
      if (i % 3 === 0) await act(s, { type: 'deploy', appId: 'plugin-acme', runtime: 'container', target: 'host-a' });
      if (i % 2 === 0) await act(s, { type: 'deploy', appId: 'billing', runtime: 'container', target: 'host-a' });
      if (i % 5 === 0) await act(s, { type: 'deploy', appId: 'billing', runtime: 'container', target: 'host-c' }); // refused: no host OS
    }),
  );
  const wall = await projectorBrowser(browser, baseURL!, room);
  const w = wall.page;
  await expect(w.getByTestId('projector-count')).toHaveText('60');
  // Names are capped to what fits, with a count of the rest.
  await expect(w.getByTestId('projector-more-names')).toBeVisible();
  await fitsBothSizes(w, 'lobby');

  expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
  await expect(w.getByTestId('projector-status')).toHaveAttribute('data-phase', 'running');
  await expect(w.getByTestId('projector-countdown')).toHaveCount(0, { timeout: 10_000 });
  expect((await teacher.emitWithAck('host:inject', { event: { type: 'kernelExploit', os: 'linux' } })).ok).toBe(true);
  await expect(w.locator('[data-testid=event-banner][data-type=kernelExploit]')).toBeVisible();
  // The join box shrinks to a corner; the standings show the rows that fit and count the rest.
  await expect(w.getByTestId('projector-join')).toHaveAttribute('data-compact', 'true');
  await expect(w.getByTestId('projector-more')).toContainText(/and \d+ more clusters/);
  const shown = await w.getByTestId('projector-row').count();
  await expect(w.getByTestId('projector-more')).toHaveText(`and ${60 - shown} more clusters`);
  await expect(w.getByTestId('projector-left')).toContainText(/\d+:\d\d/);
  // The teacher's console lists the top 50 and says how many there are (a class of 2,000 is not read row by row).
  const console_ = await teacherContext(browser, baseURL!, room);
  await console_.page.goto(`/teach/${room.code}`);
  await expect(console_.page.getByTestId('class-leader-row')).toHaveCount(50);
  await expect(console_.page.getByTestId('leaderboard-more')).toHaveText('The top 50 of 60 clusters.');
  await screenshot(console_.page, 'teacher-60-students-1366x768');
  await console_.context.close();
  // The points count up to each new score rather than jump (at this pace they change every tenth of a second).
  await expect.poll(() => counting(w), { timeout: 15_000, intervals: [50] }).toBe(true);
  await fitsBothSizes(w, 'running');

  expect((await teacher.emitWithAck('host:control', { command: 'nextPhase' })).ok).toBe(true);
  await expect(w.getByTestId('projector-status')).toHaveAttribute('data-phase', 'debrief');
  await expect(w.getByTestId('podium-place')).toHaveCount(3);
  await expect(w.getByTestId('projector-reference')).toHaveCount(4, { timeout: 60_000 });
  await fitsBothSizes(w, 'debrief');

  closeAll([...students, teacher]);
  await wall.context.close();
});

test('the show: a 3-2-1 countdown, a pause overlay, an event banner with what it did to the class', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const room = await apiRoom(baseURL!, { scenarioId: 'untrusted-tenants', mode: 'solo' });
  const students = await addStudents(baseURL!, room.code, 4, 60);
  const teacher = await teacherSocket(baseURL!, room);
  // Two of four share host A's kernel between billing and an untrusted plug-in: the exploit breaches them.
  await Promise.all(
    students.map(async (s, i) => {
      await act(s, { type: 'deploy', appId: 'billing', runtime: i < 2 ? 'container' : 'vm', target: i < 2 ? 'host-a' : 'host-c' });
      if (i < 2) await act(s, { type: 'deploy', appId: 'plugin-acme', runtime: 'container', target: 'host-a' });
    }),
  );
  const wall = await projectorBrowser(browser, baseURL!, room);
  const w = wall.page;
  await expect(w.getByTestId('projector-count')).toHaveText('4');

  // Sound is off until someone switches it on; it is only ever an extra.
  const sound = w.getByTestId('sound-toggle');
  await expect(sound).toHaveAttribute('aria-pressed', 'false');
  await sound.click();
  await expect(sound).toHaveAttribute('aria-pressed', 'true');
  await expect(sound).toContainText('Sound on');

  expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
  await expect(w.getByTestId('projector-countdown')).toBeVisible();
  await expect(w.getByTestId('countdown-number')).toHaveText(/^[123]$/);
  await screenshot(w, 'projector-countdown-1920');
  await expect(w.getByTestId('projector-countdown')).toHaveCount(0, { timeout: 10_000 });
  await expect(w.getByTestId('projector-standings')).toBeVisible();
  // Scores part as the plans play out: a rank change is marked in words ("up 2"), not by motion alone.
  await expect(w.getByTestId('rank-move').filter({ hasText: /up|down/ }).first()).toBeAttached({ timeout: 15_000 });

  expect((await teacher.emitWithAck('host:inject', { event: { type: 'kernelExploit', os: 'linux' } })).ok).toBe(true);
  const banner = w.locator('[data-testid=event-banner][data-type=kernelExploit]');
  await expect(banner).toBeVisible();
  await expect(banner.getByTestId('banner-impact')).toContainText(/2 of 4 clusters/);
  await w.waitForTimeout(1000); // the banner's slide-in
  await screenshot(w, 'projector-event-1920');
  await expectAccessible(w, 'projector running with an event');

  expect((await teacher.emitWithAck('host:control', { command: 'pause' })).ok).toBe(true);
  await expect(w.getByTestId('projector-paused')).toBeVisible();
  await expect(w.getByTestId('projector-paused')).toContainText('Paused');
  await screenshot(w, 'projector-paused-1920');
  await w.setViewportSize(SMALL);
  await expectNoScrollbar(w, 'projector paused at 1280');
  await screenshot(w, 'projector-paused-1280');
  expect((await teacher.emitWithAck('host:control', { command: 'resume' })).ok).toBe(true);
  await expect(w.getByTestId('projector-paused')).toHaveCount(0);

  // The banner slides in, unless reduced motion is asked for.
  const animation = () => banner.evaluate((el) => getComputedStyle(el).animationName);
  expect(await animation()).toContain('slide-in');
  await w.emulateMedia({ reducedMotion: 'reduce' });
  expect(await animation()).toBe('none');
  // Nor do the points count: each new score shows at once (once a count already under way has landed).
  await w.waitForTimeout(500);
  expect((await standingPoints(w)).length).toBeGreaterThan(0);
  for (let i = 0; i < 20; i++) {
    expect(await counting(w), 'a score counts up under reduced motion').toBe(false);
    await w.waitForTimeout(100);
  }
  await sound.click();
  await expect(sound).toHaveAttribute('aria-pressed', 'false');

  closeAll([...students, teacher]);
  await wall.context.close();
});

test('team mode: team standings from the lobby on, then a podium, the most-missed idea and the reference plans', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const room = await apiRoom(baseURL!, { scenarioId: 'tutorial', mode: 'teams', teams: 3, speed: 2 });
  const students = await addStudents(baseURL!, room.code, 7, 70);
  const teacher = await teacherSocket(baseURL!, room);
  const wall = await projectorBrowser(browser, baseURL!, room);
  const w = wall.page;
  // Three teams with members, and how many each has.
  await expect(w.getByTestId('projector-row')).toHaveCount(3);
  await expect(w.getByTestId('projector-teams')).toContainText('players');
  await screenshot(w, 'projector-teams-lobby-1920');

  // Windows apps as containers on Linux: the class keeps missing the shared kernel.
  await Promise.all(
    students.map(async (s) => {
      await act(s, { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' });
      await act(s, { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' });
    }),
  );
  expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
  await expect(w.getByTestId('projector-countdown')).toHaveCount(0, { timeout: 10_000 });
  await expect(w.getByTestId('projector-teams').getByTestId('projector-row')).toHaveCount(3);
  await expect(w.getByRole('heading', { name: 'Team standings' })).toBeVisible();
  await screenshot(w, 'projector-teams-running-1920');
  // The references are computed over the seconds played: let the clock run before moving on.
  await expect.poll(() => teacher.view()?.room.timeS ?? 0, { timeout: 10_000 }).toBeGreaterThan(0);

  expect((await teacher.emitWithAck('host:control', { command: 'nextPhase' })).ok).toBe(true);
  await expect(w.getByTestId('projector-status')).toHaveAttribute('data-phase', 'debrief');
  await expect(w.getByTestId('podium-place')).toHaveCount(3);
  await expect(w.locator('[data-testid=podium-place][data-place="1"]')).toContainText('players');
  const missed = w.getByTestId('most-missed');
  await expect(missed).toHaveAttribute('data-concept', /shared-kernel|os-compatibility/);
  await expect(missed.getByTestId('most-missed-explain')).not.toBeEmpty();
  await expect(w.getByTestId('projector-reference')).toHaveCount(4, { timeout: 60_000 });
  await expect(w.locator('[data-testid=projector-reference][data-policy=class]')).toContainText('Class best');
  await expect(w.getByTestId('celebration')).toHaveCount(1);
  await expectNoScrollbar(w, 'projector team debrief');
  await screenshot(w, 'projector-teams-debrief-1920');
  await expectAccessible(w, 'projector debrief');

  // Reduced motion: no confetti.
  await w.emulateMedia({ reducedMotion: 'reduce' });
  await w.reload();
  await expect(w.getByTestId('podium-place')).toHaveCount(3);
  await expect(w.getByTestId('celebration')).toHaveCount(0);

  closeAll([...students, teacher]);
  await wall.context.close();
});
