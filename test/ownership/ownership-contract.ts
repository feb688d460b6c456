import { afterEach, describe, expect, it } from 'vitest';
import type { RoomOwnership } from '../../server/ownership/ownership.ts';

export interface OwnershipFixture {
  /** Two processes' views of the same leases. */
  readonly a: RoomOwnership;
  readonly b: RoomOwnership;
  /** More processes on the same leases. */
  readonly more: (self: string) => RoomOwnership;
  /** The room's lease runs out now, as if its holder had stopped renewing it. */
  lapse(code: string): Promise<void>;
  close(): Promise<void>;
}

/** What every RoomOwnership must do: run against the local one and the Redis one. */
export function ownershipContract(name: string, make: () => Promise<OwnershipFixture>): void {
  describe(`${name}: room leases`, () => {
    let f: OwnershipFixture | null = null;
    const fresh = async () => (f = await make());
    afterEach(async () => {
      await f?.close();
      f = null;
    });

    it('gives a free room to the first who asks, with epoch 1, and to nobody else while it is held', async () => {
      const { a, b } = await fresh();
      const lease = await a.acquire('ROOM01');
      expect(lease).toEqual({ code: 'ROOM01', owner: a.self, epoch: 1 });
      expect(await b.acquire('ROOM01')).toBeNull();
      expect(await b.holder('ROOM01')).toEqual({ owner: a.self, epoch: 1 });
      // Rooms are independent.
      expect(await b.acquire('ROOM02')).toEqual({ code: 'ROOM02', owner: b.self, epoch: 1 });
    });

    it('lets only the holder renew or release, and a released room goes to the next with a higher epoch', async () => {
      const { a, b } = await fresh();
      const lease = (await a.acquire('ROOM01'))!;
      expect(await a.renew(lease)).toBe(true);
      expect(await b.renew({ ...lease, owner: b.self })).toBe(false);
      await b.release({ ...lease, owner: b.self });
      expect(await a.holder('ROOM01')).toEqual({ owner: a.self, epoch: 1 });
      await a.release(lease);
      expect(await a.holder('ROOM01')).toBeNull();
      expect(await b.acquire('ROOM01')).toEqual({ code: 'ROOM01', owner: b.self, epoch: 2 });
    });

    it('hands a room whose lease ran out to another process; the old holder can neither renew it nor release the new lease', async () => {
      const { a, b } = await fresh();
      const old = (await a.acquire('ROOM01'))!;
      await f!.lapse('ROOM01');
      expect(await a.holder('ROOM01')).toBeNull();
      const taken = (await b.acquire('ROOM01'))!;
      expect(taken.epoch).toBe(2);
      expect(await a.renew(old)).toBe(false);
      await a.release(old);
      expect(await a.holder('ROOM01')).toEqual({ owner: b.self, epoch: 2 });
    });

    it('lets a holder whose lease ran out take it back with the same epoch while nobody else took the room', async () => {
      const { a, b } = await fresh();
      const lease = (await a.acquire('ROOM01'))!;
      await f!.lapse('ROOM01');
      expect(await a.renew(lease)).toBe(true);
      expect(await a.holder('ROOM01')).toEqual({ owner: a.self, epoch: 1 });
      expect(await b.acquire('ROOM01')).toBeNull();
      // Nor can another process take a lapsed lease back under an epoch it never held.
      await f!.lapse('ROOM01');
      expect(await b.renew({ ...lease, owner: b.self, epoch: 7 })).toBe(false);
      expect(await b.holder('ROOM01')).toBeNull();
    });

    it('says which rooms nobody holds', async () => {
      const { a, b } = await fresh();
      await a.acquire('ROOM01');
      await b.acquire('ROOM03');
      expect(await b.free(['ROOM01', 'ROOM02', 'ROOM03', 'ROOM04'])).toEqual(['ROOM02', 'ROOM04']);
      await f!.lapse('ROOM01');
      expect(await a.free(['ROOM01', 'ROOM03'])).toEqual(['ROOM01']);
      expect(await a.free([])).toEqual([]);
    });

    it('never gives an epoch twice, even to the same process taking the room again', async () => {
      const { a } = await fresh();
      const epochs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const lease = (await a.acquire('ROOM01'))!;
        epochs.push(lease.epoch);
        if (i % 2) await a.release(lease);
        else await f!.lapse('ROOM01');
      }
      expect(epochs).toEqual([1, 2, 3, 4]);
    });

    it('gives a room to exactly one of many processes asking at once', async () => {
      const { more } = await fresh();
      const many = Array.from({ length: 12 }, (_, i) => more(`process-${i}`));
      const leases = await Promise.all(many.map((o) => o.acquire('ROOM01')));
      const won = leases.filter((l) => l !== null);
      expect(won).toHaveLength(1);
      expect(await many[0]!.holder('ROOM01')).toEqual({ owner: won[0]!.owner, epoch: won[0]!.epoch });
    });
  });
}
