import type { Page } from '@playwright/test';
import { DESKTOP, PHONE, PROJECTOR, expect, hostRoom, joinRoom, screenshot, test, watchCsp, type CspWatch } from './fixtures.ts';

const seconds = (clock: string): number => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);

/** The screen is drawn and nothing on it broke the policy. */
async function expectNoViolation(page: Page, csp: CspWatch, screen: string): Promise<void> {
  // Give late work (images, sockets, lazy chunks) a moment to run into the policy, if it would.
  await page.waitForLoadState('networkidle').catch(() => undefined);
  expect(csp.violations, `${screen}: Content-Security-Policy violations`).toEqual([]);
}

test('every screen runs under the Content-Security-Policy without a violation', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const teacherContext = await browser.newContext({ baseURL, viewport: DESKTOP });
  const studentContext = await browser.newContext({ baseURL, viewport: PHONE });
  const teacherCsp = await watchCsp(teacherContext);
  const studentCsp = await watchCsp(studentContext);
  const t = await teacherContext.newPage();
  const s = await studentContext.newPage();

  // The policy is the one the server sends.
  const landing = await t.goto('/');
  expect(landing!.headers()['content-security-policy']).toContain("script-src 'self'");
  await expect(t.getByTestId('join-form')).toBeVisible();
  await screenshot(t, 'csp-landing');
  await expectNoViolation(t, teacherCsp, 'landing');

  await t.goto('/host');
  await expect(t.getByTestId('scenario-tutorial')).toBeVisible();
  await screenshot(t, 'csp-host-setup');
  await expectNoViolation(t, teacherCsp, 'host setup');

  const code = await hostRoom(t, 'tutorial');
  await screenshot(t, 'csp-teacher-console');
  await expectNoViolation(t, teacherCsp, 'teacher console');

  // The projector, opened from the console: the QR code is a data: image.
  const [projector] = await Promise.all([teacherContext.waitForEvent('page'), t.getByTestId('open-projector').click()]);
  await projector.setViewportSize(PROJECTOR);
  await expect(projector.getByTestId('projector-code')).toHaveText(code);
  await expect(projector.getByTestId('join-qr')).toBeVisible();
  expect(await projector.getByTestId('join-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await screenshot(projector, 'csp-projector');
  await expectNoViolation(projector, teacherCsp, 'projector');

  // The student board after joining: its live views come over the socket.io WebSocket, which
  // connect-src 'self' allows (CSP 3 matches ws: to the page's own host and port).
  const webSockets: string[] = [];
  s.on('websocket', (ws) => webSockets.push(ws.url()));
  await joinRoom(s, code, 'Ada');
  await expect.poll(() => webSockets.filter((url) => url.startsWith(`${baseURL!.replace(/^http/, 'ws')}/socket.io/`) && url.includes('transport=websocket')).length).toBeGreaterThanOrEqual(1);
  await s.getByTestId('place-web').click();
  await s.getByTestId('place-runtime-container').check();
  await s.getByTestId('place-target').selectOption('linux-1');
  await s.getByTestId('place-submit').click();
  await expect(s.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);
  await expect(t.getByTestId('roster-row')).toHaveCount(1);
  await screenshot(s, 'csp-student-board');
  await expectNoViolation(s, studentCsp, 'student board');

  // A short session, then the replay viewer.
  // Fast enough to get 20 simulated seconds in soon, slow enough to stop the run before it ends by itself.
  await t.getByTestId('speed').selectOption('5');
  await t.getByTestId('control-start').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'running');
  await expect.poll(async () => seconds(((await t.getByTestId('teacher-clock').textContent()) ?? '0:00').split('/')[0]!.trim()), { timeout: 20_000 }).toBeGreaterThanOrEqual(20);
  await expectNoViolation(s, studentCsp, 'student board while running');
  await expectNoViolation(t, teacherCsp, 'teacher console while running');
  await screenshot(s, 'csp-student-running');
  await screenshot(t, 'csp-teacher-running');
  // The debrief ends the run for everyone: the console asks first.
  await t.getByTestId('control-next').click();
  await t.getByRole('dialog').getByTestId('confirm-ok').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'debrief');
  await expect(s.getByTestId('debrief')).toBeVisible();
  await screenshot(s, 'csp-student-debrief');
  await expectNoViolation(s, studentCsp, 'student debrief');

  await t.getByTestId('watch-replay').click();
  await expect(t).toHaveURL(/\/replay\/[A-Za-z0-9_-]+$/);
  await expect(t.getByTestId('replay-title')).toContainText('Replay');
  await t.getByTestId('replay-jump-input').fill('10');
  await t.getByTestId('replay-jump').click();
  await expect(t.getByTestId('replay-second')).toHaveText('10');
  await expect(t.getByTestId('replay-chart-summary')).toContainText('Ada');
  await screenshot(t, 'csp-replay');
  await expectNoViolation(t, teacherCsp, 'replay viewer');

  await teacherContext.close();
  await studentContext.close();
});
