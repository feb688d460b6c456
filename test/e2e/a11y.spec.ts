import type { Page } from '@playwright/test';
import {
  PHONE,
  VIEWPORTS,
  bot,
  createRoom,
  expect,
  expectAccessible,
  expectFocusVisible,
  expectNoMotion,
  expectNoSidewaysScroll,
  hostControl,
  joinByLink,
  person,
  projectorContext,
  screenshot,
  studentContext,
  teacherContext,
  test,
  type Viewport,
} from './fixtures.ts';

/**
 * WCAG 2.2 AA on every screen: axe (serious and critical findings, and every target-size one, fail)
 * and a keyboard walk that checks each of the first controls shows where the focus is.
 */
async function check(page: Page, screen: string, focus: { max?: number; atLeast?: number } = {}): Promise<void> {
  await expectAccessible(page, screen);
  await expectFocusVisible(page, screen, focus);
}

for (const [size, viewport] of [
  ['phone', VIEWPORTS.phone],
  ['laptop', VIEWPORTS.laptop],
] as const) {
  test(`landing and host setup are accessible (${size})`, async ({ browser, baseURL }) => {
    const { context, page } = await person(browser, baseURL!, viewport);
    await page.goto('/');
    await expect(page.getByTestId('join-form')).toBeVisible();
    await check(page, `landing (${size})`);
    await expectNoSidewaysScroll(page, 'landing');
    await screenshot(page, `landing-${size}`);

    await page.goto('/join/ABCDEF');
    await expect(page.getByTestId('join-code')).toHaveValue('ABCDEF');
    await page.getByTestId('join-nickname').fill('Zed');
    await page.getByTestId('join-submit').click();
    await expect(page.getByTestId('join-error')).toContainText('no session');
    await check(page, `landing with an error (${size})`);

    await page.goto('/host');
    await expect(page.getByTestId('scenario-tutorial')).toBeVisible();
    await check(page, `host setup (${size})`);
    await screenshot(page, `host-setup-${size}`);

    // A broken upload lists every problem the server found.
    await page.getByTestId('scenario-upload').setInputFiles({
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify({ schemaVersion: 1, id: 'broken', title: 'Broken', summary: 'x', durationS: 10, debrief: 'x', hosts: [{ id: 'h', cpu: -1, memoryGiB: 0 }], apps: [] })),
    });
    await expect(page.getByTestId('upload-selected')).toContainText('broken.json');
    await page.getByTestId('create-room').click();
    await expect(page.getByTestId('host-error-details').locator('li')).not.toHaveCount(0);
    expect(await page.getByTestId('host-error-details').locator('li').count()).toBeGreaterThanOrEqual(3);
    await expectAccessible(page, `host setup with upload errors (${size})`);
    await expectNoSidewaysScroll(page, 'host setup');
    await page.setViewportSize(PHONE);
    await expectNoSidewaysScroll(page, 'host setup at 360 px');
    await screenshot(page, `host-setup-errors-${size}`);
    await context.close();
  });
}

/** A phone's screen is checked at 390 px and, for sideways scrolling, at the narrowest phones' 360 px. */
async function checkPhone(page: Page, screen: string, viewport: Viewport = VIEWPORTS.phone): Promise<void> {
  await check(page, screen);
  await expectNoSidewaysScroll(page, screen);
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page, `${screen} at 360 px`);
  await page.setViewportSize(viewport);
}

test('the live screens are accessible: student boards, dialogs, teacher console, projector, debrief and replay', async ({ browser, baseURL }) => {
  // One whole session with some twenty scans and keyboard walks: about two minutes on a busy
  // 2-core machine. The budget is for slow machines, not a target.
  test.setTimeout(300_000);
  // The classroom pace: the run lasts minutes, so every running screen is checked while it runs.
  const room = await createRoom(baseURL!, { scenarioId: 'tutorial', speed: 0.25 });
  const host = await hostControl(baseURL!, room);
  const teacher = await teacherContext(browser, baseURL!, room, VIEWPORTS.laptop);
  const t = teacher.page;
  await t.goto(`/teach/${room.code}`);
  await expect(t.getByTestId('teacher-code')).toHaveText(room.code);
  // The wall and the phone ask for reduced motion: nothing on them may move (checked right after each
  // moment that animates for everyone else: a placement, the start, an event, the debrief).
  const projector = await projectorContext(browser, baseURL!, room, VIEWPORTS.projector, { reducedMotion: 'reduce' });
  const pj = projector.page;

  const phone = await studentContext(browser, baseURL!, VIEWPORTS.phone, { reducedMotion: 'reduce' });
  const laptop = await studentContext(browser, baseURL!, VIEWPORTS.laptop);
  const p = phone.page;
  const d = laptop.page;
  await joinByLink(p, room.code, 'Pat');
  await joinByLink(d, room.code, 'Dana');
  const bots = [await bot(baseURL!, room.code, 'Robin'), await bot(baseURL!, room.code, 'Sam')];
  for (const b of bots) expect(await b.act({ type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' })).toBe(true);

  // The laptop's keyboard path: the Place dialog, scanned open.
  await d.getByTestId('place-web').click();
  const placeDialog = d.getByTestId('place-dialog');
  await expect(placeDialog).toBeVisible();
  await check(d, 'placement dialog (laptop)', { max: 12 });
  await placeDialog.getByTestId('place-runtime-container').check();
  await placeDialog.getByTestId('place-target').selectOption('linux-1');
  await placeDialog.getByTestId('place-submit').click();
  await expect(placeDialog).toBeHidden();
  await expect(d.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);

  await d.getByTestId('new-vm-any').click();
  await expect(d.getByTestId('vm-dialog')).toBeVisible();
  await check(d, 'create-VM dialog (laptop)', { max: 12 });
  await d.getByTestId('vm-host').selectOption('windows-1');
  await d.getByTestId('vm-create').click();
  await expect(d.locator('[data-testid=vm]')).toHaveCount(1);

  await p.getByTestId('place-reports').click();
  await expect(p.getByTestId('place-dialog')).toBeVisible();
  await check(p, 'placement dialog (phone)', { max: 12 });
  await screenshot(p, 'student-place-dialog-phone');
  await p.getByTestId('place-submit').click();
  await expect(p.locator('[data-testid=instance][data-app=reports]')).toHaveCount(1);
  await expectNoMotion(p, 'phone: a placement lands, reduced motion');

  await expect(pj.getByTestId('projector-count')).toHaveText('4');
  await check(pj, 'projector lobby (1920)', { max: 10, atLeast: 0 });
  await pj.setViewportSize(VIEWPORTS.projector720);
  await expectAccessible(pj, 'projector lobby (1280)');
  await pj.setViewportSize(VIEWPORTS.projector);
  await checkPhone(p, 'student board in the lobby (phone)');
  await check(d, 'student board in the lobby (laptop)');
  await expect(t.getByTestId('roster-row')).toHaveCount(4);
  await check(t, 'teacher console in the lobby (laptop)');

  await host.control('start');
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'running');
  await expectNoMotion(pj, 'projector: the start, reduced motion');
  await host.inject({ type: 'trafficSpike', appId: 'web', factor: 3, durationS: 60 });
  await expect(d.locator('[data-testid=event-banner][data-type=trafficSpike]').first()).toBeVisible({ timeout: 15_000 });
  await expect(pj.locator('[data-testid=event-banner][data-type=trafficSpike]').first()).toBeVisible();
  await expectNoMotion(pj, 'projector: an event banner, reduced motion');
  await expectNoMotion(p, 'phone: an event, reduced motion');
  await t.locator('[data-testid=roster-row][data-nickname=Dana]').getByTestId('watch').click();
  await expect(t.getByTestId('watch-panel').getByTestId('cluster-board')).toBeVisible();

  await p.locator('[data-testid=instance][data-app=reports]').click();
  await expect(p.getByTestId('instance-dialog')).toBeVisible();
  await check(p, 'instance dialog (phone)', { max: 12 });
  await p.keyboard.press('Escape');
  await expect(p.getByTestId('instance-dialog')).toBeHidden();
  await d.locator('[data-testid=instance][data-app=web]').click();
  await expect(d.getByTestId('instance-dialog')).toBeVisible();
  await check(d, 'instance dialog (laptop)', { max: 12 });
  await d.keyboard.press('Escape');
  await expect(d.getByTestId('instance-dialog')).toBeHidden();

  await checkPhone(p, 'student board while running (phone)');
  await check(d, 'student board while running (laptop)');
  await check(t, 'teacher console while running, watching a cluster (laptop)');
  await check(pj, 'projector while running (1920)', { max: 10, atLeast: 0 });
  await host.control('pause');
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'paused');
  await check(pj, 'projector paused (1920)', { max: 10, atLeast: 0 });
  await check(t, 'teacher console paused (laptop)');
  await host.control('resume');

  await host.control('nextPhase');
  await expect(d.getByTestId('debrief')).toBeVisible();
  await expect(p.getByTestId('debrief')).toBeVisible();
  await expectNoMotion(pj, 'projector: the debrief, reduced motion');
  await expectNoMotion(p, 'phone: the debrief, reduced motion');
  await expect(d.locator('[data-testid=reference-row]')).toHaveCount(4, { timeout: 30_000 });
  await check(d, 'debrief (laptop)');
  await checkPhone(p, 'debrief (phone)');
  await check(t, 'teacher console at the debrief (laptop)');
  await check(pj, 'projector at the debrief (1920)', { max: 10, atLeast: 0 });
  await pj.setViewportSize(VIEWPORTS.projector720);
  await expectAccessible(pj, 'projector at the debrief (1280)');

  const replay = await t.getByTestId('watch-replay').getAttribute('href');
  expect(replay).toMatch(/^\/replay\//);
  await t.goto(replay!);
  await expect(t.getByTestId('replay-chart')).toBeVisible();
  await check(t, 'replay (laptop)');
  await p.goto(replay!);
  await expect(p.getByTestId('replay-chart')).toBeVisible();
  await checkPhone(p, 'replay (phone)');

  host.close();
  for (const b of bots) b.close();
  for (const x of [teacher, projector, phone, laptop]) await x.context.close();
});
