import { describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { RoomRegistry } from '../../server/rooms/registry.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';
import { LeaseKeeper } from '../../server/ownership/keeper.ts';
import { LocalLeases, LocalOwnership } from '../../server/ownership/local-ownership.ts';
import { LEASE_TIMING } from '../../server/ownership/ownership.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

const references = new InlineReferenceRunner();
const tutorial = getScenario('tutorial')!;

/** Processes on one clock, one store and one set of leases: what Redis is to real ones. */
function processes() {
  const clock = new FakeClock();
  const store = new InMemoryRoomStore();
  const leases = new LocalLeases();
  const make = (self: string) => {
    const lost: string[] = [];
    const claimed: string[] = [];
    const keeper = new LeaseKeeper(new LocalOwnership(self, clock, leases), clock, { onLost: (code) => lost.push(code) });
    const registry = new RoomRegistry({ store, clock, transport: new MemoryTransport(), references, keeper, onClaimed: (code) => claimed.push(code) });
    keeper.listen({ onLost: (code) => registry.relinquish(code) });
    keeper.start();
    return { self, keeper, registry, lost, claimed };
  };
  return { clock, store, leases, make };
}

describe('rooms owned by lease, among several processes (one clock, one store, local leases)', () => {
  it('creates a room under its own lease and keeps it while it renews; another process never restores it', async () => {
    const { clock, make } = processes();
    const a = make('a');
    const b = make('b');
    const { code } = await a.registry.create(tutorial, 'solo');
    expect(a.keeper.epochOf(code)).toBe(1);
    expect((await b.registry.restoreAll()).restored).toEqual([]);
    await clock.advance(LEASE_TIMING.ttlMs * 4);
    expect(a.registry.get(code)).toBeDefined();
    expect(b.registry.get(code)).toBeUndefined();
    expect(a.lost).toEqual([]);
    a.registry.close();
    b.registry.close();
  });

  it('takes over a room whose owner stopped renewing, within a lease and a claim round, with the next epoch', async () => {
    const { clock, make } = processes();
    const a = make('a');
    const b = make('b');
    const { code } = await a.registry.create(tutorial, 'solo');
    await b.registry.restoreAll();
    // a dies: its renewals stop, its room with them.
    a.keeper.stop();
    a.registry.close();
    await clock.advance(LEASE_TIMING.ttlMs + 1_000);
    expect(b.registry.get(code)).toBeDefined();
    expect(b.keeper.epochOf(code)).toBe(2);
    expect(b.claimed).toEqual([code]);
    b.registry.close();
  });

  it('lets a paused owner act only while its lease is valid by its own clock, and drops the room when the lease is gone', async () => {
    const { clock, leases, make } = processes();
    const a = make('a');
    const { code } = await a.registry.create(tutorial, 'solo');
    expect(a.keeper.valid(code)).toBe(true);
    // A pause: no renewal runs (the timers do not fire), the clock moves past the lease's life.
    a.keeper.stop();
    const held = leases.held.get(code)!;
    await clock.advance(LEASE_TIMING.ttlMs + 1);
    expect(a.keeper.valid(code)).toBe(false);
    // Meanwhile another process took the room.
    held.expiresAtMs = clock.now();
    const b = make('b');
    expect(await b.keeper.acquire(code)).not.toBeNull();
    await a.keeper.renewAll();
    expect(a.lost).toEqual([code]);
    expect(a.registry.get(code)).toBeUndefined();
    expect(a.keeper.epochOf(code)).toBeNull();
    a.registry.close();
    b.registry.close();
  });

  it('keeps playing through a Redis outage: a renewal that could not reach the leases does not stop the room', async () => {
    const clock = new FakeClock();
    let reachable = true;
    const inner = new LocalOwnership('a', clock);
    const flaky = {
      self: 'a',
      acquire: (code: string) => inner.acquire(code),
      renew: async (lease: Parameters<typeof inner.renew>[0]) => {
        if (!reachable) throw new Error('ECONNREFUSED');
        return inner.renew(lease);
      },
      release: (lease: Parameters<typeof inner.release>[0]) => inner.release(lease),
      free: (codes: readonly string[]) => inner.free(codes),
      holder: (code: string) => inner.holder(code),
    };
    const keeper = new LeaseKeeper(flaky, clock);
    keeper.start();
    await keeper.acquire('ROOM01');
    reachable = false;
    await clock.advance(LEASE_TIMING.ttlMs * 3);
    expect(keeper.valid('ROOM01')).toBe(true);
    // Back: the lease that ran out meanwhile is taken back under the same epoch.
    reachable = true;
    await clock.advance(LEASE_TIMING.renewEveryMs);
    expect(keeper.valid('ROOM01')).toBe(true);
    expect(await inner.holder('ROOM01')).toEqual({ owner: 'a', epoch: 1 });
    keeper.stop();
  });

  it('spreads a dead process\'s rooms: a claim round takes a few, so the survivors share them', async () => {
    const { clock, make } = processes();
    const a = make('a');
    for (let i = 0; i < 8; i++) await a.registry.create(tutorial, 'solo');
    const b = make('b');
    const c = make('c');
    await b.registry.restoreAll();
    await c.registry.restoreAll();
    a.keeper.stop();
    a.registry.close();
    await clock.advance(LEASE_TIMING.ttlMs + 5_000);
    expect(b.registry.all().length + c.registry.all().length).toBe(8);
    expect(b.registry.all().length).toBeGreaterThan(0);
    expect(c.registry.all().length).toBeGreaterThan(0);
    b.registry.close();
    c.registry.close();
  });

  it('releases a room\'s lease when it is removed, and on a drain, so another process may claim it at once', async () => {
    const { make, leases } = processes();
    const a = make('a');
    const one = await a.registry.create(tutorial, 'solo');
    const two = await a.registry.create(tutorial, 'solo');
    await a.registry.remove(one.code);
    expect(leases.held.has(one.code)).toBe(false);
    await a.registry.suspendAll();
    await a.keeper.releaseAll();
    expect(leases.held.has(two.code)).toBe(false);
    const b = make('b');
    expect((await b.registry.restoreAll()).restored).toEqual([two.code]);
    expect(b.keeper.epochOf(two.code)).toBe(2);
    b.registry.close();
  });
});
