import { DESKTOP, PHONE, PROJECTOR, expect, expectAccessible, expectNoSidewaysScroll, hostRoom, joinRoom, person, screenshot, test } from './fixtures.ts';

for (const [size, viewport] of [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const) {
  test(`landing and host setup are accessible (${size})`, async ({ browser, baseURL }) => {
    const { context, page } = await person(browser, baseURL!, viewport);
    await page.goto('/');
    await expect(page.getByTestId('join-form')).toBeVisible();
    await expectAccessible(page, 'landing');
    await expectNoSidewaysScroll(page, 'landing');
    await screenshot(page, `landing-${size}`);

    await page.goto('/join/ABCDEF');
    await expect(page.getByTestId('join-code')).toHaveValue('ABCDEF');
    await page.getByTestId('join-nickname').fill('Zed');
    await page.getByTestId('join-submit').click();
    await expect(page.getByTestId('join-error')).toContainText('no session');
    await expectAccessible(page, 'landing with an error');

    await page.goto('/host');
    await expect(page.getByTestId('scenario-tutorial')).toBeVisible();
    await expectAccessible(page, 'host setup');
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
    await expectAccessible(page, 'host setup with upload errors');
    await expectNoSidewaysScroll(page, 'host setup');
    await screenshot(page, `host-setup-errors-${size}`);
    await context.close();
  });
}

test('the live screens are accessible: projector, teacher console, student board, dialogs, debrief', async ({ browser, baseURL }) => {
  // One whole session with a dozen scans and full-page screenshots: about 50 s on an idle
  // 2-core machine, far more on a busy one. The budget is for slow machines, not a target.
  test.setTimeout(300_000);
  const teacher = await person(browser, baseURL!, DESKTOP);
  const t = teacher.page;
  const code = await hostRoom(t, 'tutorial');
  const projector = await teacher.context.newPage();
  await projector.setViewportSize(PROJECTOR);
  await projector.goto(`/project/${code}`);

  const phone = await person(browser, baseURL!, PHONE);
  const desk = await person(browser, baseURL!, DESKTOP);
  await joinRoom(phone.page, code, 'Pat');
  await joinRoom(desk.page, code, 'Dana');
  const p = phone.page;
  const d = desk.page;
  await d.getByTestId('app-web').dragTo(d.locator('[data-testid=host][data-host=linux-1]'));
  await d.getByTestId('app-api').dragTo(d.locator('[data-testid=host][data-host=linux-1]'));
  await d.getByTestId('new-vm-any').click();
  await expect(d.getByTestId('vm-dialog')).toBeVisible();
  await expectAccessible(d, 'create-VM dialog');
  await d.getByTestId('vm-host').selectOption('windows-1');
  await d.getByTestId('vm-create').click();
  await expect(d.locator('[data-testid=vm]')).toHaveCount(1);
  await p.getByTestId('place-reports').click();
  await expect(p.getByTestId('place-dialog')).toBeVisible();
  await expectAccessible(p, 'placement dialog');
  await screenshot(p, 'student-place-dialog-phone');
  await p.getByTestId('place-submit').click();
  await expect(p.locator('[data-testid=instance][data-app=reports]')).toHaveCount(1);

  await expect(projector.getByTestId('projector-count')).toHaveText('2');
  await expectAccessible(projector, 'projector lobby');
  await screenshot(projector, 'projector-lobby');
  await expectAccessible(p, 'student board in the lobby');
  await expectNoSidewaysScroll(p, 'student board in the lobby');
  await screenshot(p, 'student-lobby-phone');
  await screenshot(d, 'student-lobby-desktop');
  await expect(t.getByTestId('roster-row')).toHaveCount(2);
  await expectAccessible(t, 'teacher console in the lobby');
  await screenshot(t, 'teacher-lobby-desktop');

  await t.getByTestId('control-start').click();
  await t.getByTestId('speed').selectOption('0.5');
  await t.getByTestId('inject-type').selectOption('trafficSpike');
  await t.getByTestId('inject-app').selectOption('web');
  await t.getByTestId('inject-factor').fill('3');
  await t.getByTestId('inject-submit').click();
  await expect(d.locator('[data-testid=event-banner][data-type=trafficSpike]').first()).toBeVisible();
  await expect(d.locator('[data-testid=instance][data-app=web]')).toHaveAttribute('data-status', /running|overloaded/);
  await t.locator('[data-testid=roster-row][data-nickname=Dana]').getByTestId('watch').click();
  await expect(t.getByTestId('watch-panel').getByTestId('cluster-board')).toBeVisible();
  await d.locator('[data-testid=instance][data-app=web]').click();
  await expect(d.getByTestId('instance-dialog')).toBeVisible();
  await expectAccessible(d, 'instance dialog');
  await d.getByTestId('cpu-limit').fill('0.5');
  await d.getByTestId('cpu-limit-set').click();
  await expect(d.getByTestId('instance-dialog')).toBeHidden();
  await expect(d.locator('[data-testid=instance][data-app=web]')).toContainText('limit 0.5 CPU');

  await expectAccessible(d, 'student board while running');
  await expectAccessible(p, 'student board while running (phone)');
  await expectAccessible(t, 'teacher console while running, watching a cluster');
  await expectAccessible(projector, 'projector while running');
  await screenshot(d, 'student-running-desktop');
  await screenshot(p, 'student-running-phone');
  await screenshot(t, 'teacher-running-desktop');
  await screenshot(projector, 'projector-running');
  await expectNoSidewaysScroll(p, 'student board while running');
  await t.setViewportSize(PHONE);
  await expectNoSidewaysScroll(t, 'teacher console');
  await screenshot(t, 'teacher-running-phone');
  await t.setViewportSize(DESKTOP);

  await t.getByTestId('control-next').click();
  await expect(d.getByTestId('debrief')).toBeVisible();
  await expect(d.locator('[data-testid=reference-row]')).toHaveCount(4, { timeout: 30_000 });
  await expectAccessible(d, 'debrief');
  await expectAccessible(p, 'debrief (phone)');
  await expectNoSidewaysScroll(p, 'debrief');
  await screenshot(d, 'debrief-desktop');
  await screenshot(p, 'debrief-phone');

  for (const x of [teacher, phone, desk]) await x.context.close();
});
