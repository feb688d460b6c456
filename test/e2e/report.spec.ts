import { readFile } from 'node:fs/promises';
import { expect, hostRoom, joinRoom, person, test } from './fixtures.ts';

test('the teacher downloads the session report as CSV and JSON from the console', async ({ browser, baseURL }) => {
  const teacher = await person(browser, baseURL!);
  const student = await person(browser, baseURL!);
  const code = await hostRoom(teacher.page, 'tutorial');
  await joinRoom(student.page, code, 'Ada');
  await student.page.getByTestId('app-web').dragTo(student.page.locator('[data-testid=host][data-host=linux-1]'));
  await expect(student.page.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);

  const t = teacher.page;
  await expect(t.getByTestId('roster-row')).toHaveCount(1);
  const [csv] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-csv').click()]);
  expect(csv.suggestedFilename()).toBe(`clusterclass-${code}-tutorial-report.csv`);
  const table = await readFile((await csv.path())!, 'utf8');
  expect(table.split('\r\n')[0]).toBe('row,nickname,team,rank,total,availability,cost,security,atS,kind,detail,outcome,code,concept,message');
  expect(table).toContain('decision,Ada,');
  expect(table).toContain('web as container on linux-1,accepted');

  const [json] = await Promise.all([t.waitForEvent('download'), t.getByTestId('report-json').click()]);
  const report = JSON.parse(await readFile((await json.path())!, 'utf8')) as { students: { nickname: string; decisions: unknown[] }[] };
  expect(report.students.map((s) => [s.nickname, s.decisions.length])).toEqual([['Ada', 1]]);
  // The host token went as a header, not in any URL the browser keeps.
  expect(t.url()).not.toContain('token');
  await teacher.context.close();
  await student.context.close();
});
