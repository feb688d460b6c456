import type { Page } from '@playwright/test';
import { expect, expectAccessible, expectNoSidewaysScroll, screenshot, test } from './fixtures.ts';
import { LAPTOP_1366, PHONE_390, expectInViewport, hostCard, instancesOf, joinAs, pageHeight, student, teacherRoom } from './board-helpers.ts';

/**
 * The student board on a phone (390×844, touch) and a laptop (1366×768): tap-to-place, feedback in
 * view, moves made offline, the words a student reads, and dialogs that mark what cannot work. One
 * browser context per student; the teacher drives the room over the API and a socket.
 */

/** The tutorial's board height at 390×844 before this work (lobby, nothing placed), for the record. */
const TUTORIAL_HEIGHT_BEFORE = 2729;

/**
 * Ids a student should never read: each differs from its name on the board, so a leaked id shows.
 * A Linux host, a bare-metal host, one without VT-x/AMD-V, and a Windows host whose build does not
 * match the legacy app's image (only the server can tell that one).
 */
const LAB = {
  schemaVersion: 1,
  id: 'phone-lab',
  title: 'Phone lab',
  summary: 'A board to play with a thumb.',
  durationS: 600,
  debrief: 'Tap, place, read.',
  hosts: [
    { id: 'h-7', name: 'Host 7', cpu: 8, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 30 },
    { id: 'bm-1', name: 'Bare metal 1', cpu: 16, memoryGiB: 64, platform: 'hypervisor', kvm: true, costPerHour: 50 },
    { id: 'old-1', name: 'Old server', cpu: 4, memoryGiB: 8, platform: 'linux', kvm: false, costPerHour: 10 },
    { id: 'win-1', name: 'Windows host', cpu: 8, memoryGiB: 16, platform: 'windows', kvm: false, costPerHour: 40, windowsBuild: 20348 },
  ],
  apps: [
    { id: 'app-x1', name: 'Shop front end', cpu: 1, memoryMiB: 512, imageMiB: 60, replicas: 2, demand: 100 },
    { id: 'plug-9', name: 'Customer plug-ins', cpu: 1, memoryMiB: 256, imageMiB: 60, replicas: 1, demand: 50, trust: 'untrusted' },
    { id: 'legacy-3', name: 'Legacy billing', os: 'windows', windowsBuild: 17763, cpu: 1, memoryMiB: 1024, imageMiB: 300, replicas: 1, demand: 50 },
    { id: 'kmod-2', name: 'Packet filter', cpu: 1, memoryMiB: 256, imageMiB: 40, replicas: 1, demand: 50, needsCustomKernel: true },
  ],
  events: [],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: true },
};
const RAW_IDS = ['h-7', 'bm-1', 'old-1', 'win-1', 'app-x1', 'plug-9', 'legacy-3', 'kmod-2'];

/** Every piece of text the page shows, shadow roots included (innerText stops at them). */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walk = (root: Node) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) {
          const parent = node.parentElement;
          if (parent && parent.checkVisibility() && !parent.closest('.visually-hidden')) out.push(node.textContent ?? '');
        } else if (node instanceof Element) {
          if (node instanceof HTMLTemplateElement || node instanceof HTMLStyleElement || node instanceof HTMLScriptElement) continue;
          if (node.shadowRoot) walk(node.shadowRoot);
          walk(node);
        }
      }
    };
    walk(document.body);
    return out.join(' ').replace(/\s+/g, ' ');
  });
}

/** Phone, then laptop: the same board, both saved; the page is left at the phone's size. */
async function shootBoth(page: Page, name: string): Promise<void> {
  await screenshot(page, `${name}-390x844`);
  await page.setViewportSize(LAPTOP_1366);
  await screenshot(page, `${name}-1366x768`);
  await page.setViewportSize(PHONE_390);
}

test('on a phone an app is placed with two taps and one confirmation, on a compact board with the score bar in view', async ({ browser, baseURL }) => {
  const teacher = await teacherRoom(baseURL!, { scenarioId: 'tutorial' }, 1);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Pat');

  // A compact board: apps and hosts without thousands of pixels of scrolling.
  const height = await pageHeight(page);
  console.log(`[phone] tutorial board at 390x844 in the lobby: ${height}px (before this work: ${TUTORIAL_HEIGHT_BEFORE}px)`);
  expect(height).toBeLessThan(TUTORIAL_HEIGHT_BEFORE * 0.75);
  await expect(page.getByTestId('drop-as-container')).toHaveCount(0);
  await expectNoSidewaysScroll(page, 'phone board');
  await screenshot(page, 'phone-board-lobby-390x844');

  // Tap an app: it is selected, and the prompt says what to do next.
  await page.getByTestId('select-web').tap();
  await expect(page.getByTestId('select-web')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('app-web')).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('place-prompt')).toContainText('Tap a host to place Shop front end');
  await expectAccessible(page, 'phone board with an app selected');
  await screenshot(page, 'phone-app-selected-390x844');

  // Tap a host: the Place dialog opens on it, with the one runtime choice and what it will cost.
  await hostCard(page, 'linux-2').getByTestId('place-here').tap();
  const dialog = page.getByTestId('place-dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('place-target')).toHaveValue('linux-2');
  await expect(dialog.getByTestId('place-runtime-container')).toBeChecked();
  await expect(dialog.getByTestId('place-summary')).toContainText('Creates a container on Linux host 2');
  await expect(dialog.getByTestId('place-summary')).toContainText('30 credits / h');
  await expectInViewport(page, dialog.getByTestId('place-submit'), 'the Place button');
  await screenshot(page, 'phone-place-confirm-390x844');
  await dialog.getByTestId('place-submit').tap();
  await expect(dialog).toBeHidden();
  const landed = hostCard(page, 'linux-2').locator('[data-testid=instance][data-app=web]');
  await expect(landed).toHaveCount(1);
  // It lands with a short pop (off under prefers-reduced-motion: see the dialogs test).
  expect(await landed.evaluate((el) => getComputedStyle(el).animationName)).toBe('cc-land');
  await expect(page.getByTestId('place-prompt')).toHaveCount(0);
  await expect(page.getByTestId('app-web').getByTestId('app-placed')).toHaveText('1 of 2 placed');

  // Tapping the card itself works too, and a selected app can be dropped again.
  await page.getByTestId('select-api').tap();
  await page.getByTestId('select-api').tap();
  await expect(page.getByTestId('place-prompt')).toHaveCount(0);
  await page.getByTestId('select-api').tap();
  await hostCard(page, 'linux-1').locator('h3').tap();
  await expect(dialog.getByTestId('place-target')).toHaveValue('linux-1');
  await dialog.getByTestId('place-submit').tap();
  await expect(instancesOf(page, 'api')).toHaveCount(1);

  // Scrolled to the end, the score bar (time, rank, points) is still on screen.
  await teacher.control('start');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'running', { timeout: 15_000 });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expectInViewport(page, page.getByTestId('score-bar'), 'the score bar');
  await expect(page.getByTestId('score-bar').getByTestId('rank')).toContainText('Rank 1 of 1');
  await expect(page.getByTestId('score-bar').getByTestId('time-left')).toHaveText(/^\d+:\d\d left$/);
  await expect(page.getByTestId('score-bar').getByTestId('clock')).toContainText(/simulated \d+:\d\d \/ 10:00/);
  // The folded sections open on a tap.
  await expect(page.getByTestId('section-incidents')).not.toHaveAttribute('open');
  await page.getByTestId('section-top').locator('summary').tap();
  await expect(page.getByTestId('section-top').getByTestId('leaderboard')).toBeVisible();
  console.log(`[phone] tutorial board at 390x844, running, two apps placed: ${await pageHeight(page)}px`);
  await shootBoth(page, 'phone-board-running');

  // A laptop keeps drag and drop and the Place buttons.
  const laptop = await student(browser, baseURL!, LAPTOP_1366);
  await joinAs(laptop.page, teacher.code, 'Lee');
  await expect(laptop.page.getByTestId('drop-as-container')).toBeVisible();
  await laptop.page.getByTestId('app-web').dragTo(hostCard(laptop.page, 'linux-1'));
  await expect(instancesOf(laptop.page, 'web')).toHaveCount(1);
  await expect(laptop.page.getByTestId('select-web')).toHaveCount(0);
  await screenshot(laptop.page, 'laptop-board-running-1366x768');

  teacher.close();
  await context.close();
  await laptop.context.close();
});

test('bigger scenarios stay compact on a phone too', async ({ browser, baseURL }) => {
  // Heights at 390×844 in the lobby, measured on the board before this work.
  for (const [scenarioId, before] of [
    ['untrusted-tenants', 3124],
    ['cloud-tenants', 4031],
  ] as const) {
    const teacher = await teacherRoom(baseURL!, { scenarioId }, 1);
    const { context, page } = await student(browser, baseURL!);
    await joinAs(page, teacher.code, 'Max');
    const height = await pageHeight(page);
    console.log(`[phone] ${scenarioId} board at 390x844 in the lobby: ${height}px (before this work: ${before}px)`);
    expect(height).toBeLessThan(before * 0.75);
    await expectNoSidewaysScroll(page, `${scenarioId} phone board`);
    await screenshot(page, `phone-board-${scenarioId}-390x844`);
    teacher.close();
    await context.close();
  }
});

test('a refusal is shown inside the phone viewport, in the dialog or as a toast by the action', async ({ browser, baseURL }) => {
  const teacher = await teacherRoom(baseURL!, { scenario: LAB }, 1);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Sam');

  // Only the server knows Windows builds: Legacy billing's 17763 image on a 20348 host without VT-x/AMD-V.
  await page.getByTestId('select-legacy-3').tap();
  await hostCard(page, 'win-1').getByTestId('place-here').tap();
  const dialog = page.getByTestId('place-dialog');
  await expect(dialog.getByTestId('place-runtime-container')).toBeChecked();
  await dialog.getByTestId('place-submit').tap();
  const message = dialog.getByTestId('refusal-message');
  await expect(message).toBeVisible();
  await expect(dialog.getByTestId('refusal')).toHaveAttribute('data-concept', /.+/);
  await expectInViewport(page, message, 'the refusal in the Place dialog');
  await screenshot(page, 'phone-refusal-dialog-390x844');
  await dialog.getByTestId('place-cancel').tap();

  // A refused action without a dialog: reinstalling a host that is not empty, far down the board.
  await page.getByTestId('select-app-x1').tap();
  await hostCard(page, 'old-1').getByTestId('place-here').tap();
  await dialog.getByTestId('place-submit').tap();
  await expect(instancesOf(page, 'app-x1')).toHaveCount(1);
  const old = hostCard(page, 'old-1');
  await old.getByTestId('platform-toggle').tap();
  await old.getByTestId('platform-select').selectOption('windows');
  await old.getByTestId('platform-apply').tap();
  const toast = page.getByTestId('refusal-region').getByTestId('refusal-message');
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('Old server');
  await expectInViewport(page, toast, 'the refusal toast');
  await expect(page.getByTestId('refusal-region')).toHaveAttribute('role', 'alert');
  await screenshot(page, 'phone-refusal-toast-390x844');
  await page.getByTestId('refusal-region').getByTestId('refusal-dismiss').tap();
  await expect(page.getByTestId('refusal')).toHaveCount(0);

  teacher.close();
  await context.close();
});

test('a move made offline is sent once the seat is back, and one too many is refused plainly', async ({ browser, baseURL }) => {
  const teacher = await teacherRoom(baseURL!, { scenarioId: 'tutorial' }, 1);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Ola');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online');

  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'reconnecting');
  // Five moves wait; the board says so, and nothing is lost.
  const dialog = page.getByTestId('place-dialog');
  for (let n = 1; n <= 5; n++) {
    await page.getByTestId('select-web').tap();
    await hostCard(page, 'linux-1').getByTestId('place-here').tap();
    await dialog.getByTestId('place-submit').tap();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('offline-banner')).toHaveAttribute('data-waiting', String(n));
  }
  await expect(page.getByTestId('offline-banner')).toContainText('your 5 moves will be sent when you are back');
  await expect(page.getByTestId('offline-moves')).toHaveText('Waiting: Shop front end on Linux host 1 ×5');
  await screenshot(page, 'phone-offline-waiting-390x844');
  // A sixth is refused in the dialog, in plain words.
  await page.getByTestId('select-api').tap();
  await hostCard(page, 'linux-2').getByTestId('place-here').tap();
  await dialog.getByTestId('place-submit').tap();
  await expect(dialog.getByTestId('refusal-message')).toContainText('You are offline');
  await expectInViewport(page, dialog.getByTestId('refusal-message'), 'the offline refusal');
  await dialog.getByTestId('place-cancel').tap();
  await expect(instancesOf(page, 'web')).toHaveCount(0);

  // Back online: reconnected within seconds, and the five waiting moves are applied.
  const back = Date.now();
  await context.setOffline(false);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  console.log(`[phone] reconnected ${Date.now() - back} ms after the network came back`);
  await expect(instancesOf(page, 'web')).toHaveCount(5);
  await expect(page.getByTestId('offline-banner')).toHaveCount(0);
  expect(await visibleText(page)).not.toContain('Join a room first');
  await expect(page.getByTestId('you')).toHaveText('Ola');

  teacher.close();
  await context.close();
});

test('a move that waited too long offline is dropped with a plain message, and the student keeps their place', async ({ browser, baseURL }) => {
  test.setTimeout(90_000);
  const teacher = await teacherRoom(baseURL!, { scenarioId: 'tutorial' }, 1);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Uma');
  await context.setOffline(true);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await page.getByTestId('select-web').tap();
  await hostCard(page, 'linux-1').getByTestId('place-here').tap();
  await page.getByTestId('place-dialog').getByTestId('place-submit').tap();
  await expect(page.getByTestId('offline-banner')).toHaveAttribute('data-waiting', '1');
  // After 30 s the move is given up, and the student is told so in plain words, in view.
  const toast = page.getByTestId('refusal-region').getByTestId('refusal-message');
  await expect(toast).toHaveText(/^You were offline, so your move was not sent\. Your place and your cluster are kept: try again\.$/, { timeout: 40_000 });
  await expectInViewport(page, toast, 'the offline message');
  await screenshot(page, 'phone-offline-dropped-390x844');
  await context.setOffline(false);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'online', { timeout: 10_000 });
  await expect(page.getByTestId('you')).toHaveText('Uma');
  await expect(instancesOf(page, 'web')).toHaveCount(0);
  // Trying again works.
  await page.getByTestId('select-web').tap();
  await hostCard(page, 'linux-1').getByTestId('place-here').tap();
  await page.getByTestId('place-dialog').getByTestId('place-submit').tap();
  await expect(instancesOf(page, 'web')).toHaveCount(1);
  teacher.close();
  await context.close();
});

test('a student reads board names, money with its unit, real time left, and a breached app in red', async ({ browser, baseURL }) => {
  // The classroom pace: 2.5 simulated seconds a real second, so a booting VM has real seconds left to read.
  const teacher = await teacherRoom(baseURL!, { scenario: LAB }, 0.25);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Kim');
  const dialog = page.getByTestId('place-dialog');
  const place = async (appId: string, target: string, runtime: 'container' | 'vm' | 'microvm') => {
    await page.getByTestId(`select-${appId}`).tap();
    await hostCard(page, target).getByTestId('place-here').tap();
    await dialog.getByTestId(`place-runtime-${runtime}`).check();
    await expect(dialog.getByTestId('place-target')).toHaveValue(target);
    await dialog.getByTestId('place-submit').tap();
    await expect(dialog).toBeHidden();
  };
  // Shop front end shares Host 7's kernel with untrusted plug-ins; a VM of its own on the bare metal.
  await place('app-x1', 'h-7', 'container');
  await place('plug-9', 'h-7', 'container');
  await place('app-x1', 'bm-1', 'vm');
  await expect(page.getByTestId('vm-boot-left')).toContainText('once the clock starts');

  await teacher.control('start');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'running', { timeout: 15_000 });
  const countdown = page.getByTestId('countdown');
  if ((await countdown.count()) > 0) await expect(page.getByTestId('countdown-number')).toHaveText(/^[1-3]$/);
  await expect(page.getByTestId('vm-boot-left')).toHaveText(/^\d+ s left \(real time\)$/, { timeout: 15_000 });
  await expect(page.locator('[data-testid=vm][data-status=booting]').getByTestId('vm-status')).toContainText('booting');
  await expect(page.getByTestId('vm-boot').getByRole('progressbar')).toBeVisible();
  await screenshot(page, 'phone-vm-booting-390x844');

  // Money always says what it counts.
  await expect(hostCard(page, 'h-7').getByTestId('host-cost')).toHaveText('30 credits / h');
  await page.getByTestId('section-score').locator('summary').tap();
  await expect(page.getByTestId('score-spend')).toContainText(/credits? of [\d.,]+ credits budgeted so far|nothing yet/);
  // "Served" is explained where it is shown.
  const tip = page.getByTestId('served-tip');
  await tip.tap();
  await expect(tip.getByRole('tooltip')).toContainText('share of each app');
  // A tap elsewhere puts it away.
  await page.getByTestId('score-total').tap();
  await expect(tip.getByRole('tooltip')).toBeHidden();

  // A kernel exploit: the shared kernel falls, and the breached app is red, struck and says so.
  await expect(hostCard(page, 'h-7').locator('[data-testid=instance]:is([data-status=pulling], [data-status=booting])')).toHaveCount(0, { timeout: 15_000 });
  await teacher.inject({ type: 'kernelExploit', os: 'linux' });
  await expect(page.locator('[data-testid=instance][data-app=app-x1][data-status=breached]')).toHaveCount(1, { timeout: 15_000 });
  const row = page.locator('[data-testid=app-availability][data-app=app-x1]');
  await expect(row).toHaveAttribute('data-breached', 'true');
  await expect(row.getByTestId('app-served')).toContainText('breached');
  const fill = await row.locator('.meter > span').evaluate((el) => getComputedStyle(el).backgroundImage + ' ' + getComputedStyle(el).backgroundColor);
  expect(fill).toContain('gradient');
  expect(fill).not.toContain('rgb(23, 107, 51)');
  await shootBoth(page, 'phone-breached');

  // Nowhere on the board does a raw id show.
  const text = await visibleText(page);
  for (const id of RAW_IDS) expect(text, `the board shows the raw id "${id}"`).not.toMatch(new RegExp(`(^|[^\\w-])${id}($|[^\\w-])`));
  const chip = instancesOf(page, 'app-x1').first();
  await chip.tap();
  const inspect = page.getByTestId('instance-dialog');
  await expect(inspect).toBeVisible();
  expect(await visibleText(page)).not.toMatch(/app-x1-\d/);
  await inspect.getByTestId('instance-close').tap();

  // Paused, the bar says so in words and colour.
  await teacher.control('pause');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'paused');
  await expect(page.getByTestId('time-left')).toContainText('paused');
  await expect(page.getByTestId('phase-note')).toContainText('Paused by your teacher');
  await shootBoth(page, 'phone-paused');

  teacher.close();
  await context.close();
});

test('dialogs mark what cannot work, and why, before anything is sent', async ({ browser, baseURL }) => {
  const teacher = await teacherRoom(baseURL!, { scenario: LAB }, 1);
  const { context, page } = await student(browser, baseURL!, PHONE_390, { reducedMotion: 'reduce' });
  await joinAs(page, teacher.code, 'Ivy');
  const dialog = page.getByTestId('place-dialog');

  // Picked, an app that needs its own kernel shows which hosts cannot take it in any way, and why.
  await page.getByTestId('select-kmod-2').tap();
  await expect(hostCard(page, 'old-1').getByTestId('place-here')).toHaveCount(0);
  await expect(hostCard(page, 'old-1').getByTestId('place-cannot')).toContainText('Packet filter cannot go here');
  await expect(hostCard(page, 'h-7').getByTestId('place-here')).toBeVisible();
  await page.getByTestId('place-prompt-cancel').tap();
  await expect(page.getByTestId('place-cannot')).toHaveCount(0);
  // Reduced motion: what lands does not move.
  await page.getByTestId('select-app-x1').tap();
  await hostCard(page, 'h-7').getByTestId('place-here').tap();
  await dialog.getByTestId('place-submit').tap();
  await expect(dialog).toBeHidden();
  const chip = hostCard(page, 'h-7').locator('[data-testid=instance][data-app=app-x1]').first();
  await expect(chip).toBeVisible();
  expect(await chip.evaluate((el) => getComputedStyle(el).animationName)).toBe('none');

  // A container on bare metal: the tapped host offers the runtimes that work there.
  await page.getByTestId('select-app-x1').tap();
  await hostCard(page, 'bm-1').getByTestId('place-here').tap();
  await expect(dialog.getByTestId('place-target')).toHaveValue('bm-1');
  await expect(dialog.getByTestId('place-runtime-vm')).toBeChecked();
  await expect(dialog.locator('option[value=bm-1]')).not.toHaveAttribute('disabled');
  await dialog.getByTestId('place-runtime-container').check();
  // On a container the bare-metal host is marked, and the dialog moved to a host that works.
  await expect(dialog.locator('option[value=bm-1]')).toHaveAttribute('disabled', '');
  await expect(dialog.locator('option[value=bm-1]')).toHaveAttribute('data-why', /no host OS/);
  await expect(dialog.locator('option[value=win-1]')).toHaveAttribute('data-why', /Windows kernel cannot run a Linux container/);
  await expect(dialog.getByTestId('place-target')).toHaveValue('h-7');
  await expect(dialog.getByTestId('place-submit')).toBeEnabled();
  // A microVM needs VT-x/AMD-V: the old server is marked.
  await dialog.getByTestId('place-runtime-microvm').check();
  await expect(dialog.locator('option[value=old-1]')).toHaveAttribute('data-why', /VT-x\/AMD-V/);
  await expect(dialog.locator('option[value=win-1]')).toHaveAttribute('disabled', '');
  await expectAccessible(page, 'Place dialog with impossible choices marked');
  await screenshot(page, 'phone-dialog-marked-390x844');
  await dialog.getByTestId('place-cancel').tap();

  // An app that needs its own kernel cannot be a container anywhere; a Windows app cannot be a microVM.
  await page.getByTestId('place-kmod-2').tap();
  await expect(dialog.getByTestId('place-runtime-container')).toBeDisabled();
  await expect(dialog.getByTestId('place-why-container')).toContainText('kernel of its own');
  await dialog.getByTestId('place-cancel').tap();
  await page.getByTestId('place-legacy-3').tap();
  await expect(dialog.getByTestId('place-runtime-microvm')).toBeDisabled();
  await expect(dialog.getByTestId('place-why-microvm')).toContainText('Windows app');
  await dialog.getByTestId('place-cancel').tap();

  // New VM: a host without VT-x/AMD-V cannot be picked, and a VM larger than the host is marked.
  await page.getByTestId('new-vm-any').tap();
  const vmDialog = page.getByTestId('vm-dialog');
  await expect(vmDialog.locator('option[value=old-1]')).toHaveAttribute('disabled', '');
  await expect(vmDialog.locator('option[value=win-1]')).toHaveAttribute('disabled', '');
  await vmDialog.getByTestId('vm-host').selectOption('h-7');
  await vmDialog.getByTestId('vm-memory-input').fill('65536');
  await expect(vmDialog.getByTestId('vm-why')).toContainText('free');
  await expect(vmDialog.getByTestId('vm-create')).toBeDisabled();
  await vmDialog.getByTestId('vm-vcpu').fill('12');
  await expect(vmDialog.getByTestId('vm-why')).toContainText('8 cores');
  await screenshot(page, 'phone-vm-dialog-marked-390x844');
  await vmDialog.getByTestId('vm-vcpu').fill('2');
  await vmDialog.getByTestId('vm-memory-input').fill('4096');
  await expect(vmDialog.getByTestId('vm-why')).toHaveCount(0);
  await vmDialog.getByTestId('vm-create').tap();
  await expect(vmDialog).toBeHidden();
  await expect(hostCard(page, 'h-7').locator('[data-testid=vm]')).toHaveCount(1);
  await expectAccessible(page, 'phone board with a VM');
  await shootBoth(page, 'phone-board-vm');

  teacher.close();
  await context.close();
});

/** Every score counter on the board (the bar, the Score section's glance and its total): what it shows, and the score it counts to. */
async function scoreCounters(page: Page): Promise<{ where: string; shown: string; target: string }[]> {
  return page.evaluate(() => {
    const fmt = (x: number) => (Math.round(x * 10) / 10).toLocaleString('en', { maximumFractionDigits: 1 });
    const found: { where: string; shown: string; target: string }[] = [];
    const walk = (root: Document | ShadowRoot) => {
      for (const el of root.querySelectorAll<HTMLElement & { value: number }>('[data-testid=bar-points] cc-count-up, [data-testid=score-glance] cc-count-up, [data-testid=score-total] cc-count-up'))
        found.push({ where: el.parentElement?.closest('[data-testid]')?.getAttribute('data-testid') ?? '?', shown: el.shadowRoot?.textContent?.trim() ?? '', target: fmt(el.value) });
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    walk(document);
    return found;
  });
}

test('an event is on the phone’s first screen, the scores agree, and an early debrief is told as one', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const teacher = await teacherRoom(baseURL!, { scenarioId: 'tutorial' }, 1);
  const { context, page } = await student(browser, baseURL!);
  await joinAs(page, teacher.code, 'Noa');
  await page.getByTestId('select-web').tap();
  await hostCard(page, 'linux-1').getByTestId('place-here').tap();
  await page.getByTestId('place-dialog').getByTestId('place-submit').tap();
  await expect(instancesOf(page, 'web')).toHaveCount(1);

  // A laptop in the lobby: the apps column is a scroll box that says it goes on, until it is scrolled to its end.
  const laptop = await student(browser, baseURL!, LAPTOP_1366);
  const l = laptop.page;
  await joinAs(l, teacher.code, 'Lee');
  await expect(l.getByTestId('palette-more')).toBeVisible();
  await expect(l.getByTestId('palette-more')).toContainText('More apps below');
  await l.locator('section.palette').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(l.getByTestId('palette-more')).toHaveCount(0);
  await screenshot(l, 'laptop-palette-end-1366x768');

  await teacher.control('start');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'running', { timeout: 15_000 });
  await expect(page.getByTestId('countdown')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('live-event')).toHaveCount(0);

  // The bar's points, the Score section's glance and its total show one number at every moment, counting or not.
  await expect.poll(async () => (await scoreCounters(page)).find((c) => c.where === 'bar-points')?.target, { timeout: 15_000 }).not.toBe('0');
  for (let i = 0; i < 12; i++) {
    const counters = await scoreCounters(page);
    expect(counters.map((c) => c.where).sort()).toEqual(['bar-points', 'score-glance', 'score-total']);
    expect(new Set(counters.map((c) => c.shown)).size, `the board shows different scores at once: ${JSON.stringify(counters)}`).toBe(1);
    await page.waitForTimeout(150);
  }

  // A traffic spike (5 simulated min: 30 s at this pace): a strip under the bar says it is on, wherever the student has scrolled.
  await teacher.inject({ type: 'trafficSpike', appId: 'web', factor: 3, durationS: 300 });
  const strip = page.getByTestId('live-event');
  await expect(strip).toBeVisible({ timeout: 10_000 });
  await expect(strip).toContainText('Traffic spike: Shop front end');
  await expect(strip.getByTestId('live-event-left')).toHaveText(/^\d+ s left$/);
  await expectInViewport(page, strip, 'the event strip');
  await screenshot(page, 'phone-event-on-390x844');
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expectInViewport(page, strip, 'the event strip, scrolled to the end');
  await page.evaluate(() => window.scrollTo(0, 0));
  // Details opens the Events section, with the effect's real time left, and brings it into view.
  await strip.getByTestId('live-event-more').tap();
  const events = page.getByTestId('section-events');
  await expect(events).toHaveAttribute('open', '');
  await expect(events.getByTestId('active-effects')).toContainText(/Demand of Shop front end ×3,\s+\d+ s left \(real time\)/);
  await expect.poll(async () => (await events.boundingBox())?.y ?? -1).toBeGreaterThan(0);
  await expect.poll(async () => (await events.boundingBox())?.y ?? 9999).toBeLessThan(PHONE_390.height - 100);
  // The laptop shows the same event above its board, with its effect.
  await expect(l.getByTestId('latest-event').getByTestId('event-banner')).toContainText('Traffic spike: Shop front end');
  await expect(l.getByTestId('latest-event').getByTestId('active-effects')).toContainText('(real time)');

  // At rest the counters land on the score itself, within half a second of the last change (the
  // score's last update reaches a student within a second of the pause).
  await teacher.control('pause');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'paused');
  await page.waitForTimeout(1_500);
  for (const c of await scoreCounters(page)) expect(c.shown, `${c.where} still counting half a second after the last change`).toBe(c.target);

  // The teacher moves on early: the board says so (not "time is up"), and nothing is still "on".
  await teacher.control('resume');
  await teacher.control('nextPhase');
  await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'debrief');
  await expect(page.getByTestId('phase-note')).toHaveText(/^\s*Your teacher ended the run at simulated \d+:\d\d\. Read the debrief below\.\s*$/);
  await expect(page.getByTestId('time-left')).toHaveText('Run ended');
  await expect(page.getByTestId('live-event')).toHaveCount(0);
  await expect(page.getByTestId('active-effects')).toHaveCount(0);
  await expect(l.getByTestId('latest-event')).toHaveCount(0);
  await expect(l.getByTestId('section-events').getByTestId('event-banner')).toHaveCount(1);
  await expect(l.getByTestId('active-effects')).toHaveCount(0);
  // The reference plans ran over the seconds played, with the teacher's spike too: the note says just that.
  await expect(page.locator('[data-testid=reference-row]')).toHaveCount(4, { timeout: 30_000 });
  const stopped = /at simulated (\d+:\d\d)\./.exec((await page.getByTestId('phase-note').textContent()) ?? '')![1]!;
  const note = page.getByTestId('debrief-references-note');
  await expect(note).toHaveText(`The reference plans ran over the simulated ${stopped} this session lasted, on the same hosts and seed, with the same events, your teacher's included.`);
  // The table fits the phone: no column cut off at the right.
  const table = await page.getByTestId('debrief-references').evaluate((t) => ({ table: t.scrollWidth, box: t.parentElement!.clientWidth }));
  expect(table.table, `the reference table is ${table.table}px wide in a ${table.box}px box`).toBeLessThanOrEqual(table.box);
  await shootBoth(page, 'phone-debrief-early');

  teacher.close();
  await context.close();
  await laptop.context.close();
});
