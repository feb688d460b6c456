import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { computeScore, runScenario, type PlanAction } from '../../shared/engine/index.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { VIEWPORTS, expect, expectAccessible, expectNoSidewaysScroll, screenshot, test } from './fixtures.ts';
import { hostCard, student } from './board-helpers.ts';

/**
 * Self-paced assignments end to end: a teacher sets one through the host page (checks on), two
 * students on phones do it at their own pace (one fast, skipping to the end; one with pauses,
 * placements and a reload), and the console shows both with the server's scores, the check gains
 * and the report.
 */

const SCENARIO = 'tutorial';

interface Progress {
  attempts: { attemptId: string; nickname: string; finished: boolean; result: { total: number } | null; checks: { before: { of: number }; after: { of: number } } }[];
  summary: { started: number; finished: number };
  concepts: { concept: string }[];
}

/** Answers every question of the check on screen (the first choice, or the second), then goes on. */
async function answerCheck(page: Page, stage: 'before' | 'after', pick: number): Promise<void> {
  const check = page.getByTestId('concept-check');
  await expect(check).toHaveAttribute('data-stage', stage);
  for (;;) {
    const summary = page.getByTestId('check-summary');
    if (await summary.isVisible()) break;
    await page.getByTestId('check-choice').nth(pick).click();
    await page.getByTestId('check-submit').click();
    await expect(page.getByTestId('check-result')).toBeVisible();
    await page.getByTestId('check-next').click();
  }
  await page.getByTestId('check-continue').click();
}

/** Opens the assignment link and starts an attempt under a nickname; the before check is next. */
async function startAttempt(page: Page, id: string, nickname: string): Promise<void> {
  await page.goto(`/a/${id}`);
  await expect(page.getByTestId('assignment-title')).toBeVisible();
  await page.getByTestId('attempt-nickname').fill(nickname);
  await page.getByTestId('attempt-start').click();
  await expect(page.getByTestId('concept-check')).toBeVisible();
}

/** Taps an app, then a host, then confirms the Place dialog (the phone way). */
async function place(page: Page, appId: string, hostId: string): Promise<void> {
  await page.getByTestId(`select-${appId}`).tap();
  await hostCard(page, hostId).getByTestId('place-here').tap();
  const dialog = page.getByTestId('place-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('place-submit').tap();
  await expect(dialog).toBeHidden();
}

/** The simulated second the board shows ("simulated 1:23 / 10:00"). */
async function simulatedSecond(page: Page): Promise<number> {
  const text = (await page.getByTestId('clock').locator('.sim').textContent()) ?? '';
  const m = /simulated (\d+):(\d{2})/.exec(text);
  expect(m, text).not.toBeNull();
  return Number(m![1]) * 60 + Number(m![2]);
}

const kept = (page: Page, id: string) =>
  page.evaluate((key) => JSON.parse(localStorage.getItem(key) ?? 'null') as { attemptId: string; attemptToken: string } | null, `cc:attempt:${id}`);

test('a teacher sets a self-paced assignment, two students do it at their own pace, and the console shows the server’s scores', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  // The teacher, on a laptop: live session or assignment, then the assignment's settings.
  const teacher = await browser.newContext({ baseURL, viewport: VIEWPORTS.laptop });
  const t = await teacher.newPage();
  await t.goto('/host');
  await t.getByTestId('kind-assignment').check();
  await expect(t.getByTestId('assignment-options')).toBeVisible();
  await expect(t.getByTestId('deadline-text')).toContainText('Students can play until');
  await t.getByTestId(`scenario-${SCENARIO}`).click();
  await expect(t.getByTestId('assignment-checks')).toBeChecked();
  await t.getByTestId('assignment-title-input').fill('Tutorial homework');
  await expectAccessible(t, 'host setup, assignment (laptop)');
  await screenshot(t, 'assignment-host-setup-1366x768');
  await t.getByTestId('create-room').click();
  await expect(t).toHaveURL(/\/assignment\/[A-Za-z0-9]{10}$/);
  const id = new URL(t.url()).pathname.split('/').pop()!;
  await expect(t.getByTestId('console-title')).toHaveText('Tutorial homework');
  await expect(t.getByTestId('student-link')).toHaveText(`${baseURL}/a/${id}`);
  await expect(t.getByTestId('no-attempts')).toBeVisible();
  const teacherToken = await t.evaluate((key) => localStorage.getItem(key), `cc:assignment-teacher:${id}`);
  expect(teacherToken).toBeTruthy();
  const info = (await (await fetch(`${baseURL}/api/assignments/${id}`)).json()) as { seed: number; scenario: Scenario };

  // Student A, fast: 10×, one placement, then straight to the end.
  const a = await student(browser, baseURL!);
  await a.page.goto(`/a/${id}`);
  await expect(a.page.getByTestId('assignment-deadline')).toContainText('Due ');
  await expect(a.page.getByTestId('assignment-length')).toContainText('10 simulated minutes');
  await expectNoSidewaysScroll(a.page, 'assignment intro (phone)');
  await expectAccessible(a.page, 'assignment intro (phone)');
  await screenshot(a.page, 'assignment-intro-390x844');
  await a.page.getByTestId('attempt-nickname').fill('Quick Quokka');
  await a.page.getByTestId('attempt-start').click();
  await expect(a.page.getByTestId('concept-check')).toBeVisible();
  await expectAccessible(a.page, 'assignment before check (phone)');
  await screenshot(a.page, 'assignment-check-390x844');
  await answerCheck(a.page, 'before', 0);
  await expect(a.page.getByTestId('pace-bar')).toBeVisible();
  await a.page.getByTestId('pace-speed').selectOption('10');
  await a.page.getByTestId('pace-toggle').tap();
  await expect(a.page.getByTestId('pace-toggle')).toContainText('Pause');
  await place(a.page, 'web', 'linux-1');
  await expect(a.page.getByTestId('save-status')).toHaveText('All moves saved');
  await a.page.getByTestId('pace-skip').tap();
  await a.page.getByRole('dialog', { name: 'Skip to the end?' }).getByTestId('confirm-ok').click();
  await expect(a.page.getByTestId('server-total')).toBeVisible();
  await expect(a.page.getByTestId('attempt-replay')).toHaveAttribute('href', /^\/replay\//);
  await expect(a.page.getByTestId('assignment-references')).toBeVisible({ timeout: 30_000 });
  await expectNoSidewaysScroll(a.page, 'assignment debrief (phone)');
  await expectAccessible(a.page, 'assignment debrief (phone)');
  await screenshot(a.page, 'assignment-debrief-390x844');
  await a.page.getByTestId('after-check-start').click();
  await answerCheck(a.page, 'after', 0);
  await expect(a.page.getByTestId('assignment-done')).toBeVisible();

  // Student B, slow: pauses, places while paused, reloads mid-run and resumes where it was.
  const b = await student(browser, baseURL!);
  await startAttempt(b.page, id, 'Patient Panda');
  await answerCheck(b.page, 'before', 1);
  await b.page.getByTestId('pace-toggle').tap();
  await expect.poll(() => simulatedSecond(b.page)).toBeGreaterThanOrEqual(5);
  await b.page.getByTestId('pace-toggle').tap();
  await expect(b.page.getByTestId('pace-toggle')).toContainText('Resume');
  await expect(b.page.getByTestId('phase')).toHaveAttribute('data-phase', 'paused');
  const pausedAt = await simulatedSecond(b.page);
  await place(b.page, 'web', 'linux-1');
  // Offline for a move: it waits, the bar says so, and it goes as soon as the network is back.
  await b.context.setOffline(true);
  await place(b.page, 'api', 'linux-1');
  await expect(b.page.getByTestId('save-status')).toHaveText('Offline: will retry');
  await b.context.setOffline(false);
  // Paused: the clock stands while the student thinks.
  expect(await simulatedSecond(b.page)).toBe(pausedAt);
  await expect(b.page.getByTestId('save-status')).toHaveText('All moves saved');
  await expectNoSidewaysScroll(b.page, 'assignment board (phone)');
  await expectAccessible(b.page, 'assignment board (phone)');
  await screenshot(b.page, 'assignment-board-390x844');
  await screenshot(b.page, 'assignment-board-viewport-390x844', { fullPage: false });
  await b.page.getByTestId('pace-toggle').tap();
  await expect.poll(() => simulatedSecond(b.page)).toBeGreaterThan(pausedAt + 3);
  await b.page.getByTestId('pace-toggle').tap();
  const beforeReload = await simulatedSecond(b.page);

  await b.page.reload();
  await expect(b.page.getByTestId('pace-bar')).toBeVisible();
  await expect(b.page.getByTestId('pace-toggle')).toContainText('Resume');
  await expect(b.page.locator('[data-testid=instance]')).toHaveCount(2);
  expect(await simulatedSecond(b.page)).toBe(beforeReload);
  await b.page.getByTestId('pace-speed').selectOption('20');
  await b.page.getByTestId('pace-toggle').tap();
  await expect(b.page.getByTestId('server-total')).toBeVisible({ timeout: 60_000 });
  await b.page.getByTestId('after-check-start').click();
  await answerCheck(b.page, 'after', 1);
  await expect(b.page.getByTestId('assignment-done')).toBeVisible();

  // The console: both attempts, finished, with the server's scores; the server's score is its own re-simulation.
  await expect(t.getByTestId('attempt-row')).toHaveCount(2, { timeout: 15_000 });
  await expect(t.locator('[data-testid=attempt-row][data-finished=true]')).toHaveCount(2, { timeout: 15_000 });
  await expect(t.getByTestId('summary-finished')).toHaveText('2');
  const progress = (await (await fetch(`${baseURL}/api/assignments/${id}/progress`, { headers: { authorization: `Bearer ${teacherToken}` } })).json()) as Progress;
  expect(progress.summary).toMatchObject({ started: 2, finished: 2 });
  for (const [who, nickname, moves] of [
    [a, 'Quick Quokka', 1],
    [b, 'Patient Panda', 2],
  ] as const) {
    const mine = await kept(who.page, id);
    const attempt = (await (await fetch(`${baseURL}/api/assignments/${id}/attempts/${mine!.attemptId}`, { headers: { authorization: `Bearer ${mine!.attemptToken}` } })).json()) as { actions: PlanAction[] };
    expect(attempt.actions).toHaveLength(moves);
    const run = runScenario(info.scenario, info.seed, { plan: attempt.actions });
    const total = computeScore(run.state, clusterOf(run.state, run.clusterId)!).total;
    const row = progress.attempts.find((x) => x.nickname === nickname)!;
    expect(row.result!.total).toBeCloseTo(total, 6);
    expect(row.checks.before.of).toBeGreaterThan(0);
    expect(row.checks.after.of).toBe(row.checks.before.of);
    const shown = Number(await t.locator(`[data-testid=attempt-row][data-nickname="${nickname}"] [data-testid=attempt-score]`).textContent());
    expect(shown).toBeCloseTo(row.result!.total, 1);
  }
  await expect(t.getByTestId('check-gain-row').first()).toBeVisible();
  await expect(t.getByTestId('check-gain-row')).toHaveCount(progress.concepts.length);
  await expectNoSidewaysScroll(t, 'assignment console (laptop)');
  await expectAccessible(t, 'assignment console (laptop)');
  await screenshot(t, 'assignment-console-1366x768');
  // The link, big enough for a room to scan off the projector.
  await t.setViewportSize(VIEWPORTS.projector);
  await t.getByTestId('show-big-qr').click();
  await expect(t.getByTestId('big-qr').getByTestId('join-qr')).toBeVisible();
  expect((await t.getByTestId('big-qr').getByTestId('join-qr').boundingBox())!.width).toBeGreaterThan(500);
  await expectAccessible(t, 'assignment big QR (projector)');
  await screenshot(t, 'assignment-big-qr-1920x1080', { fullPage: false });
  await t.getByTestId('big-qr').getByRole('button', { name: 'Close' }).click();
  await t.setViewportSize(VIEWPORTS.laptop);

  // The report, as CSV and as JSON, fetched with the teacher's token.
  const [csv] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-csv').click()]);
  const table = await readFile((await csv.path())!, 'utf8');
  expect(table).toContain('Quick Quokka');
  expect(table).toContain('Patient Panda');
  const [json] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-json').click()]);
  const report = JSON.parse(await readFile((await json.path())!, 'utf8')) as { students: { nickname: string; score: { total: number } }[]; checks: { students: unknown[] } | null };
  expect(report.students.map((s) => s.nickname).sort()).toEqual(['Patient Panda', 'Quick Quokka']);
  expect(report.checks?.students).toHaveLength(2);
  for (const s of report.students) expect(s.score.total).toBeCloseTo(progress.attempts.find((x) => x.nickname === s.nickname)!.result!.total, 1);
  expect(t.url()).not.toContain('token');

  // The private teacher link opens the console on another device, and leaves the address bar clean.
  await t.getByTestId('teacher-link').locator('summary').click();
  const teacherLink = (await t.getByTestId('teacher-link-url').textContent())!;
  const other = await browser.newContext({ baseURL, viewport: VIEWPORTS.laptop });
  const o = await other.newPage();
  await o.goto(teacherLink);
  await expect(o.locator('[data-testid=attempt-row]')).toHaveCount(2);
  expect(o.url()).toBe(`${baseURL}/assignment/${id}`);
  await other.close();

  // Deleting: a confirmation, then nothing is left.
  await t.getByTestId('delete-assignment').click();
  await t.getByRole('dialog', { name: 'Delete this assignment?' }).getByTestId('confirm-ok').click();
  await expect(t.getByTestId('assignment-deleted')).toBeVisible();
  expect((await fetch(`${baseURL}/api/assignments/${id}`)).status).toBe(404);
  await a.page.goto(`/a/${id}`);
  await expect(a.page.getByTestId('assignment-stopped')).toContainText('Assignment not found');

  await a.context.close();
  await b.context.close();
  await teacher.close();
});

test('without checks, a student on a laptop goes from the nickname straight to the board, and an unknown link says so', async ({ browser, baseURL }) => {
  const res = await fetch(`${baseURL}/api/assignments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenarioId: SCENARIO, deadlineMs: Date.now() + 3 * 24 * 3600 * 1000, checks: false }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  const laptop = await browser.newContext({ baseURL, viewport: VIEWPORTS.laptop });
  const page = await laptop.newPage();
  await page.goto(`/a/${id}`);
  await page.getByTestId('attempt-suggest').click();
  await expect(page.getByTestId('attempt-nickname')).not.toHaveValue('');
  await page.getByTestId('attempt-start').click();
  await expect(page.getByTestId('pace-bar')).toBeVisible();
  await expect(page.getByTestId('concept-check')).toHaveCount(0);
  await page.getByTestId('app-web').dragTo(hostCard(page, 'linux-1'));
  await expect(page.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);
  // A refused move explains itself, with its idea, and is not sent.
  await page.getByTestId('app-reports').dragTo(hostCard(page, 'linux-1'));
  await expect(page.getByTestId('refusal-region')).toContainText(/kernel/i);
  await expect(page.getByTestId('save-status')).toHaveText('All moves saved');
  await page.getByTestId('pace-toggle').click();
  await expect.poll(() => simulatedSecond(page)).toBeGreaterThanOrEqual(2);
  await expectNoSidewaysScroll(page, 'assignment board (laptop)');
  await expectAccessible(page, 'assignment board (laptop)');
  await screenshot(page, 'assignment-board-1366x768', { fullPage: false });
  await page.getByTestId('pace-skip').click();
  await page.getByRole('dialog', { name: 'Skip to the end?' }).getByTestId('confirm-ok').click();
  await expect(page.getByTestId('server-total')).toBeVisible();
  await expect(page.getByTestId('score-differs')).toHaveCount(0);
  await page.getByTestId('assignment-finish').click();
  await expect(page.getByTestId('assignment-done')).toBeVisible();
  await expectAccessible(page, 'assignment done (laptop)');
  // A reload after the end shows the result again, not a new run.
  await page.reload();
  await expect(page.getByTestId('server-total')).toBeVisible();

  await page.goto('/a/ZZZZZZZZZZ');
  await expect(page.getByTestId('assignment-stopped')).toContainText('Assignment not found');
  await expectAccessible(page, 'assignment not found (laptop)');
  await laptop.close();
});
