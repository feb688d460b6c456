import type { Page } from '@playwright/test';
import { replaySimulation, type RoomLogEntry } from '../../shared/replay/log.ts';
import { clusterView, standings } from '../../shared/views/index.ts';
import type { Scenario } from '../../shared/scenario/schema.ts';
import type { SimState } from '../../shared/engine/types.ts';
import {
  VIEWPORTS,
  bot,
  createRoom,
  expect,
  expectAccessible,
  expectNoSidewaysScroll,
  hostControl,
  joinByLink,
  screenshot,
  sizeOf,
  studentContext,
  teacherContext,
  test,
} from './fixtures.ts';

interface ServerReplay {
  readonly meta: { readonly seed: number; readonly scenario: Scenario };
  readonly log: readonly RoomLogEntry[];
}

const fetchReplay = async (page: Page, id: string): Promise<ServerReplay> => (await (await page.request.get(`/api/replays/${id}`)).json()) as ServerReplay;

/** Where the chart's "now" line is: the second it marks and its x in the plot, in CSS pixels. */
async function chartNow(page: Page): Promise<{ second: number; x: number }> {
  const now = page.getByTestId('replay-chart-now');
  return { second: Number(await now.getAttribute('data-second')), x: parseFloat((await now.evaluate((el) => (el as HTMLElement).style.left)) || 'NaN') };
}

test('a finished session replays in the browser exactly as the server ran it; "(you)" is the viewer, events land a second early, the chart follows', async ({ browser, baseURL }) => {
  test.setTimeout(180_000);
  const room = await createRoom(baseURL!, { scenarioId: 'tutorial', speed: 2 });
  const host = await hostControl(baseURL!, room);
  const alice = await studentContext(browser, baseURL!, VIEWPORTS.laptop);
  const s = alice.page;
  await joinByLink(s, room.code, 'Alice');
  const bob = await bot(baseURL!, room.code, 'Bob');
  expect(await bob.act({ type: 'deploy', appId: 'api', runtime: 'container', target: 'linux-2' })).toBe(true);
  await s.getByTestId('place-web').click();
  await s.getByTestId('place-runtime-container').check();
  await s.getByTestId('place-target').selectOption('linux-1');
  await s.getByTestId('place-submit').click();
  await expect(s.locator('[data-testid=instance][data-app=web]')).toHaveCount(1);

  await host.control('start');
  await host.reachSecond(20);
  await host.inject({ type: 'trafficSpike', appId: 'web', factor: 3, durationS: 60 });
  // Play on until the clock is well past the second the test looks at.
  await host.reachSecond(60);
  await host.control('nextPhase');
  await expect.poll(() => host.view()?.room.phase).toBe('debrief');
  expect(host.replayId).toBeTruthy();
  const replayId = host.replayId!;

  // The teacher's browser never sat in the session: nobody is "(you)", whoever is selected.
  const teacher = await teacherContext(browser, baseURL!, room, VIEWPORTS.laptop);
  const t = teacher.page;
  await t.goto(`/replay/${replayId}`);
  await expect(t.getByTestId('replay-title')).toContainText('Replay');
  const aliceId = await t.locator('[data-testid=replay-cluster] option', { hasText: 'Alice' }).getAttribute('value');
  await t.getByTestId('replay-cluster').selectOption(aliceId!);
  await expect(t.getByTestId('replay-leaderboard')).toContainText('Alice');
  await expect(t.getByTestId('replay-leaderboard')).not.toContainText('(you)');
  await expect(t.getByTestId('replay-cluster')).not.toContainText('(you)');
  await t.getByTestId('replay-cluster').selectOption(bob.playerId);
  await expect(t.getByTestId('replay-leaderboard')).not.toContainText('(you)');
  await t.getByTestId('replay-cluster').selectOption(aliceId!);

  // Seek to second 30: Alice's web container is on linux-1.
  await t.getByTestId('replay-jump-input').fill('30');
  await t.getByTestId('replay-jump').click();
  await expect(t.getByTestId('replay-second')).toHaveText('30');
  await expect(t.getByTestId('replay-scrubber')).toHaveValue('30');
  await expect(t.locator('[data-testid=host][data-host=linux-1] [data-testid=instance][data-app=web]')).toHaveCount(1);
  await expect(t.locator('[data-testid=instance][data-app=web]')).toHaveAttribute('data-runtime', 'container');
  await expect(t.getByTestId('replay-chart-summary')).toContainText('Alice');

  // What the viewer shows at second 30 is what the server's log says for that second: every
  // instance with its status, and the leaderboard's order and totals.
  const logged = await fetchReplay(t, replayId);
  const at30 = replaySimulation(logged.meta.scenario, logged.meta.seed, logged.log, 30);
  expect(at30.timeS).toBe(30);
  const board = standings(at30);
  const expectedInstances = clusterView(at30, at30.clusters[aliceId!]!).instances.map((i) => `${i.id}:${i.runtime}:${i.status}`).sort();
  const shown = await t.locator('[data-testid=instance]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-instance')}:${e.getAttribute('data-runtime')}:${e.getAttribute('data-status')}`));
  expect(shown.sort()).toEqual(expectedInstances);
  await expect(t.getByTestId('leader-row')).toHaveCount(board.rows.length);
  for (const row of board.rows) await expect(t.locator(`[data-testid=leader-row][data-cluster="${row.clusterId}"]`)).toContainText(String(row.total));

  // The chart marks the second shown, and the mark moves with the scrubber.
  await expect.poll(async () => (await chartNow(t)).second).toBe(30);
  const at30x = (await chartNow(t)).x;
  await t.getByTestId('replay-scrubber').focus();
  await t.keyboard.press('ArrowRight');
  await expect(t.getByTestId('replay-second')).toHaveText('31');
  await expect.poll(async () => (await chartNow(t)).second).toBe(31);
  expect((await chartNow(t)).x).toBeGreaterThan(at30x);
  await t.getByTestId('replay-forward').click();
  await expect(t.getByTestId('replay-second')).toHaveText('32');
  await t.getByTestId('replay-back').click();
  await expect(t.getByTestId('replay-second')).toHaveText('31');

  // An event's button goes to the second before it fired; one step forward is the second it hits.
  const fired = replaySimulation(logged.meta.scenario, logged.meta.seed, logged.log).fired.find((f) => f.event.type === 'trafficSpike' && f.source === 'teacher');
  expect(fired, 'the injected spike is in the log').toBeDefined();
  await t.locator(`[data-testid=replay-event][data-at="${fired!.atS}"]`).click();
  await expect(t.getByTestId('replay-second')).toHaveText(String(fired!.atS - 1));
  await expect.poll(async () => (await chartNow(t)).second).toBe(fired!.atS - 1);
  await t.getByTestId('replay-forward').click();
  await expect(t.getByTestId('replay-second')).toHaveText(String(fired!.atS));

  // Playing moves the mark along with the clock.
  const before = (await chartNow(t)).x;
  await t.getByTestId('replay-speed').selectOption('20');
  await t.getByTestId('replay-play').click();
  await expect.poll(async () => Number(await t.getByTestId('replay-second').textContent())).toBeGreaterThan(fired!.atS + 5);
  await t.getByTestId('replay-play').click();
  const paused = Number(await t.getByTestId('replay-second').textContent());
  await expect.poll(async () => (await chartNow(t)).second).toBe(paused);
  expect((await chartNow(t)).x).toBeGreaterThan(before);

  // Determinism: the browser's final state is the server's, byte for byte.
  const expected: SimState = replaySimulation(logged.meta.scenario, logged.meta.seed, logged.log);
  const actual = await t.evaluate(() => window.__ccReplayFinal ?? null);
  expect(actual).toBe(JSON.stringify(expected));
  await expect(t.getByTestId('replay-page')).toHaveAttribute('data-duration', String(expected.timeS));
  await expect(t.getByTestId('replay-scrubber')).toHaveAttribute('max', String(expected.timeS));
  expect(expected.timeS).toBeGreaterThanOrEqual(60);

  // The reference plans, beside the selected player's final score.
  await expect(t.getByTestId('replay-reference-row')).toHaveCount(4, { timeout: 30_000 });
  await expect(t.locator('[data-testid=replay-reference-row][data-policy=selected]')).toContainText('Alice');
  await expectAccessible(t, 'replay (laptop)');
  await screenshot(t, `replay-${sizeOf(VIEWPORTS.laptop)}`);

  // On a phone the comparison stays inside the screen: it fits or scrolls in its own box.
  await t.setViewportSize(VIEWPORTS.phone);
  await expectNoSidewaysScroll(t, 'replay at 390 px');
  await t.getByTestId('replay-references').scrollIntoViewIfNeeded();
  const fit = await t.getByTestId('replay-references-wrap').evaluate((wrap) => {
    const box = wrap.getBoundingClientRect();
    const table = wrap.querySelector('table')!;
    return { right: box.right, left: box.left, width: window.innerWidth, fits: table.scrollWidth <= wrap.clientWidth, scrolls: ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX) };
  });
  expect(fit.left).toBeGreaterThanOrEqual(0);
  expect(fit.right).toBeLessThanOrEqual(fit.width);
  expect(fit.fits || fit.scrolls, 'the reference table fits the phone or scrolls inside its box').toBe(true);
  await expect(t.getByTestId('replay-references').getByText('Security')).toBeAttached();
  await expectAccessible(t, 'replay (phone)');
  await screenshot(t, `replay-${sizeOf(VIEWPORTS.phone)}`);

  // Alice's own browser: her row is "(you)", Bob's is not, whichever cluster is shown.
  await s.goto(`/replay/${replayId}`);
  await expect(s.getByTestId('replay-title')).toContainText('Replay');
  await expect(s.locator(`[data-testid=leader-row][data-cluster="${aliceId}"]`)).toContainText('(you)');
  await expect(s.locator(`[data-testid=leader-row][data-cluster="${bob.playerId}"]`)).not.toContainText('(you)');
  await expect(s.getByTestId('replay-cluster')).toHaveValue(aliceId!);
  await s.getByTestId('replay-cluster').selectOption(bob.playerId);
  await expect(s.locator(`[data-testid=leader-row][data-cluster="${bob.playerId}"]`)).not.toContainText('(you)');
  await expect(s.locator(`[data-testid=leader-row][data-cluster="${aliceId}"]`)).toContainText('(you)');
  await expect(s.getByTestId('replay-show-you')).toBeVisible();
  await screenshot(s, `replay-you-${sizeOf(VIEWPORTS.laptop)}`);

  // An unknown replay says so.
  await t.goto('/replay/no-such-replay');
  await expect(t.getByTestId('replay-error')).toContainText('does not exist or has expired');
  await expectAccessible(t, 'replay not found');

  host.close();
  bob.close();
  await teacher.context.close();
  await alice.context.close();
});

test('a team replay lists only the teams that have members', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const room = await createRoom(baseURL!, { scenarioId: 'tutorial', mode: 'teams', speed: 2, teams: 4 });
  const host = await hostControl(baseURL!, room);
  const bots = [await bot(baseURL!, room.code, 'Ana'), await bot(baseURL!, room.code, 'Ben'), await bot(baseURL!, room.code, 'Cy')];
  // Three players in three teams, then dealt into two: the third team is left with a cluster and nobody.
  await host.balance(2);
  expect(await bots[0]!.act({ type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' })).toBe(true);
  await host.control('start');
  await host.reachSecond(10);
  await host.control('nextPhase');
  await expect.poll(() => host.view()?.room.phase).toBe('debrief');

  const teacher = await teacherContext(browser, baseURL!, room, VIEWPORTS.laptop);
  const t = teacher.page;
  await t.goto(`/replay/${host.replayId}`);
  await expect(t.getByTestId('replay-title')).toContainText('Replay');

  // Who was in which team at the end, from the server's own log.
  const logged = await fetchReplay(t, host.replayId!);
  const teamOf = new Map<string, string>();
  for (const { action } of logged.log) if (action.type === 'room:team') teamOf.set(action.playerId, action.teamId);
  const withMembers = new Set(teamOf.values());
  const final = replaySimulation(logged.meta.scenario, logged.meta.seed, logged.log);
  expect(withMembers.size).toBe(2);
  expect(final.clusterOrder.length, 'the session does have a team cluster with nobody in it').toBeGreaterThan(withMembers.size);

  const options = await t.locator('[data-testid=replay-cluster] option').evaluateAll((els) => els.map((e) => ({ id: (e as HTMLOptionElement).value, text: e.textContent ?? '' })));
  expect(options.map((o) => o.id).sort()).toEqual([...withMembers].sort());
  for (const o of options) expect(o.text).toMatch(/\d+ members?/);
  await expect(t.getByTestId('leader-row')).toHaveCount(withMembers.size);
  await expect(t.getByTestId('replay-page')).toContainText('2 teams');
  await screenshot(t, `replay-teams-${sizeOf(VIEWPORTS.laptop)}`);

  host.close();
  for (const b of bots) b.close();
  await teacher.context.close();
});
