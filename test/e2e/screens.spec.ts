import type { Page } from '@playwright/test';
import {
  VIEWPORTS,
  bot,
  createRoom,
  expect,
  hostControl,
  joinByLink,
  person,
  projectorContext,
  screenshot,
  sizeOf,
  studentContext,
  teacherContext,
  test,
  type Bot,
  type Viewport,
} from './fixtures.ts';

/**
 * Every screen at every size it is used at, one class session long: screenshots for people to
 * judge (test-results/screenshots/screen-NAME-WxH.png), and one thing a machine can judge on each,
 * that the page never scrolls sideways.
 */

const { phone, laptop, projector, projector720 } = VIEWPORTS;
// Students are shot in their own contexts (a phone is a touch device, not a narrow laptop).
const CONSOLE_SIZES = [laptop, projector];
const PROJECTOR_SIZES = [projector, projector720, laptop];
const PAGE_SIZES = [phone, laptop, projector];

/** Shoots the page at each size (the first one last, so the page ends as it began) and checks it does not scroll sideways. */
async function shoot(page: Page, name: string, sizes: readonly Viewport[], { fullPage = true }: { fullPage?: boolean } = {}): Promise<void> {
  for (const size of [...sizes.slice(1), sizes[0]!]) {
    await page.setViewportSize(size);
    // A frame for layout and resize observers (the chart, the projector's fitting) to settle.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    expect.soft(scroll, `${name} at ${sizeOf(size)} is ${scroll}px wide: the page scrolls sideways`).toBeLessThanOrEqual(width);
    await screenshot(page, `screen-${name}-${sizeOf(size)}`, { fullPage });
  }
}

async function place(page: Page, appId: string, target: string, runtime: 'container' | 'vm' = 'container'): Promise<void> {
  await page.getByTestId(`place-${appId}`).click();
  const dialog = page.getByTestId('place-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId(`place-runtime-${runtime}`).check();
  await dialog.getByTestId('place-target').selectOption(target);
  await dialog.getByTestId('place-submit').click();
  await expect(dialog).toBeHidden();
}

test('every screen at every viewport: screenshots, and no page scrolls sideways', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const visitor = await person(browser, baseURL!, phone);
  const v = visitor.page;
  await v.goto('/');
  await expect(v.getByTestId('join-form')).toBeVisible();
  await shoot(v, 'landing', PAGE_SIZES);
  await v.goto('/host');
  await expect(v.getByTestId('scenario-tutorial')).toBeVisible();
  await shoot(v, 'host-setup', PAGE_SIZES);

  const room = await createRoom(baseURL!, { scenarioId: 'tutorial', speed: 1 });
  const host = await hostControl(baseURL!, room);
  const teacher = await teacherContext(browser, baseURL!, room, laptop);
  const t = teacher.page;
  await t.goto(`/teach/${room.code}`);
  await expect(t.getByTestId('teacher-code')).toHaveText(room.code);
  const wall = await projectorContext(browser, baseURL!, room, projector);
  const pj = wall.page;

  const pat = await studentContext(browser, baseURL!, phone);
  const dana = await studentContext(browser, baseURL!, laptop);
  const p = pat.page;
  const d = dana.page;
  await joinByLink(p, room.code, 'Pat');
  await joinByLink(d, room.code, 'Dana');
  // A class of ten: eight more students with a plan each, some good, some not.
  const bots: Bot[] = [];
  for (const name of ['Robin', 'Sam', 'Alex', 'Jo', 'Kim', 'Lee', 'Max', 'Noa']) bots.push(await bot(baseURL!, room.code, name));
  for (const [i, b] of bots.entries()) {
    await b.act({ type: 'deploy', appId: 'web', runtime: 'container', target: i % 2 ? 'linux-1' : 'linux-2' });
    if (i % 3 === 0) await b.act({ type: 'deploy', appId: 'api', runtime: 'container', target: 'linux-1' });
    if (i % 4 === 0) await b.act({ type: 'deploy', appId: 'reports', runtime: 'container', target: 'windows-1' });
  }

  await place(d, 'web', 'linux-1');
  await place(d, 'api', 'linux-2');
  await place(p, 'web', 'linux-1');
  await p.getByTestId('place-reports').click();
  await expect(p.getByTestId('place-dialog')).toBeVisible();
  await shoot(p, 'student-dialog', [phone], { fullPage: false });
  await p.getByTestId('place-submit').click();
  await expect(p.getByTestId('place-dialog')).toBeHidden();
  await d.getByTestId('place-reports').click();
  await expect(d.getByTestId('place-dialog')).toBeVisible();
  await shoot(d, 'student-dialog', [laptop], { fullPage: false });
  await d.keyboard.press('Escape');
  await expect(d.getByTestId('place-dialog')).toBeHidden();

  await expect(pj.getByTestId('projector-count')).toHaveText('10');
  await shoot(p, 'student-lobby', [phone]);
  await shoot(d, 'student-lobby', [laptop]);
  await expect(t.getByTestId('roster-row')).toHaveCount(10);
  await shoot(t, 'teacher-lobby', CONSOLE_SIZES);
  await shoot(pj, 'projector-lobby', PROJECTOR_SIZES);

  await host.control('start');
  // The countdown, if the server runs one: the wall shows it while the clock stands still.
  for (let i = 0; i < 10 && !(host.view()?.room.countdown ?? 0) && !(host.view()?.room.timeS ?? 0); i++) await pj.waitForTimeout(100);
  if ((host.view()?.room.countdown ?? 0) > 0) await screenshot(pj, `screen-projector-countdown-${sizeOf(projector)}`, { fullPage: false });
  await host.reachSecond(20);
  await host.inject({ type: 'trafficSpike', appId: 'web', factor: 3, durationS: 120 });
  await expect(d.locator('[data-testid=event-banner][data-type=trafficSpike]').first()).toBeVisible({ timeout: 15_000 });
  await shoot(pj, 'projector-running', PROJECTOR_SIZES);
  await shoot(p, 'student-running', [phone]);
  await shoot(d, 'student-running', [laptop]);
  await t.locator('[data-testid=roster-row][data-nickname=Dana]').getByTestId('watch').click();
  await expect(t.getByTestId('watch-panel').getByTestId('cluster-board')).toBeVisible();
  await shoot(t, 'teacher-running', CONSOLE_SIZES);

  await host.control('pause');
  await expect.poll(() => host.view()?.room.phase).toBe('paused');
  await shoot(pj, 'projector-paused', PROJECTOR_SIZES);
  await shoot(p, 'student-paused', [phone]);
  await p.locator('[data-testid=instance][data-app=web]').first().click();
  await expect(p.getByTestId('instance-dialog')).toBeVisible();
  await shoot(p, 'student-instance-dialog', [phone], { fullPage: false });
  await p.keyboard.press('Escape');
  await host.control('resume');

  await host.control('nextPhase');
  await expect(d.getByTestId('debrief')).toBeVisible();
  await expect(d.locator('[data-testid=reference-row]')).toHaveCount(4, { timeout: 30_000 });
  await shoot(p, 'student-debrief', [phone]);
  await shoot(d, 'student-debrief', [laptop]);
  await shoot(t, 'teacher-debrief', CONSOLE_SIZES);
  await shoot(pj, 'projector-debrief', PROJECTOR_SIZES);

  expect(host.replayId).toBeTruthy();
  await p.goto(`/replay/${host.replayId}`);
  await expect(p.getByTestId('replay-chart')).toBeVisible();
  await expect(p.getByTestId('replay-reference-row')).toHaveCount(4, { timeout: 30_000 });
  await shoot(p, 'replay', [phone]);
  await t.goto(`/replay/${host.replayId}`);
  await expect(t.getByTestId('replay-reference-row')).toHaveCount(4, { timeout: 30_000 });
  await shoot(t, 'replay', [laptop, projector]);

  host.close();
  for (const b of bots) b.close();
  for (const x of [visitor, teacher, wall, pat, dana]) await x.context.close();
});
