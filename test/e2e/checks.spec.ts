import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { questionById } from '../../shared/learning/checks.ts';
import { SCREENSHOTS, VIEWPORTS, expect, expectAccessible, expectNoSidewaysScroll, joinRoom, person, screenshot, test } from './fixtures.ts';

/**
 * Answers the open check on a student's phone, one question at a time: right or wrong by the
 * bank's answers. `shoot` takes the phone's screenshot of the first question with its explanation.
 */
async function answerCheck(page: Page, right: boolean, shoot?: string): Promise<void> {
  const card = page.getByTestId('concept-check');
  await expect(card).toBeVisible();
  const total = Number((await card.getByTestId('check-count').innerText()).split(' of ')[1]);
  for (let i = 0; i < total; i++) {
    await expect(card.getByTestId('check-count')).toHaveText(`${i + 1} of ${total}`);
    const id = (await card.getByTestId('check-question').getAttribute('data-question'))!;
    const q = questionById(id)!;
    const choice = right ? q.answer : (q.answer + 1) % q.choices.length;
    await expect(card.getByTestId('check-submit')).toBeDisabled();
    await card.getByTestId('check-choice').nth(choice).click();
    await card.getByTestId('check-submit').click();
    const result = card.getByTestId('check-result');
    await expect(result).toHaveAttribute('data-correct', String(right));
    // Said in words, not by colour alone, with the reason why.
    await expect(result).toContainText(right ? 'Right!' : 'Not quite.');
    await expect(card.getByTestId('check-explanation')).toHaveText(q.explanation);
    if (i === 0 && shoot) {
      await expectAccessible(page, `${shoot}: the concept check`);
      await expectNoSidewaysScroll(page, shoot);
      await card.scrollIntoViewIfNeeded();
      await screenshot(page, shoot, { fullPage: false });
    }
    await card.getByTestId('check-next').click();
  }
  await expect(card.getByTestId('check-summary')).toContainText(`${right ? total : 0} of ${total}`);
  await card.getByTestId('check-continue').click();
  await expect(page.getByTestId('concept-check')).toHaveCount(0);
  await expect(page.getByTestId('check-closed')).toContainText('Questions done');
}

test('concept checks: students answer before and after, the console and the projector show what the class learnt, the report has it', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!, VIEWPORTS.laptop);
  const ada = await person(browser, baseURL!, VIEWPORTS.phone);
  const bob = await person(browser, baseURL!, VIEWPORTS.phone);
  const t = teacher.page;

  await t.goto('/host');
  await t.getByTestId('scenario-tutorial').click();
  const toggle = t.getByTestId('checks-switch');
  await expect(toggle).not.toBeChecked();
  await toggle.check();
  await toggle.scrollIntoViewIfNeeded();
  await screenshot(t, 'checks-host-setup-1366x768', { fullPage: false });
  await t.getByTestId('create-room').click();
  await expect(t).toHaveURL(/\/teach\/[A-Z0-9]{6}$/);
  const code = new URL(t.url()).pathname.split('/').pop()!;
  await expect(t.getByTestId('checks-panel')).toBeVisible();

  const projector = await person(browser, baseURL!, VIEWPORTS.projector);
  const w = projector.page;
  await w.goto(await t.getByTestId('projector-link').inputValue());

  await joinRoom(ada.page, code, 'Ada');
  await joinRoom(bob.page, code, 'Bob');
  await expect(w.getByTestId('projector-check-progress')).toHaveText(/0 of 2 answered the check/);
  // The first thing a student sees while waiting: the questions, with a way to skip them.
  await expect(ada.page.getByTestId('concept-check')).toHaveAttribute('data-stage', 'before');
  await expect(ada.page.getByTestId('check-skip')).toBeVisible();
  await answerCheck(ada.page, true, 'checks-student-question-390x844');
  await answerCheck(bob.page, false, 'checks-student-wrong-390x844');
  await expect(t.getByTestId('checks-before')).toContainText('2 of 2');
  await expect(w.getByTestId('projector-check-progress')).toHaveText(/2 of 2 answered the check/);
  await screenshot(w, 'checks-projector-lobby-1920x1080', { fullPage: false });

  await t.getByTestId('control-start').click();
  await expect(ada.page.getByTestId('concept-check')).toHaveCount(0);
  await expect(ada.page.getByTestId('check-closed')).toHaveCount(0);
  await t.getByTestId('control-next').click();
  await t.getByRole('button', { name: 'Go to the debrief' }).click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'debrief');

  // At the debrief, after their results: the second check, and the link to a what-if of their own cluster.
  for (const s of [ada, bob]) {
    await expect(s.page.getByTestId('concept-check')).toHaveAttribute('data-stage', 'after');
    await expect(s.page.getByTestId('what-if-link')).toHaveAttribute('href', /^\/replay\/[^?]+\?cluster=[^&]+&whatif=1$/);
    if (s === ada) {
      await screenshot(s.page, 'checks-student-debrief-390x844');
    }
    if (s === bob) {
      // Checks are optional: skipped, they leave a way back.
      await s.page.getByTestId('check-skip').click();
      await expect(s.page.getByTestId('check-closed')).toContainText('You skipped the questions.');
      await s.page.getByTestId('check-reopen').click();
    }
    await answerCheck(s.page, true);
  }

  await expect(t.getByTestId('checks-after')).toContainText('2 of 2');
  // The watched cluster's "what if", to show on the projector.
  await t.locator('[data-testid=roster-row][data-nickname=Ada]').getByTestId('watch').click();
  await expect(t.getByTestId('what-if-present')).toHaveAttribute('href', /^\/replay\/[^?]+\?cluster=[^&]+&whatif=1&present=1$/);
  const rows = t.getByTestId('check-gain-row');
  await expect(rows.first()).toBeVisible();
  const n = await rows.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    // Ada right and Bob wrong before, both right after: half before, all after, a gain of +1.00.
    await expect(rows.nth(i).getByTestId('gain-before')).toContainText('50%');
    await expect(rows.nth(i).getByTestId('gain-after')).toContainText('100%');
    await expect(rows.nth(i).getByTestId('gain-value')).toHaveText('+1.00');
  }
  await t.getByTestId('checks-panel').scrollIntoViewIfNeeded();
  await t.getByTestId('checks-panel').screenshot({ path: `${SCREENSHOTS}checks-console-panel-1366x768.png` });
  await screenshot(t, 'checks-console-1366x768', { fullPage: false });
  await expectAccessible(t, 'teacher console with concept checks');

  // The projector: the class's before and after per concept, and no one's name anywhere on it.
  const wall = w.getByTestId('projector-checks');
  await expect(wall).toBeVisible();
  await expect(w.getByTestId('projector-check-concept')).toHaveCount(n);
  await expect(w.getByTestId('projector-check-concept').first()).toContainText('50%');
  await expect(w.getByTestId('projector-check-concept').first()).toContainText('100%');
  await expect(wall).not.toContainText('Ada');
  await expect(wall).not.toContainText('Bob');
  await screenshot(w, 'checks-projector-debrief-1920x1080', { fullPage: false });
  const scrolls = await w.evaluate(() => document.documentElement.scrollHeight > window.innerHeight);
  expect(scrolls, 'the projector never scrolls').toBe(false);

  // The report: per-student before and after, and the CSV's sections.
  const [json] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-json').click()]);
  const report = JSON.parse(await readFile((await json.path())!, 'utf8')) as { checks: { students: { nickname: string; before: { correct: number; of: number }; after: { correct: number; of: number } }[] } };
  expect(report.checks.students.map((s) => [s.nickname, s.before.correct, s.after.correct])).toEqual([
    ['Ada', 5, 5],
    ['Bob', 0, 5],
  ]);
  const [csv] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-csv').click()]);
  const table = await readFile((await csv.path())!, 'utf8');
  expect(table.split('\r\n')[0]).toMatch(/,checkBefore,checkAfter,checkGain$/);
  expect(table).toContain('0 of 5 right (0%),5 of 5 right (100%),1');
  expect(table).toContain('check-concept,');

  // The replay shows the class's figures too, and no name with them.
  // The replay was kept at the debrief and is refreshed for the answers after it, within seconds.
  await t.getByTestId('watch-replay').click();
  const replayed = t.getByTestId('replay-checks');
  await expect(async () => {
    await t.reload();
    await expect(replayed.getByTestId('gain-value').first()).toHaveText('+1.00', { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(replayed.getByTestId('check-gain-row')).toHaveCount(n);
  await expect(replayed).not.toContainText('Ada');
  await replayed.scrollIntoViewIfNeeded();
  await replayed.screenshot({ path: `${SCREENSHOTS}checks-replay-1366x768.png` });

  for (const p of [teacher, ada, bob, projector]) await p.context.close();
});
