import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { expect, screenshot, test, VIEWPORTS } from './fixtures.ts';
import { hostCard, instancesOf, joinAs, student, teacherRoom } from './board-helpers.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { exited, freePort, ownerPid, spawnServerProcess } from '../support/server-process.ts';
import { startNginx, type TestNginx } from '../support/nginx.ts';

/*
 * The browser client on three server processes behind the production nginx config, one Redis:
 * phones joined through nginx (spread over the processes by their `lb` key) play on when the
 * process running their room is killed. The processes serve the client this run built.
 */
const CLIENT_DIR = process.env.CC_E2E_OUT?.replace(/\/?$/, '/') ?? fileURLToPath(new URL('../../dist/client/', import.meta.url));

test.describe.configure({ mode: 'serial' });

let redis: TestRedis;
let nginx: TestNginx;
const processes: ChildProcess[] = [];

test.beforeAll(async () => {
  redis = await startRedisServer();
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const port of ports) processes.push(await spawnServerProcess(port, { REDIS_URL: redis.url, CC_CLIENT_DIR: CLIENT_DIR, TRUST_PROXY: '1' }));
  nginx = await startNginx({ upstreams: ports });
});

test.afterAll(async () => {
  await nginx?.stop();
  const running = processes.filter((child) => child.exitCode === null && child.signalCode === null);
  for (const child of running) child.kill('SIGKILL');
  await Promise.all(running.map((child) => exited(child)));
  await redis?.stop();
});

/** The server process running the room: its lease names the owner, whose pid is in its id. */
async function owner(code: string): Promise<ChildProcess> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    const lease = await client.hGetAll(`cc:lease:{${code}}`);
    const pid = ownerPid(lease.owner ?? '');
    const child = processes.find((p) => p.pid === pid && p.exitCode === null && p.signalCode === null);
    if (!child) throw new Error(`no live test process owns ${code} (lease ${JSON.stringify(lease)})`);
    return child;
  } finally {
    await client.close();
  }
}

test('phones through the load balancer keep their seats and boards when the process running their room is killed', async ({ browser }) => {
  const base = nginx.url.replace(/\/$/, '');
  const teacher = await teacherRoom(base, { scenarioId: 'tutorial' }, 1);
  const names = ['Pat', 'Sam', 'Kim'];
  const phones = [];
  for (const name of names) {
    const phone = await student(browser, base, VIEWPORTS.phone);
    await joinAs(phone.page, teacher.code, name);
    phones.push(phone);
  }
  // Each places one app before the clock starts.
  for (const { page } of phones) {
    await page.getByTestId('select-web').tap();
    await hostCard(page, 'linux-1').getByTestId('place-here').tap();
    await page.getByTestId('place-dialog').getByTestId('place-submit').tap();
    await expect(instancesOf(page, 'web')).toHaveCount(1);
  }
  await teacher.control('start');
  for (const { page } of phones) await expect(page.getByTestId('phase')).toHaveAttribute('data-phase', 'running', { timeout: 15_000 });
  const clockBefore = await phones[0]!.page.getByTestId('clock').textContent();

  // The teacher's socket went to one process; the room's owner may be any of them.
  const doomed = await owner(teacher.code);
  doomed.kill('SIGKILL');
  await exited(doomed);

  for (const [i, { page }] of phones.entries()) {
    // Back online (those of the dead process reconnect through nginx; the others never left), the
    // placement still there, the clock going on.
    await expect(page.getByTestId('connection-status'), `${names[i]}'s connection`).toHaveAttribute('data-state', 'online', { timeout: 20_000 });
    await expect(instancesOf(page, 'web')).toHaveCount(1);
    await expect.poll(() => page.getByTestId('clock').textContent(), { timeout: 20_000, message: `${names[i]}'s clock goes on after the takeover` }).not.toBe(clockBefore);
  }
  // And they play on: a placement after the takeover is kept by the new owner.
  for (const { page } of phones) {
    await page.getByTestId('select-api').tap();
    await hostCard(page, 'linux-2').getByTestId('place-here').tap();
    await page.getByTestId('place-dialog').getByTestId('place-submit').tap();
    await expect(instancesOf(page, 'api')).toHaveCount(1, { timeout: 15_000 });
  }
  const survivor = await owner(teacher.code);
  expect(survivor).not.toBe(doomed);
  await expect(phones[0]!.page.getByTestId('refusal')).toHaveCount(0);
  await screenshot(phones[0]!.page, 'phone-after-failover-390x844');

  teacher.close();
  for (const { context } of phones) await context.close();
});
