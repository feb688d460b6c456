import { describe, expect, it } from 'vitest';
import { RedisRoomStore, redisKeys } from '../../server/storage/redis-store.ts';
import { BufferedStore } from '../../server/storage/buffered-store.ts';
import { RedisOwnership } from '../../server/ownership/redis-ownership.ts';
import { StoreError } from '../../server/storage/store.ts';
import { systemClock } from '../../server/rooms/clock.ts';
import { useRedis } from '../support/shared-redis.ts';
import { meta, tick } from './store-contract.ts';

// Two processes' stores on one real Redis, each writing with the epoch of the lease it holds.
const redis = useRedis();

async function twoProcesses() {
  const prefix = redis.prefix('cc-fence');
  const epochs = { a: new Map<string, number>(), b: new Map<string, number>() };
  const a = await RedisRoomStore.connect({ url: redis.url, prefix, fence: (code) => epochs.a.get(code) ?? null });
  const b = await RedisRoomStore.connect({ url: redis.url, prefix, fence: (code) => epochs.b.get(code) ?? null });
  const leasesA = new RedisOwnership(redis.admin, 'a', { prefix });
  const leasesB = new RedisOwnership(redis.admin, 'b', { prefix });
  return { prefix, epochs, a, b, leasesA, leasesB, close: () => Promise.all([a.close(), b.close()]) };
}

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => (error instanceof StoreError ? error.code : String(error)));

describe('fencing: every write to a room carries its writer\'s lease epoch, checked by Redis as it writes', () => {
  it('refuses an old owner\'s appends, snapshots, archive and delete once another process holds the room, and keeps the new owner\'s', async () => {
    const f = await twoProcesses();
    const first = (await f.leasesA.acquire('ROOM01'))!;
    f.epochs.a.set('ROOM01', first.epoch);
    await f.a.createRoom(meta('ROOM01'));
    await f.a.append('ROOM01', [tick(1), tick(2)]);

    // a pauses past its lease; b takes the room over and writes on.
    await redis.admin.pExpire(redisKeys(f.prefix).lease('ROOM01'), 1);
    await new Promise((r) => setTimeout(r, 5));
    const second = (await f.leasesB.acquire('ROOM01'))!;
    expect(second.epoch).toBe(first.epoch + 1);
    f.epochs.b.set('ROOM01', second.epoch);
    await f.b.append('ROOM01', [tick(3)]);

    // a comes back, still believing it owns the room: nothing it writes lands.
    expect(await refusal(f.a.append('ROOM01', [tick(4)]))).toBe('fenced');
    expect(await refusal(f.a.saveSnapshot('ROOM01', { seq: 3, atS: 1, state: {} }))).toBe('fenced');
    expect(await refusal(f.a.archive('ROOM01', 'replay-1', 60))).toBe('fenced');
    expect(await refusal(f.a.deleteRoom('ROOM01'))).toBe('fenced');
    expect(await refusal(f.a.createRoom(meta('ROOM01')))).toBe('fenced');
    expect((await f.b.readLog('ROOM01')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(await f.b.listSnapshots('ROOM01')).toEqual([]);
    expect(await f.b.getReplay('replay-1')).toBeNull();
    expect(await f.b.getRoom('ROOM01')).not.toBeNull();

    // The new owner goes on as usual.
    await f.b.append('ROOM01', [tick(4)]);
    await f.b.deleteRoom('ROOM01');
    expect(await f.b.getRoom('ROOM01')).toBeNull();
    await f.close();
  });

  it('refuses a write from a process that holds no lease on the room at all, without asking Redis', async () => {
    const f = await twoProcesses();
    const lease = (await f.leasesA.acquire('ROOM02'))!;
    f.epochs.a.set('ROOM02', lease.epoch);
    await f.a.createRoom(meta('ROOM02'));
    expect(await refusal(f.b.append('ROOM02', [tick(1)]))).toBe('fenced');
    expect(await f.a.readLog('ROOM02')).toEqual([]);
    await f.close();
  });

  it('lets the owner write on after Redis lost every key (FLUSHALL): the epoch is put back, and a newcomer cannot take it', async () => {
    const f = await twoProcesses();
    const lease = (await f.leasesA.acquire('ROOM03'))!;
    f.epochs.a.set('ROOM03', lease.epoch);
    await f.a.createRoom(meta('ROOM03'));
    const k = redisKeys(f.prefix);
    await redis.admin.del([k.room('ROOM03'), k.log('ROOM03'), k.lease('ROOM03'), k.epoch('ROOM03')]);
    // The room writes its keys again, as after a loss, then goes on.
    await f.a.createRoom(meta('ROOM03'));
    await f.a.append('ROOM03', [tick(1)]);
    expect(await redis.admin.get(k.epoch('ROOM03'))).toBe(String(lease.epoch));
    expect(await f.leasesA.renew(lease)).toBe(true);
    expect(await f.leasesB.acquire('ROOM03')).toBeNull();
    await f.close();
  });

  it('tells the buffered store\'s listeners of a fenced write, and neither retries nor queues it', async () => {
    const f = await twoProcesses();
    const lease = (await f.leasesA.acquire('ROOM04'))!;
    f.epochs.a.set('ROOM04', lease.epoch);
    await f.a.createRoom(meta('ROOM04'));
    const buffered = new BufferedStore(f.a, { clock: systemClock, retryMs: 20 });
    const fenced: string[] = [];
    buffered.onFenced((code) => fenced.push(code));
    await buffered.append('ROOM04', [tick(1)]);
    await redis.admin.set(redisKeys(f.prefix).epoch('ROOM04'), String(lease.epoch + 1));
    expect(await refusal(buffered.append('ROOM04', [tick(2)]))).toBe('fenced');
    expect(fenced).toEqual(['ROOM04']);
    expect(buffered.status()).toMatchObject({ queued: 0, degraded: false, dropped: 0 });
    expect((await f.a.readLog('ROOM04')).map((e) => e.seq)).toEqual([1]);
    await buffered.close();
    await f.b.close();
  });
});
