import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { BufferedStore } from '../../server/storage/buffered-store.ts';
import { systemClock } from '../../server/rooms/clock.ts';
import { buildHealth, type Health } from '../../server/http/health.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { startTestServer } from '../integration/helpers.ts';

/** GET /health, and how long it took. */
async function health(base: string): Promise<{ body: Health; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${base}/health`);
  const body = (await res.json()) as Health;
  return { body, ms: performance.now() - started };
}

describe('/health answers at once from what the server knows, even with Redis hung', () => {
  let redis: TestRedis;
  let store: BufferedStore;
  let server: Awaited<ReturnType<typeof startTestServer>>;

  beforeAll(async () => {
    redis = await startRedisServer();
    // As npm start sets it up: the default 5 s operation deadline and background probe.
    store = new BufferedStore(await RedisRoomStore.connect({ url: redis.url, prefix: 'cc-health:' }), { clock: systemClock });
    server = await startTestServer({ store, storeName: 'redis' });
  });
  afterAll(async () => {
    process.kill(redis.pid, 'SIGCONT');
    await server?.close();
    await store?.close();
    await redis?.stop();
  });

  it('is ok while Redis answers', async () => {
    const { body } = await health(server.base);
    expect(body).toMatchObject({ status: 'ok', reasons: [], store: 'redis', storeStatus: { reachable: true }, queued: 0, dropped: 0, unsavedRooms: 0 });
  });

  it('answers within a second while Redis hangs, turns degraded once the probe notices, and ok when it is back', async () => {
    // SIGSTOP: the connection stays open and nothing answers, like a hung server.
    process.kill(redis.pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    // A store operation now waits for its 5 s deadline; /health must not.
    const hungRead = store.getRoom('ABCDEF').catch((error: unknown) => error);
    let degraded: Health | null = null;
    while (!degraded) {
      const { body, ms } = await health(server.base);
      expect(ms, 'a /health answer while Redis hangs').toBeLessThan(1000);
      if (body.status === 'degraded') degraded = body;
      else {
        expect(Date.now() - stoppedAt, 'time for the probe to notice').toBeLessThan(4500);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(degraded.storeStatus.reachable).toBe(false);
    expect(degraded.reasons).toEqual([expect.stringMatching(/unreachable/)]);

    process.kill(redis.pid, 'SIGCONT');
    const resumedAt = Date.now();
    for (;;) {
      const { body, ms } = await health(server.base);
      expect(ms).toBeLessThan(1000);
      if (body.status === 'ok') break;
      expect(Date.now() - resumedAt, 'time to be ok again').toBeLessThan(4500);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The read that hung was answered once Redis woke, or gave up at its deadline.
    await hungRead;
  });
});

describe('buildHealth: one synchronous builder for the /health answer', () => {
  const base = { version: '1.0.0', uptimeS: 5, scenarios: 3, rooms: 2, storeName: 'redis' as const };

  it('says ok, and what the store last learnt, when all is well', () => {
    expect(buildHealth({ ...base, store: { reachable: true, checkedAtMs: 10, queued: 0, dropped: 0, unsavedRooms: 0 } })).toEqual({
      status: 'ok',
      reasons: [],
      version: '1.0.0',
      uptimeS: 5,
      scenarios: 3,
      rooms: 2,
      store: 'redis',
      storeStatus: { reachable: true, checkedAtMs: 10 },
      queued: 0,
      dropped: 0,
      unsavedRooms: 0,
    });
  });

  it('says degraded, with a reason for each problem', () => {
    const health = buildHealth({ ...base, store: { reachable: false, checkedAtMs: 10, detail: 'health probe: no answer from Redis within 1000 ms', queued: 12, dropped: 3, unsavedRooms: 1 } });
    expect(health.status).toBe('degraded');
    expect(health.reasons).toEqual([expect.stringMatching(/unreachable: health probe/), expect.stringMatching(/12 log entries/), expect.stringMatching(/1 room\(s\) are no longer saved/)]);
    expect(health.storeStatus).toEqual({ reachable: false, checkedAtMs: 10, detail: 'health probe: no answer from Redis within 1000 ms' });
  });
});
