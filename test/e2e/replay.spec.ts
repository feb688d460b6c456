import { replaySimulation, type RoomLogEntry } from '../../shared/replay/log.ts';
import { clusterView, standings } from '../../shared/views/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { DESKTOP, PHONE, expect, expectAccessible, hostRoom, joinRoom, person, screenshot, test } from './fixtures.ts';

interface ServerReplay {
  readonly meta: { readonly seed: number; readonly scenario: Scenario };
  readonly log: readonly RoomLogEntry[];
}

const seconds = (clock: string): number => clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);

test('a finished session replays in the browser exactly as the server ran it', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const teacher = await person(browser, baseURL!, DESKTOP);
  const t = teacher.page;
  const code = await hostRoom(t, 'tutorial');

  const student = await person(browser, baseURL!, DESKTOP);
  const s = student.page;
  await joinRoom(s, code, 'Alice');
  await s.getByTestId('place-web').click();
  await s.getByTestId('place-runtime-container').check();
  await s.getByTestId('place-target').selectOption('linux-1');
  await s.getByTestId('place-submit').click();
  await expect(s.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);

  await t.getByTestId('speed').selectOption('20');
  await t.getByTestId('control-start').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'running');
  // Play on until the clock is well past the second the test looks at.
  await expect.poll(async () => seconds(((await t.getByTestId('teacher-clock').textContent()) ?? '0:00').split('/')[0]!.trim()), { timeout: 20_000 }).toBeGreaterThanOrEqual(45);
  await t.getByTestId('control-next').click();
  await expect(t.getByTestId('teacher-phase')).toHaveAttribute('data-phase', 'debrief');

  await t.getByTestId('watch-replay').click();
  await expect(t).toHaveURL(/\/replay\/[A-Za-z0-9_-]+$/);
  const replayId = new URL(t.url()).pathname.split('/').pop()!;
  await expect(t.getByTestId('replay-title')).toContainText('Replay');

  // Seek to second 30: Alice's web container is on linux-1.
  await t.getByTestId('replay-jump-input').fill('30');
  await t.getByTestId('replay-jump').click();
  await expect(t.getByTestId('replay-second')).toHaveText('30');
  await expect(t.getByTestId('replay-scrubber')).toHaveValue('30');
  await expect(t.locator('[data-testid=host][data-host=linux-1] [data-testid=instance][data-app=web]')).toHaveCount(1);
  await expect(t.locator('[data-testid=instance][data-app=web]')).toHaveAttribute('data-runtime', 'container');
  await expect(t.getByTestId('leaderboard')).toContainText('Alice');
  await expect(t.getByTestId('replay-chart-summary')).toContainText('Alice');

  // What the viewer shows at second 30 is what the server's log says for that second: every
  // instance with its status, and the leaderboard's order and totals.
  const logged = (await (await t.request.get(`/api/replays/${new URL(t.url()).pathname.split('/').pop()!}`)).json()) as ServerReplay;
  const at30 = replaySimulation(logged.meta.scenario, logged.meta.seed, logged.log, 30);
  expect(at30.timeS).toBe(30);
  const board = standings(at30);
  const alice = board.rows.find((r) => r.name === 'Alice')!;
  const expectedInstances = clusterView(at30, at30.clusters[alice.clusterId]!).instances.map((i) => `${i.id}:${i.runtime}:${i.status}`).sort();
  const shown = await t.locator('[data-testid=instance]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-instance')}:${e.getAttribute('data-runtime')}:${e.getAttribute('data-status')}`));
  expect(shown.sort()).toEqual(expectedInstances);
  await expect(t.getByTestId('leader-row')).toHaveCount(board.rows.length);
  for (const row of board.rows) await expect(t.locator(`[data-testid=leader-row][data-cluster="${row.clusterId}"]`)).toContainText(String(row.total));

  // The scrubber moves with the keyboard.
  await t.getByTestId('replay-scrubber').focus();
  await t.keyboard.press('ArrowRight');
  await expect(t.getByTestId('replay-second')).toHaveText('31');

  // Determinism: the browser's final state is the server's, byte for byte.
  const res = await t.request.get(`/api/replays/${replayId}`);
  expect(res.ok()).toBe(true);
  const replay = (await res.json()) as ServerReplay;
  const expected = replaySimulation(replay.meta.scenario, replay.meta.seed, replay.log);
  const actual = await t.evaluate(() => window.__ccReplayFinal ?? null);
  expect(actual).toBe(JSON.stringify(expected));
  await expect(t.getByTestId('replay-page')).toHaveAttribute('data-duration', String(expected.timeS));
  await expect(t.getByTestId('replay-scrubber')).toHaveAttribute('max', String(expected.timeS));
  expect(expected.timeS).toBeGreaterThanOrEqual(45);

  await expectAccessible(t, 'replay desktop');
  await screenshot(t, 'replay-desktop');
  await t.setViewportSize(PHONE);
  await expectAccessible(t, 'replay phone');
  const { scroll, width } = await t.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  expect(scroll).toBeLessThanOrEqual(width);
  await screenshot(t, 'replay-phone');

  // An unknown replay says so.
  await t.goto('/replay/no-such-replay');
  await expect(t.getByTestId('replay-error')).toContainText('does not exist or has expired');
  await expectAccessible(t, 'replay not found');

  await teacher.context.close();
  await student.context.close();
});
