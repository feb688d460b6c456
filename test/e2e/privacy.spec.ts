import { expect, expectAccessible, hostRoom, person, screenshot, test, VIEWPORTS } from './fixtures.ts';
import { joinAs } from './board-helpers.ts';

test('a nickname that is an e-mail address or a phone number is refused on the join form', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!, VIEWPORTS.laptop);
  const code = await hostRoom(teacher.page, 'tutorial');
  const student = await person(browser, baseURL!, VIEWPORTS.phone);
  for (const nickname of ['ana.b@school.org', '07700 900123']) {
    await student.page.goto(`/join/${code}`);
    await student.page.getByTestId('join-nickname').fill(nickname);
    await student.page.getByTestId('join-submit').click();
    await expect(student.page.getByTestId('join-error')).toContainText('must not be an e-mail address or a phone number');
    await expect(student.page).toHaveURL(new RegExp(`/join/${code}$`));
  }
  await screenshot(student.page, 'privacy-nickname-refused-390x844', { fullPage: false });
  // Nobody sat down under either.
  expect(((await (await student.page.request.get(`/api/rooms/${code}`)).json()) as { players: number }).players).toBe(0);
  for (const p of [teacher, student]) await p.context.close();
});

test('the teacher deletes a finished session from the host page: the student is told, and the replay is gone', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!, VIEWPORTS.laptop);
  const t = teacher.page;
  const code = await hostRoom(t, 'tutorial');
  const student = await person(browser, baseURL!, VIEWPORTS.phone);
  await joinAs(student.page, code, 'Ada');
  // Straight to the debrief: the replay is kept, and the console learns its id.
  const replayLink = t.getByTestId('watch-replay');
  await t.getByTestId('control-start').click();
  await t.getByTestId('control-next').click();
  await t.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(replayLink).toBeVisible();
  const replayPath = (await replayLink.getAttribute('href'))!;
  expect((await t.request.get(`/api/replays/${replayPath.split('/').pop()}`)).status()).toBe(200);

  await t.goto('/host');
  const row = t.getByTestId('my-sessions').locator('li', { hasText: code });
  await row.getByTestId('session-delete').click();
  const dialog = t.getByRole('dialog');
  await expect(dialog).toContainText('This cannot be undone');
  await screenshot(t, 'privacy-delete-confirm-1366x768', { fullPage: false });
  await expectAccessible(t, 'delete session confirmation');
  // Cancelling deletes nothing.
  await dialog.getByTestId('confirm-cancel').click();
  await expect(row).toBeVisible();
  await row.getByTestId('session-delete').click();
  await dialog.getByTestId('confirm-ok').click();
  await expect(t.getByTestId('my-sessions').locator('li', { hasText: code })).toHaveCount(0);

  await expect(student.page.getByTestId('stopped')).toContainText('This session is closed');
  await expect(student.page.getByTestId('stopped-message')).toContainText('deleted');
  await screenshot(student.page, 'privacy-session-deleted-390x844', { fullPage: false });
  await student.page.goto(replayPath);
  await expect(student.page.getByTestId('replay-error')).toBeVisible();
  expect((await t.request.get(`/api/rooms/${code}`)).status()).toBe(404);
  for (const p of [teacher, student]) await p.context.close();
});
