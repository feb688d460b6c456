import { afterAll, beforeAll } from 'vitest';
import { createClient } from 'redis';
import { LocalLeases, LocalOwnership } from '../../server/ownership/local-ownership.ts';
import { RedisOwnership } from '../../server/ownership/redis-ownership.ts';
import { redisKeys } from '../../server/storage/redis-store.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { ownershipContract } from './ownership-contract.ts';

// The local leases on a clock the test moves: a lapse is the lease's time passing.
ownershipContract('LocalOwnership', async () => {
  const now = 1_000_000;
  const clock = { now: () => now };
  const leases = new LocalLeases();
  const make = (self: string) => new LocalOwnership(self, clock, leases, 5_000);
  return {
    a: make('process-a'),
    b: make('process-b'),
    more: make,
    // Only that room's lease runs out: the others are as their holders left them.
    lapse: async (code: string) => {
      const held = leases.held.get(code);
      if (held) held.expiresAtMs = now;
    },
    close: async () => {},
  };
});

// A real redis-server of this file's own; each fixture has keys under a prefix of its own.
let redis: TestRedis;
let fixtures = 0;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
});

ownershipContract('RedisOwnership', async () => {
  const prefix = `cc-lease-${++fixtures}:`;
  const clients: { close(): Promise<unknown> }[] = [];
  const client = async () => {
    const c = createClient({ url: redis.url });
    await c.connect();
    clients.push(c);
    return c;
  };
  const shared = await client();
  const make = (self: string) => new RedisOwnership(shared, self, { prefix, ttlMs: 5_000 });
  return {
    // Each process with a connection of its own, as real ones would have.
    a: new RedisOwnership(await client(), 'process-a', { prefix, ttlMs: 5_000 }),
    b: new RedisOwnership(await client(), 'process-b', { prefix, ttlMs: 5_000 }),
    more: make,
    // Redis keeps the time: cut the lease's expiry short and let it pass.
    lapse: async (code) => {
      await shared.pExpire(redisKeys(prefix).lease(code), 1);
      await new Promise((r) => setTimeout(r, 20));
    },
    close: async () => {
      for (const c of clients) await c.close();
    },
  };
});
