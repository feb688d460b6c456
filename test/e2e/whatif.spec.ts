import type { Page } from '@playwright/test';
import { Branch, branchPlan, compareBranch, type ScoreParts } from '../../client/src/lib/branch.ts';
import { points } from '../../client/src/lib/format.ts';
import { ReplayTimeline, type ReplayMeta } from '../../client/src/lib/replay.ts';
import type { PlanAction } from '../../shared/engine/run.ts';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import type { PlayerActionInput } from '../../shared/protocol/index.ts';
import { untrustedTenants } from '../../shared/scenario/library/untrusted-tenants.ts';
import { VIEWPORTS, bot, createRoom, expect, expectAccessible, expectNoSidewaysScroll, hostControl, joinByLink, screenshot, sizeOf, studentContext, teacherContext, test } from './fixtures.ts';
import { hostCard } from './board-helpers.ts';

const BRANCH_S = 10;
const EXPLOIT_S = 60;

/** "Running other people's code", cut to two minutes: one tenant plug-in, Billing, and the exploit at 1:00. */
const scenario = {
  ...untrustedTenants,
  id: 'whatif-tenants',
  title: 'What-if tenants',
  durationS: 120,
  hosts: untrustedTenants.hosts.filter((h) => h.id !== 'host-b'),
  apps: [untrustedTenants.apps[0], { ...untrustedTenants.apps[3], replicas: 1 }],
  events: [{ atS: EXPLOIT_S, type: 'kernelExploit', os: 'linux' }],
};

interface ServerReplay {
  readonly meta: ReplayMeta;
  readonly log: readonly RoomLogEntry[];
}

/** Places an app on a phone board: tap the app, tap the host, pick the runtime, Place. */
async function placeOnPhone(page: Page, appId: string, hostId: string, runtime: 'container' | 'vm') {
  await page.getByTestId(`select-${appId}`).tap();
  await hostCard(page, hostId).getByTestId('place-here').tap();
  const dialog = page.getByTestId('place-dialog');
  await dialog.getByTestId(`place-runtime-${runtime}`).check();
  await dialog.getByTestId('place-submit').tap();
  await expect(page.getByTestId('place-prompt')).toHaveCount(0);
}

/** Nothing widens a phone's layout past its screen (a phone browser would zoom out, not scroll). */
async function expectPhoneWidth(page: Page, what: string) {
  await expectNoSidewaysScroll(page, what);
  expect(await page.evaluate(() => window.innerWidth), `${what}: the layout viewport grew`).toBe(VIEWPORTS.phone.width);
}

/** Finite animations still running anywhere in the page, shadow roots included. */
function runningAnimations(): number {
  let n = 0;
  const walk = (root: Document | ShadowRoot) => {
    for (const el of root.querySelectorAll('*')) {
      n += el.getAnimations().filter((a) => a.playState === 'running' && Number.isFinite(Number(a.effect?.getComputedTiming().endTime))).length;
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return n;
}

/** The four score cells of one column of the comparison, as shown. */
async function shownScores(page: Page, column: 'branch-original' | 'branch-whatif'): Promise<Record<string, string>> {
  const rows = page.getByTestId('branch-score-row');
  const out: Record<string, string> = {};
  for (const row of await rows.all()) out[(await row.getAttribute('data-part'))!] = (await row.getByTestId(column).textContent())!.trim();
  return out;
}

const asShown = (s: ScoreParts) => ({ total: points(s.total), availability: points(s.availability), cost: points(s.cost), security: points(s.security) });

test('a student branches her replay on a phone, moves the plug-in into a VM, and sees what it changed beside the original; the teacher presents it', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const room = await createRoom(baseURL!, { scenario, speed: 4 });
  const host = await hostControl(baseURL!, room);
  const ana = await studentContext(browser, baseURL!, VIEWPORTS.phone);
  const s = ana.page;
  await joinByLink(s, room.code, 'Ana');
  // Ana shares Linux host A's kernel between the tenant's plug-in and Billing.
  await placeOnPhone(s, 'plugin-acme', 'host-a', 'container');
  await placeOnPhone(s, 'billing', 'host-a', 'container');
  await expect(s.locator('[data-testid=instance]')).toHaveCount(2);
  const ben = await bot(baseURL!, room.code, 'Ben');
  expect(await ben.act({ type: 'deploy', appId: 'plugin-acme', runtime: 'vm', target: 'host-c' })).toBe(true);
  expect(await ben.act({ type: 'deploy', appId: 'billing', runtime: 'container', target: 'host-a' })).toBe(true);

  await host.control('start');
  await host.reachSecond(30);
  // A teacher's event after the branch second: the what-if must live through it too.
  await host.inject({ type: 'trafficSpike', appId: 'billing', factor: 2, durationS: 20 });
  await host.speed(20);
  await expect.poll(() => host.view()?.room.phase, { timeout: 60_000 }).toBe('debrief');
  const replayId = host.replayId!;
  expect(replayId).toBeTruthy();

  // Ana opens her replay on the phone, goes to 0:10 and branches from her own cluster.
  await s.goto(`/replay/${replayId}`);
  await expect(s.getByTestId('replay-cluster')).toContainText('Ana (you)');
  await s.getByTestId('replay-jump-input').fill(String(BRANCH_S));
  await s.getByTestId('replay-jump').click();
  await expect(s.getByTestId('replay-second')).toHaveText(String(BRANCH_S));
  await expect(s.getByTestId('whatif-open')).toHaveText(/What if…\? Branch from Ana’s cluster at 0:10/);
  await s.getByTestId('whatif-open').click();
  const anaId = new URL(s.url()).searchParams.get('cluster')!;
  expect(new URL(s.url()).searchParams.get('whatif')).toBe('1');
  expect(new URL(s.url()).searchParams.get('at')).toBe(String(BRANCH_S));

  const branchBoard = s.getByTestId('branch-board');
  await expect(s.getByTestId('branch-note')).toHaveText('A what-if: only in this browser, never part of the class’s results.');
  await expect(s.getByTestId('branch-status')).toContainText('The clock stands at 0:10');
  await expect(branchBoard.getByTestId('clock')).toContainText('0:10');
  await expect(branchBoard.locator('[data-testid=instance]')).toHaveCount(2);
  await expect(branchBoard.getByTestId('connection-status')).toHaveCount(0);
  // The clock stands until the what-if plays: the board says so.
  await expect(branchBoard.getByTestId('phase')).toHaveAttribute('data-phase', 'paused');
  await expect(branchBoard.getByTestId('phase-note')).toContainText('The what-if’s clock stands here');
  await expectPhoneWidth(s, 'branch board at 390 px');
  await expectAccessible(s, 'what-if branch (phone)');
  await s.evaluate(() => window.scrollTo(0, 0));
  await screenshot(s, `whatif-board-${sizeOf(VIEWPORTS.phone)}`, { fullPage: false });
  await screenshot(s, `whatif-board-full-${sizeOf(VIEWPORTS.phone)}`);

  // The change: the plug-in's container out, the plug-in in a VM of its own on the bare-metal hypervisor.
  await branchBoard.locator('[data-testid=instance][data-app=plugin-acme]').tap();
  await expect(s.getByTestId('instance-dialog')).toBeVisible();
  await s.getByTestId('instance-remove').tap();
  await expect(branchBoard.locator('[data-testid=instance][data-app=plugin-acme]')).toHaveCount(0);
  await placeOnPhone(s, 'plugin-acme', 'host-c', 'vm');
  await expect(branchBoard.locator('[data-testid=instance][data-app=plugin-acme]')).toHaveAttribute('data-runtime', 'vm');

  await s.getByTestId('branch-run').tap();
  await expect(s.getByTestId('branch-status')).toContainText('Finished at 2:00');
  await expect(s.getByTestId('branch-scores')).toHaveAttribute('data-final', 'true');

  // What the phone shows is what the engine computes here from the server's log and the phone's moves.
  const logged = (await (await s.request.get(`/api/replays/${replayId}`)).json()) as ServerReplay;
  const timeline = new ReplayTimeline(logged.meta, logged.log);
  const changes = JSON.parse((await s.evaluate(() => window.__ccBranchChanges))!) as PlanAction[];
  expect(changes.map((c) => c.type)).toEqual(['remove', 'deploy']);
  expect(changes[1]).toMatchObject({ type: 'deploy', appId: 'plugin-acme', runtime: 'vm', target: 'host-c' });
  const branch = new Branch(branchPlan(timeline.stateAt(BRANCH_S), anaId, timeline, true));
  for (const { atS, ...move } of changes) {
    expect(atS).toBe(BRANCH_S);
    expect(branch.act(move as PlayerActionInput)).toMatchObject({ ok: true });
  }
  branch.runToEnd();
  expect(branch.state.fired.filter((f) => f.source === 'teacher').map((f) => f.event.type)).toEqual(['trafficSpike']);
  const expected = compareBranch(anaId, BRANCH_S, timeline.final, branch.state);
  expect(expected.delta.security).toBeGreaterThan(0);
  expect(await shownScores(s, 'branch-original')).toEqual(asShown(expected.original));
  expect(await shownScores(s, 'branch-whatif')).toEqual(asShown(expected.branch));
  await expect(s.locator('[data-testid=branch-score-row][data-part=security] [data-testid=branch-difference]')).toContainText('better');
  // Safer, but a second host switched on and a VM to boot: the total says what that cost.
  await expect(s.locator('[data-testid=branch-score-row][data-part=total] [data-testid=branch-difference]')).toContainText(expected.delta.total > 0 ? 'better' : 'worse');
  await expect(s.locator(`[data-testid=branch-incident][data-type=kernelExploit][data-at="${EXPLOIT_S}"]`)).toContainText('Kernel exploit at 1:00 no longer breached Billing');
  await expectPhoneWidth(s, 'branch comparison at 390 px');
  await expectAccessible(s, 'what-if comparison (phone)');
  await s.evaluate(() => window.scrollTo(0, 0));
  await screenshot(s, `whatif-comparison-${sizeOf(VIEWPORTS.phone)}`, { fullPage: false });
  await screenshot(s, `whatif-comparison-full-${sizeOf(VIEWPORTS.phone)}`);

  // "Branch again" starts over from 0:10; "Back to the replay" returns to that second.
  await s.getByTestId('branch-reset').tap();
  await expect(s.getByTestId('branch-status')).toContainText('The clock stands at 0:10');
  await expect(branchBoard.locator('[data-testid=instance][data-app=plugin-acme]')).toHaveAttribute('data-runtime', 'container');
  // Play at a pace, pause: the clock moves, and the comparison follows it second by second.
  await s.getByTestId('branch-speed').selectOption('5');
  await s.getByTestId('branch-play').tap();
  await expect(branchBoard.getByTestId('phase')).toHaveAttribute('data-phase', 'running');
  await expect.poll(async () => Number(await s.getByTestId('branch').getAttribute('data-second'))).toBeGreaterThan(BRANCH_S + 3);
  await s.getByTestId('branch-play').tap();
  await expect(s.getByTestId('branch-status')).toContainText('Paused at');
  await expect(s.getByTestId('branch-scores')).toHaveAttribute('data-final', 'false');
  const pausedAt = Number(await s.getByTestId('branch').getAttribute('data-second'));
  await expect(s.getByTestId('branch-scores')).toContainText(`Score at ${Math.floor(pausedAt / 60)}:${String(pausedAt % 60).padStart(2, '0')}`);
  await s.getByTestId('branch-back').tap();
  await expect(s.getByTestId('replay-second')).toHaveText(String(BRANCH_S));
  expect(new URL(s.url()).searchParams.get('whatif')).toBeNull();

  // The teacher's link for the projector: board and comparison side by side, no page scroll.
  const teacher = await teacherContext(browser, baseURL!, room, VIEWPORTS.laptop);
  const t = teacher.page;
  // On a laptop, without present=1: the board beside the comparison under the controls.
  await t.goto(`/replay/${replayId}?cluster=${encodeURIComponent(anaId)}&at=${BRANCH_S}&whatif=1`);
  await expect(t.getByTestId('branch-status')).toContainText('The clock stands at 0:10');
  await expect(t.getByTestId('branch-scores')).toHaveAttribute('data-final', 'false');
  await screenshot(t, `whatif-board-${sizeOf(VIEWPORTS.laptop)}`, { fullPage: false });
  await t.setViewportSize(VIEWPORTS.projector);
  await t.goto(`/replay/${replayId}?cluster=${encodeURIComponent(anaId)}&at=${BRANCH_S}&whatif=1&present=1`);
  await expect(t.getByTestId('branch-status')).toContainText('The clock stands at 0:10');
  await t.getByTestId('branch-run').click();
  await expect(t.getByTestId('branch-scores')).toHaveAttribute('data-final', 'true');
  // Nothing changed on this board, so the what-if is the original, to the point.
  expect(await shownScores(t, 'branch-whatif')).toEqual(await shownScores(t, 'branch-original'));
  await expect(t.getByTestId('branch-incidents-none')).toBeVisible();
  const board = (await t.getByTestId('branch-board').boundingBox())!;
  const comparison = (await t.getByTestId('branch-comparison').boundingBox())!;
  expect(comparison.x).toBeGreaterThanOrEqual(board.x + board.width - 1);
  expect(comparison.y).toBeLessThan(VIEWPORTS.projector.height / 2);
  const page = await t.evaluate(() => ({ scroll: document.documentElement.scrollHeight, height: window.innerHeight }));
  expect(page.scroll).toBeLessThanOrEqual(page.height + 1);
  // The breached chips flash three times as the run lands: check the colours once they are still.
  await expect.poll(() => t.evaluate(runningAnimations)).toBe(0);
  await expectAccessible(t, 'what-if present layout (projector)');
  await screenshot(t, `whatif-present-${sizeOf(VIEWPORTS.projector)}`);

  ben.close();
  host.close();
  await ana.context.close();
  await teacher.context.close();
});
