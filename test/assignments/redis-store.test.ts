import { describe, expect, it } from 'vitest';
import { RedisAssignmentStore, assignmentKeys } from '../../server/assignments/redis-store.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { useRedis } from '../support/shared-redis.ts';
import { act, assignment, attempt, storeContract } from './store-contract.ts';

const redis = useRedis();

async function freshStore(): Promise<{ store: RedisAssignmentStore; prefix: string }> {
  const prefix = `${redis.prefix('cc-test')}asg:`;
  return { store: await RedisAssignmentStore.connect({ url: redis.url, prefix }), prefix };
}

storeContract('RedisAssignmentStore', async () => {
  const { store, prefix } = await freshStore();
  return {
    store,
    // Redis keeps the time: check every key under the prefix expires at the assignment's expiry, then cut it short.
    lapse: async (a) => {
      const keys = await redis.admin.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThanOrEqual(7);
      for (const key of keys) {
        expect(await redis.admin.pExpireTime(key), key).toBe(a.expiresAtMs);
        await redis.admin.pExpire(key, 1);
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
      expect(JSON.parse((await redis.admin.get(k.meta(a.id)))!)).toEqual(a);
      expect(await redis.admin.lRange(k.actions(a.id, attempt(1).attemptId), 0, -1)).toEqual([JSON.stringify(act(1))]);
      expect(await redis.admin.get('cc:asg:replay:{replay-1}')).toBe(`${a.id}/${attempt(1).attemptId}`);
      await store.deleteAssignment(a.id);
      expect(await redis.admin.keys('cc:asg:*')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('stays consistent when two processes start attempts and retry actions at the same moment', async () => {
    const prefix = `${redis.prefix('cc-test-race')}asg:`;
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
    expect(store.status()).toMatchObject({ reachable: false, detail: expect.stringMatching(/closed/) });
    await expect(store.getAssignment('Gone000000')).rejects.toMatchObject({ code: 'store-unavailable', message: expect.stringMatching(/closed/) });
  });
});
