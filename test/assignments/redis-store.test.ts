import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { RedisAssignmentStore, assignmentKeys } from '../../server/assignments/redis-store.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { act, assignment, attempt, storeContract } from './store-contract.ts';

// One real redis-server for this file; every store gets keys under a prefix of its own.
let redis: TestRedis;
let admin: ReturnType<typeof createClient>;
let stores = 0;

beforeAll(async () => {
  redis = await startRedisServer();
  admin = createClient({ url: redis.url });
  await admin.connect();
});

afterAll(async () => {
  await admin?.close();
  await redis?.stop();
});

async function freshStore(): Promise<{ store: RedisAssignmentStore; prefix: string }> {
  const prefix = `cc-test-${++stores}:asg:`;
  return { store: await RedisAssignmentStore.connect({ url: redis.url, prefix }), prefix };
}

storeContract('RedisAssignmentStore', async () => {
  const { store, prefix } = await freshStore();
  return {
    store,
    // Redis keeps the time: check every key under the prefix expires at the assignment's expiry, then cut it short.
    lapse: async (a) => {
      const keys = await admin.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(7);
      for (const key of keys) {
        expect(await admin.pExpireTime(key), key).toBe(a.expiresAtMs);
        await admin.pExpire(key, 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    },
    dispose: () => store.close(),
  };
});

describe('RedisAssignmentStore', () => {
  it('keeps an assignment under cc:asg:{ID}, its actions in a list, its replay id outside its slot', async () => {
    const store = await RedisAssignmentStore.connect({ url: redis.url });
    const k = assignmentKeys();
    const a = assignment('Keys000001');
    try {
      await store.createAssignment(a);
      await store.addAttempt(a.id, attempt(1), 10);
      await store.appendActions(a.id, attempt(1).attemptId, 0, [{ atS: 1, action: act(1) }], { maxActions: 10, nowMs: 1 });
      expect(k.meta(a.id)).toBe('cc:asg:{Keys000001}');
      expect(JSON.parse((await admin.get(k.meta(a.id)))!)).toEqual(a);
      expect(await admin.lRange(k.actions(a.id, attempt(1).attemptId), 0, -1)).toEqual([JSON.stringify(act(1))]);
      expect(await admin.get('cc:asg:replay:{replay-1}')).toBe(`${a.id}/${attempt(1).attemptId}`);
      await store.deleteAssignment(a.id);
      expect(await admin.keys('cc:asg:*')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stays consistent when two processes start attempts and retry actions at the same moment', async () => {
    const prefix = `cc-test-race-${++stores}:asg:`;
    const [one, two] = await Promise.all([RedisAssignmentStore.connect({ url: redis.url, prefix }), RedisAssignmentStore.connect({ url: redis.url, prefix })]);
    try {
      const a = assignment('Race000001');
      await one.createAssignment(a);
      // The same nickname through both: exactly one gets it.
      const starts = await Promise.allSettled([one.addAttempt(a.id, attempt(1, 'Ada'), 10), two.addAttempt(a.id, { ...attempt(2, 'Ada'), key: 'ada' }, 10)]);
      expect(starts.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected']);
      const { attemptId } = (await one.listAttempts(a.id))[0]!;
      // A browser's batch and its retry land on two processes at once: kept once.
      const batch = Array.from({ length: 50 }, (_, i) => ({ atS: i, action: act(i) }));
      const limits = { maxActions: 100, nowMs: 1 };
      const kept = await Promise.all([one.appendActions(a.id, attemptId, 0, batch, limits), two.appendActions(a.id, attemptId, 0, batch, limits)]);
      expect(kept).toEqual([50, 50]);
      expect(await two.readActions(a.id, attemptId)).toEqual(batch.map((b) => b.action));
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('answers store-unavailable, never hangs, once Redis is gone', async () => {
    const own = await startRedisServer();
    const store = await RedisAssignmentStore.connect({ url: own.url, operationTimeoutMs: 500, onError: () => {} });
    await own.stop();
    await expect(store.getAssignment('Gone000000')).rejects.toMatchObject({ code: 'store-unavailable' });
    expect(store.status().reachable).toBe(false);
    await store.close();
  });
});
