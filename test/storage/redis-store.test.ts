import { describe, expect, it } from 'vitest';
import { RedisRoomStore, redisKeys } from '../../server/storage/redis-store.ts';
import { StoreError } from '../../server/storage/store.ts';
import { systemClock, type Clock, type TimerHandle } from '../../server/rooms/clock.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { useRedis } from '../support/shared-redis.ts';
import { eventually } from '../integration/helpers.ts';
import { meta, storeContract, tick } from './store-contract.ts';

const redis = useRedis();

async function freshStore(): Promise<{ store: RedisRoomStore; prefix: string }> {
  const prefix = redis.prefix('cc-test');
  return { store: await RedisRoomStore.connect({ url: redis.url, prefix }), prefix };
}

storeContract('RedisRoomStore', async () => {
  const { store, prefix } = await freshStore();
  return {
    store,
    // Redis keeps the time: check every key of the replay carries the TTL, then cut it short.
    lapse: async (replayId, ttlS) => {
      const k = redisKeys(prefix);
      const keys = [k.replay(replayId), ...Object.values(k.archive(replayId))];
      const present = [];
      for (const key of keys) if (await redis.admin.exists(key)) present.push(key);
      expect(present.length).toBeGreaterThanOrEqual(2);
      for (const key of present) {
        const ttl = await redis.admin.pTTL(key);
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(ttlS * 1000);
        await redis.admin.pExpire(key, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
    dispose: () => store.close(),
  };
});

describe('RedisRoomStore: the key layout docs/STORAGE.md describes', () => {
  it('keeps meta as JSON, the log as a stream with ids from seq, snapshots by seq, live codes in a set', async () => {
    const { store, prefix } = await freshStore();
    const k = redisKeys(prefix);
    await store.createRoom(meta('ABCD'));
    await store.append('ABCD', [tick(1), tick(2)]);
    await store.saveSnapshot('ABCD', { seq: 2, atS: 0.2, state: { t: 2 } });
    expect(k.log('ABCD')).toBe(`${prefix}log:{ABCD}`);
    expect(JSON.parse((await redis.admin.get(k.room('ABCD')))!)).toEqual(meta('ABCD'));
    expect(await redis.admin.type(k.log('ABCD'))).toBe('stream');
    expect((await redis.admin.xRange(k.log('ABCD'), '-', '+'))?.map((e) => e.id)).toEqual(['1-0', '2-0']);
    expect(await redis.admin.zRange(k.snapIndex('ABCD'), 0, -1)).toEqual(['2:0.2']);
    expect(await redis.admin.hKeys(k.snap('ABCD'))).toEqual(['2']);
    expect(await redis.admin.sMembers(k.rooms)).toEqual(['ABCD']);

    await store.archive('ABCD', 'r1', 30 * 24 * 3600);
    expect(await redis.admin.hGet(k.replay('r1'), 'code')).toBe('ABCD');
    expect(await redis.admin.type(k.archive('r1').log)).toBe('stream');
    expect(await redis.admin.ttl(k.archive('r1').meta)).toBeGreaterThan(30 * 24 * 3600 - 5);
    await store.deleteRoom('ABCD');
    expect(await redis.admin.keys(`${prefix}*`)).toEqual(expect.arrayContaining([k.replay('r1'), k.archive('r1').meta, k.archive('r1').log]));
    expect(await redis.admin.keys(`${prefix}*{ABCD}`)).toEqual([]);
    // A teacher deleting the session: nothing of it is left in Redis.
    await store.deleteReplay('r1');
    expect(await redis.admin.keys(`${prefix}*`)).toEqual([]);
    await store.close();
  });

  it('lets a 1 s replay expire in Redis itself', async () => {
    const { store } = await freshStore();
    await store.createRoom(meta('ABCD'));
    await store.archive('ABCD', 'short', 1);
    expect(await store.getReplay('short')).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await store.getReplay('short')).toBeNull();
    await store.close();
  });
});

describe('RedisRoomStore when Redis is unreachable', () => {
  it('rejects operations at once instead of queueing them, and ping says false', async () => {
    const own = await startRedisServer();
    const errors: Error[] = [];
    const store = await RedisRoomStore.connect({ url: own.url, onError: (e) => errors.push(e) });
    try {
      await store.createRoom(meta('ABCD'));
      await store.append('ABCD', [tick(1)]);
      await own.stop();

      const started = Date.now();
      const outcomes = await Promise.allSettled([store.append('ABCD', [tick(2)]), store.readLog('ABCD'), store.getRoom('ABCD'), store.listRooms()]);
      for (const outcome of outcomes) {
        expect(outcome.status).toBe('rejected');
        const reason = (outcome as PromiseRejectedResult).reason as StoreError;
        expect(reason).toBeInstanceOf(StoreError);
        expect(reason.code).toBe('store-unavailable');
      }
      expect(await store.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(errors.length).toBeGreaterThan(0);
    } finally {
      const closing = Date.now();
      await store.close();
      expect(Date.now() - closing).toBeLessThan(1000);
      await own.stop();
    }
  });

  it('gives up connecting rather than waiting forever', async () => {
    const own = await startRedisServer();
    await own.stop();
    const started = Date.now();
    const error = await RedisRoomStore.connect({ url: own.url, connectTimeoutMs: 500 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('store-unavailable');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects an operation Redis does not answer, after the deadline', async () => {
    const own = await startRedisServer();
    const store = await RedisRoomStore.connect({ url: own.url, operationTimeoutMs: 300 });
    try {
      await store.createRoom(meta('ABCD'));
      // SIGSTOP: the socket stays open but nothing answers, like a hung server.
      process.kill(own.pid, 'SIGSTOP');
      const started = Date.now();
      const error = await store.append('ABCD', [tick(1)]).then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as StoreError).code).toBe('store-unavailable');
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await store.ping()).toBe(false);
    } finally {
      process.kill(own.pid, 'SIGCONT');
      await store.close();
      await own.stop();
    }
  });
});

/** The system clock, remembering which timers are still set. */
function trackedClock(): Clock & { live: Set<TimerHandle> } {
  const live = new Set<TimerHandle>();
  return {
    live,
    now: () => Date.now(),
    setTimeout: (fn, ms) => {
      const handle: TimerHandle = systemClock.setTimeout(() => {
        live.delete(handle);
        fn();
      }, ms);
      live.add(handle);
      return handle;
    },
    setInterval: (fn, ms) => {
      const handle = systemClock.setInterval(fn, ms);
      live.add(handle);
      return handle;
    },
    clear: (handle) => {
      live.delete(handle);
      systemClock.clear(handle);
    },
  };
}

describe('RedisRoomStore: status() says at once what it last learnt, without asking Redis', () => {
  it('turns unreachable when the connection drops and reachable when it is back', async () => {
    let own = await startRedisServer();
    const store = await RedisRoomStore.connect({ url: own.url, onError: () => {} });
    try {
      expect(store.status()).toMatchObject({ reachable: true, checkedAtMs: expect.any(Number) });
      await own.stop();
      const down = await eventually(() => {
        const status = store.status();
        expect(status.reachable).toBe(false);
        return status;
      });
      expect(down.detail).toEqual(expect.any(String));
      own = await startRedisServer({ port: own.port });
      await eventually(() => expect(store.status()).toEqual({ reachable: true, checkedAtMs: expect.any(Number) }), 10_000);
      await store.createRoom(meta('ABCD'));
    } finally {
      await store.close();
      await own.stop();
    }
  });

  it('notices a hung Redis by its background probe, with no operation asked, and its return', async () => {
    const own = await startRedisServer();
    const store = await RedisRoomStore.connect({ url: own.url, probeIntervalMs: 100, probeTimeoutMs: 200 });
    try {
      await store.createRoom(meta('ABCD'));
      expect(store.status().reachable).toBe(true);
      process.kill(own.pid, 'SIGSTOP');
      const started = Date.now();
      const hung = await eventually(() => {
        const status = store.status();
        expect(status.reachable).toBe(false);
        return status;
      }, 3000);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(hung.detail).toMatch(/no answer/);
      process.kill(own.pid, 'SIGCONT');
      await eventually(() => expect(store.status().reachable).toBe(true), 3000);
    } finally {
      process.kill(own.pid, 'SIGCONT');
      await store.close();
      await own.stop();
    }
  });

  it('learns from its own operations: an outage makes it unreachable, a refusal does not', async () => {
    const own = await startRedisServer();
    // No probe in this test's time: only the operations' outcomes count.
    const store = await RedisRoomStore.connect({ url: own.url, operationTimeoutMs: 300, probeIntervalMs: 60_000 });
    try {
      await store.createRoom(meta('ABCD'));
      await store.append('ABCD', [tick(1)]);
      expect((await store.append('ABCD', [tick(1)]).catch((e: StoreError) => e))).toMatchObject({ code: 'bad-seq' });
      expect(store.status().reachable).toBe(true);
      process.kill(own.pid, 'SIGSTOP');
      expect(store.status().reachable).toBe(true);
      expect((await store.getRoom('ABCD').catch((e: StoreError) => e))).toMatchObject({ code: 'store-unavailable' });
      expect(store.status()).toMatchObject({ reachable: false, detail: expect.stringMatching(/getRoom/) });
      process.kill(own.pid, 'SIGCONT');
      expect(await store.getRoom('ABCD')).not.toBeNull();
      expect(store.status().reachable).toBe(true);
    } finally {
      process.kill(own.pid, 'SIGCONT');
      await store.close();
      await own.stop();
    }
  });

  it('stops probing when closed, and says so', async () => {
    const own = await startRedisServer();
    const clock = trackedClock();
    const store = await RedisRoomStore.connect({ url: own.url, clock, probeIntervalMs: 50 });
    try {
      expect(clock.live.size).toBe(1);
      await new Promise((r) => setTimeout(r, 120));
      await store.close();
      expect(clock.live.size).toBe(0);
      expect(store.status()).toMatchObject({ reachable: false, detail: expect.stringMatching(/closed/) });
    } finally {
      await own.stop();
    }
  });
});
