import type { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, expectNoSidewaysScroll, joinRoom, person, screenshot, tabTo, test } from './fixtures.ts';

/**
 * Engine 2 from the board: CPU sharing and steal on overcommitted hypervisor hosts, a container's
 * cgroup settings (weight, memory limit and its OOM kills), a backed-up volume for an app that
 * keeps data, VM snapshots, rollback and live migration, by hand and on patch day. Each step is
 * taken in the UI and checked on the board a real server sends.
 */

const LAPTOP = { width: 1280, height: 800 } as const;
const PHONE = { width: 390, height: 844 } as const;

/** Two bare-metal hypervisor hosts (room to live-migrate) and a Linux host; an app that keeps data and one that fills 6 cores. */
const LAB = {
  schemaVersion: 1,
  id: 'engine2-lab',
  title: 'Engine 2 lab',
  summary: 'Overcommitted vCPUs, cgroup limits, volumes, snapshots and live migration.',
  durationS: 7200,
  debrief: 'Steal, weights, limits, volumes and snapshots, seen on the board.',
  hosts: [
    { id: 'hv-1', name: 'Hypervisor 1', cpu: 8, memoryGiB: 32, platform: 'hypervisor', kvm: true, costPerHour: 1 },
    { id: 'hv-2', name: 'Hypervisor 2', cpu: 8, memoryGiB: 32, platform: 'hypervisor', kvm: true, costPerHour: 1 },
    { id: 'linux-1', name: 'Linux host', cpu: 4, memoryGiB: 16, platform: 'linux', kvm: true, costPerHour: 1 },
  ],
  apps: [
    { id: 'web', name: 'Web', cpu: 1, memoryMiB: 512, imageMiB: 50, replicas: 1, demand: 100 },
    { id: 'db', name: 'Orders DB', description: 'Keeps every order.', cpu: 1, memoryMiB: 1024, imageMiB: 50, replicas: 1, demand: 100, data: 'confidential', stateful: true },
    { id: 'batch', name: 'Batch job', cpu: 6, memoryMiB: 1024, imageMiB: 50, replicas: 2, demand: 100 },
  ],
  events: [],
  allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: false },
  // A backup every 30 s, so the board shows one within the test.
  physics: { backupIntervalS: 30 },
};

const host = (page: Page, id: string) => page.locator(`[data-testid=host][data-host=${id}]`);
const instances = (page: Page, appId: string) => page.locator(`[data-testid=instance][data-app=${appId}]`);
const incident = (page: Page, type: string) => page.locator(`[data-testid=incident][data-type=${type}]`);

/** Full-page screenshots at a laptop's and a phone's size; the page goes back to the laptop's. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `${name}-390`);
  await page.setViewportSize(LAPTOP);
  await screenshot(page, `${name}-1280`);
}

/** Axe at both sizes (the dialogs reflow on a phone). */
async function accessibleAtBothSizes(page: Page, screen: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await expectAccessible(page, `${screen} (390 px)`);
  await page.setViewportSize(LAPTOP);
  await expectAccessible(page, `${screen} (1280 px)`);
}

async function place(page: Page, appId: string, runtime: 'container' | 'vm', target: string): Promise<void> {
  await page.getByTestId(`place-${appId}`).click();
  const dialog = page.getByTestId('place-dialog');
  await dialog.getByTestId(`place-runtime-${runtime}`).check();
  await dialog.getByTestId('place-target').selectOption(target);
  await dialog.getByTestId('place-submit').click();
  await expect(dialog).toBeHidden();
}

async function openInstance(page: Page, appId: string): Promise<Locator> {
  await instances(page, appId).click();
  const dialog = page.getByTestId('instance-dialog');
  await expect(dialog).toBeVisible();
  return dialog;
}

test('a student shares CPUs, sets cgroup limits, keeps data on a backed-up volume, snapshots and live-migrates VMs', async ({ browser, baseURL }) => {
  test.setTimeout(240_000);
  const teacher = await person(browser, baseURL!, LAPTOP);
  const t = teacher.page;
  await t.goto('/host');
  await t.getByTestId('scenario-upload').setInputFiles({ name: 'engine2-lab.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(LAB)) });
  await expect(t.getByTestId('upload-selected')).toContainText('engine2-lab.json');
  await t.getByTestId('mode-solo').check();
  await t.getByTestId('create-room').click();
  await expect(t).toHaveURL(/\/teach\/[A-Z0-9]{6}$/);
  const code = new URL(t.url()).pathname.split('/').pop()!;

  const student = await person(browser, baseURL!, LAPTOP);
  const s = student.page;
  await joinRoom(s, code, 'Vic');

  // The palette says which app keeps data, and so does the Place dialog.
  await expect(s.getByTestId('app-db').getByTestId('app-stateful')).toHaveText('keeps data');
  await expect(s.getByTestId('app-web').getByTestId('app-stateful')).toHaveCount(0);
  await s.getByTestId('place-db').click();
  await expect(s.getByTestId('place-dialog').getByTestId('place-stateful')).toContainText('volume');
  await s.getByTestId('place-cancel').click();

  await place(s, 'web', 'container', 'linux-1');
  await place(s, 'db', 'container', 'linux-1');
  await place(s, 'batch', 'vm', 'hv-1');
  await place(s, 'batch', 'vm', 'hv-1');
  const hv1 = host(s, 'hv-1');
  await expect(hv1.locator('[data-testid=vm]')).toHaveCount(2);
  // Two 6-vCPU VMs on 8 cores: assigned, not reserved.
  await expect(hv1.getByTestId('host-vcpus')).toContainText('12 vCPUs on 8 cores');

  // In the lobby the VMs are still booting: the server refuses the migration, and the dialog says why, in place.
  const firstVm = hv1.locator('[data-testid=vm]').first();
  const vmId = (await firstVm.getAttribute('data-vm'))!;
  await firstVm.getByTestId('vm-manage').click();
  const vmDialog = s.getByTestId('vm-manage-dialog');
  await expect(vmDialog).toBeVisible();
  await expect(vmDialog.getByTestId('migrate-target-linux-1')).toBeDisabled();
  await expect(vmDialog.getByTestId('migrate-why-linux-1')).toContainText('hosted (type-2) hypervisor');
  await expect(vmDialog.getByTestId('migrate-target-hv-2')).toBeEnabled();
  await expect(vmDialog.getByTestId('migrate-wait')).toContainText('booting');
  await vmDialog.getByTestId('migrate-target-hv-2').check();
  await vmDialog.getByTestId('vm-migrate').click();
  await expect(vmDialog.getByTestId('refusal')).toHaveAttribute('data-concept', 'boot-time');
  await expect(vmDialog.getByTestId('refusal-message')).toContainText('not running');
  await expect(vmDialog).toBeVisible();
  await expect(s.getByTestId('refusal-region').getByTestId('refusal')).toHaveCount(0);
  await accessibleAtBothSizes(s, 'VM dialog with a refusal');
  await shoot(s, 'engine2-vm-dialog-refusal');
  await vmDialog.getByTestId('refusal-dismiss').click();
  await expect(vmDialog.getByTestId('refusal')).toHaveCount(0);
  await vmDialog.getByTestId('vm-manage-close').click();
  await expect(vmDialog).toBeHidden();

  // Run at 2×: 20 simulated seconds a second (the room ticks every 100 ms), so the VMs boot in moments and the run outlasts the test.
  await t.getByTestId('control-start').click();
  await t.getByTestId('speed').selectOption('2');
  await expect(s.getByTestId('phase')).toHaveAttribute('data-phase', 'running');

  // Both batch VMs want 6 cores of 8: the host shows the steal, as words, with an explanation on focus.
  await expect(hv1.getByTestId('host-steal')).toContainText(/steal \d+ %/, { timeout: 30_000 });
  await expect(firstVm.getByTestId('vm-steal')).toContainText(/steal \d+ %/);
  await hv1.getByTestId('host-steal').focus();
  await expect(hv1.getByTestId('host-steal').getByRole('tooltip')).toContainText('steal time');
  await shoot(s, 'engine2-steal');
  await s.keyboard.press('Escape');
  await expect(hv1.getByTestId('host-steal').getByRole('tooltip')).toBeHidden();

  // A CPU weight for the web container.
  let dialog = await openInstance(s, 'web');
  await expect(dialog.getByTestId('cpu-weight')).toHaveValue('100');
  await accessibleAtBothSizes(s, 'instance dialog (container)');
  await shoot(s, 'engine2-instance-dialog');
  await dialog.getByTestId('cpu-weight').fill('500');
  await dialog.getByTestId('cpu-weight-set').click();
  await expect(dialog).toBeHidden();
  await expect(instances(s, 'web').getByTestId('instance-weight')).toHaveText('weight 500');

  // A memory limit below what the app needs: the OOM killer ends it, again and again.
  dialog = await openInstance(s, 'web');
  await expect(dialog.getByTestId('memory-limit-form')).toContainText('needs 512 MiB');
  await dialog.getByTestId('memory-limit').fill('256');
  await dialog.getByTestId('memory-limit-set').click();
  await expect(dialog).toBeHidden();
  await expect(instances(s, 'web')).toContainText('memory limit 256 MiB');
  await expect(instances(s, 'web').getByTestId('instance-oom')).toContainText(/OOM-killed ×\d+/, { timeout: 20_000 });
  await expect(instances(s, 'web')).toHaveAttribute('data-status', 'down');
  await expect(incident(s, 'oomKill').getByTestId('incident-title')).toContainText('OOM kill');
  await expect(incident(s, 'oomKill')).toContainText('memory.max of 256 MiB');
  await shoot(s, 'engine2-oom');
  // Removing the limit ends the crash loop.
  dialog = await openInstance(s, 'web');
  await expect(dialog.getByTestId('instance-dialog-oom')).toContainText('OOM-killed');
  await dialog.getByTestId('memory-limit-remove').click();
  await expect(dialog).toBeHidden();
  await expect(instances(s, 'web')).toHaveAttribute('data-status', /running|overloaded/, { timeout: 20_000 });
  await expect(instances(s, 'web').getByTestId('instance-oom')).toHaveCount(0);

  // The orders database's data goes on a volume with backups.
  dialog = await openInstance(s, 'db');
  await expect(dialog.getByTestId('instance-data')).toHaveAttribute('data-volume', 'none');
  await expect(dialog.getByTestId('volume-backup')).toBeChecked();
  await accessibleAtBothSizes(s, 'instance dialog (stateful container)');
  await shoot(s, 'engine2-volume-dialog');
  await dialog.getByTestId('volume-attach').click();
  await expect(dialog).toBeHidden();
  await expect(instances(s, 'db').getByTestId('instance-volume')).toHaveAttribute('data-backup', 'true');
  dialog = await openInstance(s, 'db');
  await expect(dialog.getByTestId('instance-data')).toContainText('Latest backup at');
  await dialog.getByTestId('instance-close').click();

  // A bad update corrupts the orders: they come back from the latest backup.
  await t.getByTestId('inject-type').selectOption('dataLoss');
  await t.getByTestId('inject-app').selectOption('db');
  await t.getByTestId('inject-submit').click();
  await expect(incident(s, 'dataLoss').getByTestId('incident-title')).toHaveText(/Data loss/);
  await expect(incident(s, 'dataLoss')).toContainText('latest backup');

  // A snapshot, by keyboard only: the VM's button, then Snapshot now.
  await firstVm.getByTestId('vm-manage').focus();
  await s.keyboard.press('Enter');
  await expect(vmDialog).toBeVisible();
  await tabTo(s, 'vm-snapshot', 20);
  await s.keyboard.press('Enter');
  await expect(vmDialog).toBeHidden();
  const vm = s.locator(`[data-testid=vm][data-vm="${vmId}"]`);
  await expect(vm.getByTestId('vm-snapshots')).toHaveAttribute('data-count', '1');

  // Live migration to the other hypervisor host: the steal on hv-1 goes away.
  await vm.getByTestId('vm-manage').click();
  await expect(vmDialog.getByTestId('vm-manage-status')).toHaveText('running');
  await vmDialog.getByTestId('migrate-target-hv-2').check();
  await accessibleAtBothSizes(s, 'VM dialog');
  await shoot(s, 'engine2-vm-dialog');
  await vmDialog.getByTestId('vm-migrate').click();
  await expect(vmDialog).toBeHidden();
  await expect(host(s, 'hv-2').locator(`[data-testid=vm][data-vm="${vmId}"]`)).toHaveCount(1);
  await expect(hv1.locator('[data-testid=vm]')).toHaveCount(1);
  await expect(s.getByTestId('cluster-migrations')).toHaveAttribute('data-count', '1');
  await expect(hv1.getByTestId('host-steal')).toHaveCount(0);
  await expect(hv1.getByTestId('host-vcpus')).toContainText('6 vCPUs on 8 cores');

  // Roll it back to its snapshot, after a confirmation that says what that means.
  await vm.getByTestId('vm-manage').click();
  await vmDialog.getByTestId('vm-restore').click();
  const confirm = s.getByTestId('confirm-dialog');
  await expect(confirm).toBeVisible();
  await expect(confirm).toContainText(/Roll back everything in this VM to second \d+/);
  await accessibleAtBothSizes(s, 'restore confirmation');
  await shoot(s, 'engine2-restore-confirm');
  await confirm.getByTestId('confirm-ok').click();
  await expect(vmDialog).toBeHidden();
  await expect(incident(s, 'vmRestore')).toContainText('rolled back to its snapshot');

  // Linux patch day: each hypervisor host is drained by live migration before its reboot.
  await t.getByTestId('inject-type').selectOption('patchDay');
  await t.getByTestId('inject-os').selectOption('linux');
  await t.getByTestId('inject-submit').click();
  await expect(incident(s, 'patchDay').filter({ hasText: 'live-migrated' }).first()).toBeVisible({ timeout: 30_000 });
  await expect(s.getByTestId('cluster-migrations')).not.toHaveAttribute('data-count', '1');
  await expect(s.locator('[data-testid=event-banner][data-type=patchDay]').first()).toBeVisible();
  await expect(s.getByTestId('phase')).toHaveAttribute('data-phase', 'running');
  await expectAccessible(s, 'board after patch day');
  await shoot(s, 'engine2-patch-day');

  await teacher.context.close();
  await student.context.close();
});
