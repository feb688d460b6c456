import type { Page } from '@playwright/test';
import { DESKTOP, PHONE, expect, hostRoom, joinRoom, person, screenshot, tabTo, test } from './fixtures.ts';

const host = (page: Page, id: string) => page.locator(`[data-testid=host][data-host=${id}]`);
const instances = (page: Page, appId: string) => page.locator(`[data-testid=instance][data-app=${appId}]`);

test('a teacher and three students run a whole session through the UI', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const teacher = await person(browser, baseURL!, DESKTOP);
  const t = teacher.page;

  // The teacher creates a room and opens the projector from the console.
  const code = await hostRoom(t, 'untrusted-tenants');
  const [projector] = await Promise.all([teacher.context.waitForEvent('page'), t.getByTestId('open-projector').click()]);
  await projector.setViewportSize({ width: 1920, height: 1080 });
  await expect(projector.getByTestId('projector-code')).toHaveText(code);
  await expect(projector.getByTestId('projector-url')).toHaveText(`${baseURL}/join/${code}`);
  await expect(projector.getByTestId('join-qr')).toHaveAttribute('alt', new RegExp(`/join/${code}`));

  // Alice joins by code and plays with the mouse: drag and drop.
  const alice = await person(browser, baseURL!, DESKTOP);
  const a = alice.page;
  await joinRoom(a, code, 'Alice');
  await a.getByTestId('app-plugin-acme').dragTo(host(a, 'host-a'));
  await expect(instances(a, 'plugin-acme')).toHaveCount(1);
  await a.getByTestId('app-billing').dragTo(host(a, 'host-a'));
  await expect(instances(a, 'billing')).toHaveCount(1);
  await expect(host(a, 'host-a').locator('[data-testid=instance]')).toHaveCount(2);

  // Bob does everything with the keyboard only.
  const bob = await person(browser, baseURL!, DESKTOP);
  const b = bob.page;
  await b.goto('/');
  await tabTo(b, 'join-code');
  await b.keyboard.type(code.toLowerCase());
  await tabTo(b, 'join-nickname');
  await b.keyboard.type('Bob');
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('cluster-board')).toBeVisible();
  await tabTo(b, 'place-portal');
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('place-dialog')).toBeVisible();
  // Focus starts on the checked runtime radio: arrow to "VM", then pick the bare-metal host by typing.
  await b.keyboard.press('ArrowDown');
  await expect(b.getByTestId('place-runtime-vm')).toBeChecked();
  await tabTo(b, 'place-target', 5);
  await b.keyboard.type('Bare');
  await expect(b.getByTestId('place-target')).toHaveValue('host-c');
  await tabTo(b, 'place-submit', 5);
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('place-dialog')).toBeHidden();
  await expect(instances(b, 'portal')).toHaveCount(1);
  await expect(instances(b, 'portal')).toHaveAttribute('data-runtime', 'vm');
  await expect(host(b, 'host-c').locator('[data-testid=vm]')).toHaveCount(1);
  // Escape closes a dialog without placing anything.
  await tabTo(b, 'place-billing');
  await b.keyboard.press('Enter');
  await expect(b.getByTestId('place-dialog')).toBeVisible();
  await b.keyboard.press('Escape');
  await expect(b.getByTestId('place-dialog')).toBeHidden();
  await expect(instances(b, 'billing')).toHaveCount(0);

  // Carol follows the join link on a phone and uses the Place dialog by touch/click.
  const carol = await person(browser, baseURL!, PHONE);
  const c = carol.page;
  await c.goto(`/join/${code}`);
  await expect(c.getByTestId('join-code')).toHaveValue(code);
  // With a room code, the suggestion comes from the server: a name nobody in this room has.
  const asked = c.waitForResponse((r) => r.url().endsWith(`/api/rooms/${code}/nickname`) && r.ok());
  await c.getByTestId('suggest-nickname').click();
  const { nickname } = (await (await asked).json()) as { nickname: string };
  await expect(c.getByTestId('join-nickname')).toHaveValue(nickname);
  await c.getByTestId('join-nickname').fill('Carol');
  await c.getByTestId('join-submit').click();
  await expect(c.getByTestId('cluster-board')).toBeVisible();
  await c.getByTestId('place-plugin-globex').click();
  await c.getByTestId('place-runtime-vm').check();
  await c.getByTestId('place-target').selectOption('host-b');
  await c.getByTestId('place-submit').click();
  await expect(instances(c, 'plugin-globex')).toHaveCount(1);
  // The dialog marks what cannot work before anything is sent: a container on a bare-metal hypervisor.
  await c.getByTestId('place-portal').click();
  await c.getByTestId('place-runtime-container').check();
  const placeDialog = c.getByTestId('place-dialog');
  await expect(placeDialog.locator('option[value=host-c]')).toHaveAttribute('disabled', '');
  await expect(placeDialog.locator('option[value=host-c]')).toHaveAttribute('data-why', /hypervisor/);
  await expect(placeDialog.getByTestId('place-target')).not.toHaveValue('host-c');
  await expect(placeDialog).toBeVisible();
  await screenshot(c, 'student-refusal-phone');
  await placeDialog.getByTestId('place-cancel').click();
  await expect(placeDialog).toBeHidden();
  await expect(instances(c, 'portal')).toHaveCount(0);
  // A refused drop has no dialog: its refusal is shown in a toast in view (Alice, with the mouse).
  await a.getByTestId('drop-as-container').check();
  await a.getByTestId('app-portal').dragTo(host(a, 'host-c'));
  await expect(a.getByTestId('refusal-region').getByTestId('refusal')).toHaveAttribute('data-concept', 'hypervisor-type');
  await a.getByTestId('refusal-dismiss').click();
  await expect(a.getByTestId('refusal')).toHaveCount(0);

  // Everyone is on the teacher's roster and the projector, and the class's placements add up.
  await expect(t.getByTestId('roster-row')).toHaveCount(3);
  await expect(t.locator('[data-testid=roster-row][data-status=online]')).toHaveCount(3);
  await expect(projector.getByTestId('projector-count')).toHaveText('3');
  await expect(projector.getByTestId('projector-name')).toHaveText(['Alice', 'Bob', 'Carol']);
  const row = (appId: string) => t.locator(`[data-testid=placement-row][data-app=${appId}]`);
  await expect(row('plugin-acme').getByTestId('placement-container')).toHaveText('1');
  await expect(row('portal').getByTestId('placement-vm')).toHaveText('1');
  await expect(row('plugin-globex').getByTestId('placement-vm')).toHaveText('1');
  await expect(row('billing').getByTestId('placement-unplaced')).toHaveText('2');
  await screenshot(projector, 'projector-lobby-1920');

  // Start: every client agrees the clock runs.
  await t.getByTestId('control-start').click();
  for (const page of [t, a, b, c]) await expect(page.locator('[data-phase=running]').first()).toBeVisible();
  await expect(projector.getByTestId('projector-status')).toHaveAttribute('data-phase', 'running');
  await expect(projector.getByTestId('projector-leaderboard')).toBeVisible();
  // The teacher sees what the class got wrong: Alice's refused container on a bare-metal host (Carol's dialog stopped hers before it was sent).
  await expect(t.locator('[data-testid=concept-row][data-concept=hypervisor-type] [data-testid=concept-rejections]')).toHaveText('1');

  // A Linux kernel exploit: Alice's billing shares host-a's kernel with an untrusted plug-in.
  await t.getByTestId('inject-type').selectOption('kernelExploit');
  await t.getByTestId('inject-os').selectOption('linux');
  await t.getByTestId('inject-submit').click();
  await expect(instances(a, 'billing')).toHaveAttribute('data-status', 'breached');
  const breach = a.locator('[data-testid=incident][data-type=kernelExploit]');
  await expect(breach).toHaveAttribute('data-concept', 'isolation');
  await expect(breach).toContainText('Billing');
  await expect(breach.getByTestId('concept-tag')).toContainText('Isolation');
  await breach.getByText('why?').click();
  await expect(breach.locator('cc-concept-tag')).toContainText('kernel exploit');
  for (const page of [a, b, projector]) await expect(page.locator('[data-testid=event-banner][data-type=kernelExploit]').first()).toBeVisible();
  // A phone says it in a strip under its bar (its Events section is folded).
  await expect(c.locator('[data-testid=live-event][data-type=kernelExploit]')).toBeVisible();
  // Bob's and Carol's VMs kept the exploit out.
  await expect(b.locator('[data-testid=instance][data-status=breached]')).toHaveCount(0);
  await expect(c.locator('[data-testid=instance][data-status=breached]')).toHaveCount(0);
  await expect(t.locator('[data-testid=concept-row][data-concept=isolation] [data-testid=concept-incidents]')).not.toHaveText('0');
  await screenshot(a, 'student-breach-desktop');

  // The teacher watches Alice's cluster: the same board, read-only.
  await t.locator('[data-testid=roster-row][data-nickname=Alice]').getByTestId('watch').click();
  const watch = t.getByTestId('watch-panel');
  await expect(watch.locator('[data-testid=instance][data-app=billing]')).toHaveAttribute('data-status', 'breached');
  await expect(watch.locator('button[data-testid=instance]')).toHaveCount(0);
  await screenshot(t, 'teacher-console-running-desktop');

  // Pause and resume: everyone follows.
  await t.getByTestId('control-pause').click();
  for (const page of [a, b, c]) await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'paused');
  await expect(a.getByTestId('phase-note')).toContainText('Paused');
  await t.getByTestId('control-resume').click();
  for (const page of [a, b, c]) await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'running');

  // End (after a confirmation): the debrief with the lesson and the reference plans.
  await t.getByTestId('control-end').click();
  await t.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'ended');
  for (const page of [a, b, c]) {
    await expect(page.getByTestId('debrief')).toBeVisible();
    await expect(page.getByTestId('debrief-lesson')).toContainText('Containers are isolated by the kernel they share');
    await expect(page.locator('[data-testid=reference-row][data-policy=you]')).toBeVisible();
    await expect(page.locator('[data-testid=reference-row]')).toHaveCount(4, { timeout: 30_000 });
  }
  await expect(projector.getByTestId('projector-status')).toHaveAttribute('data-phase', 'ended');
  await screenshot(a, 'student-debrief-desktop');
  await screenshot(c, 'student-debrief-phone');

  for (const p of [teacher, alice, bob, carol]) await p.context.close();
});

test('a kicked student is told they were removed, and stays out', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!);
  const code = await hostRoom(teacher.page, 'tutorial');
  const student = await person(browser, baseURL!, PHONE);
  await joinRoom(student.page, code, 'Mallory');
  const row = teacher.page.locator('[data-testid=roster-row][data-nickname=Mallory]');
  await row.getByTestId('kick').click();
  await expect(teacher.page.getByRole('dialog')).toContainText('Remove Mallory?');
  await teacher.page.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(student.page.getByTestId('stopped')).toContainText('removed');
  await expect(teacher.page.getByTestId('roster-row')).toHaveCount(0);
  // A refresh does not bring them back.
  await student.page.reload();
  await expect(student.page.getByTestId('stopped')).toBeVisible();
  await screenshot(student.page, 'student-kicked-phone');
  await teacher.context.close();
  await student.context.close();
});

test('a refreshed or disconnected student returns to the same seat and cluster', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!);
  const code = await hostRoom(teacher.page, 'tutorial');
  const student = await person(browser, baseURL!);
  const s = student.page;
  await joinRoom(s, code, 'Rita');
  await s.getByTestId('app-web').dragTo(s.locator('[data-testid=host][data-host=linux-1]'));
  await expect(instances(s, 'web')).toHaveCount(1);
  await s.reload();
  await expect(s.getByTestId('you')).toHaveText('Rita');
  await expect(instances(s, 'web')).toHaveCount(1);
  await expect(teacher.page.getByTestId('roster-row')).toHaveCount(1);
  // A dropped network: the student sees "Reconnecting…", the teacher sees the seat reconnecting, then both recover.
  await student.context.setOffline(true);
  await expect(s.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
  await expect(s.getByTestId('connection-status')).toHaveText('Reconnecting…');
  await expect(teacher.page.getByTestId('roster-row')).toHaveAttribute('data-status', 'reconnecting');
  await student.context.setOffline(false);
  await expect(s.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 15_000 });
  await expect(teacher.page.getByTestId('roster-row')).toHaveAttribute('data-status', 'online');
  await expect(instances(s, 'web')).toHaveCount(1);
  await screenshot(s, 'student-reconnected-desktop');
  await teacher.context.close();
  await student.context.close();
});

test('in team mode the teacher assigns teams and teammates share one cluster', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!);
  const t = teacher.page;
  const code = await hostRoom(t, 'tutorial', 'teams');
  const ann = await person(browser, baseURL!);
  const ben = await person(browser, baseURL!, PHONE);
  await joinRoom(ann.page, code, 'Ann');
  await joinRoom(ben.page, code, 'Ben');
  await t.getByTestId('balance-teams').click();
  const annTeam = (await ann.page.getByTestId('you').innerText()).split(' · ')[1]!;
  await expect(ann.page.getByTestId('you')).toContainText(annTeam);
  // Put Ben on Ann's team.
  const benRow = t.locator('[data-testid=roster-row][data-nickname=Ben]');
  await benRow.getByTestId('team-select').selectOption({ label: annTeam });
  await expect(ben.page.getByTestId('you')).toContainText(annTeam);
  await ann.page.getByTestId('app-web').dragTo(ann.page.locator('[data-testid=host][data-host=linux-1]'));
  await expect(instances(ben.page, 'web')).toHaveCount(1);
  await expect(t.locator(`[data-testid=class-leader-row]`).filter({ hasText: annTeam })).toContainText('Ann, Ben');
  await screenshot(t, 'teacher-teams-desktop');
  for (const p of [teacher, ann, ben]) await p.context.close();
});
