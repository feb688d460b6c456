import { describe, expect, it } from 'vitest';
import { BufferedStore, type BufferEvent } from '../../server/storage/buffered-store.ts';
import { InMemoryRoomStore, StoreError, type LogEntry, type RoomMeta, type StoreStatus } from '../../server/storage/store.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';

/** The in-memory store with a switch: down, or writing and then losing its reply. */
class FlakyStore extends InMemoryRoomStore {
  down = false;
  loseNextReply = false;
  override async append(code: string, entries: readonly LogEntry[]): Promise<void> {
    if (this.down) throw new StoreError('store-unavailable', 'the store is down');
    await super.append(code, entries);
    if (this.loseNextReply) {
      this.loseNextReply = false;
      throw new StoreError('store-unavailable', 'the reply was lost');
    }
  }
  override async ping(): Promise<boolean> {
    return !this.down;
  }
  override status(): StoreStatus {
    return this.down ? { reachable: false, checkedAtMs: 5, detail: 'the store is down' } : super.status();
  }
}

const meta = (code: string): RoomMeta => ({ code, hostToken: 'host-token-0000000000', mode: 'solo', seed: 1, scenario: getScenario('tutorial')!, createdAtMs: 0 });
const tick = (seq: number): LogEntry => ({ seq, atMs: seq, action: { type: 'tick' } });

async function setup(maxQueued?: number) {
  const clock = new FakeClock();
  const inner = new FlakyStore();
  const events: BufferEvent[] = [];
  const store = new BufferedStore(inner, { clock, retryMs: 100, maxQueued, onEvent: (e) => events.push(e) });
  await store.createRoom(meta('AAAAAA'));
  await store.createRoom(meta('BBBBBB'));
  return { clock, inner, store, events };
}
const seqs = async (s: InMemoryRoomStore | BufferedStore, code: string) => (await s.readLog(code)).map((e) => e.seq);

describe('BufferedStore: rooms keep playing when the store goes away', () => {
  it('acknowledges once kept while the store answers', async () => {
    const { inner, store } = await setup();
    await store.append('AAAAAA', [tick(1), tick(2)]);
    expect(await seqs(inner, 'AAAAAA')).toEqual([1, 2]);
    expect(store.status()).toEqual({ reachable: true, checkedAtMs: expect.any(Number), degraded: false, queued: 0, dropped: 0, unsavedRooms: 0 });
  });

  it('merges the store’s own status with its queue, synchronously', async () => {
    const { inner, store } = await setup();
    inner.down = true;
    // Unreachable is degraded even before a write has had to wait.
    expect(store.status()).toEqual({ reachable: false, checkedAtMs: 5, detail: 'the store is down', degraded: true, queued: 0, dropped: 0, unsavedRooms: 0 });
    await store.append('AAAAAA', [tick(1)]);
    expect(store.status()).toMatchObject({ reachable: false, degraded: true, queued: 1 });
    // Back, but with writes still waiting: degraded until they are written.
    inner.down = false;
    expect(store.status()).toMatchObject({ reachable: true, degraded: true, queued: 1 });
    await store.flush();
    expect(store.status()).toMatchObject({ reachable: true, degraded: false, queued: 0 });
  });

  it('queues in order while the store is down, says degraded, and writes everything when it is back', async () => {
    const { clock, inner, store, events } = await setup();
    await store.append('AAAAAA', [tick(1)]);
    inner.down = true;
    await store.append('AAAAAA', [tick(2)]);
    await store.append('BBBBBB', [tick(1)]);
    await store.append('AAAAAA', [tick(3)]);
    expect(store.status()).toMatchObject({ degraded: true, queued: 3 });
    expect(await store.ping()).toBe(false);
    // The log as the rooms see it includes what waits.
    expect(await seqs(store, 'AAAAAA')).toEqual([1, 2, 3]);
    await clock.advance(1000);
    expect(await seqs(inner, 'AAAAAA')).toEqual([1]);
    inner.down = false;
    // While the queue is non-empty, new entries join it behind the old ones (no overtaking).
    await store.append('AAAAAA', [tick(4)]);
    await clock.advance(100);
    await settle();
    expect(await seqs(inner, 'AAAAAA')).toEqual([1, 2, 3, 4]);
    expect(await seqs(inner, 'BBBBBB')).toEqual([1]);
    expect(store.status()).toMatchObject({ degraded: false, queued: 0 });
    expect(events.map((e) => e.kind)).toEqual(['degraded', 'recovered']);
  });

  it('treats a retried batch the store refuses as already there (its first reply was lost)', async () => {
    const { clock, inner, store } = await setup();
    inner.loseNextReply = true;
    await store.append('AAAAAA', [tick(1)]);
    expect(store.status().queued).toBe(1);
    await clock.advance(100);
    await settle();
    expect(await seqs(inner, 'AAAAAA')).toEqual([1]);
    expect(store.status()).toMatchObject({ degraded: false, queued: 0 });
    await store.append('AAAAAA', [tick(2)]);
    expect(await seqs(inner, 'AAAAAA')).toEqual([1, 2]);
  });

  it('stops saving a room that would overflow the queue, loudly, and never leaves a gap', async () => {
    const { inner, store, events } = await setup(3);
    inner.down = true;
    await store.append('AAAAAA', [tick(1), tick(2)]);
    await store.append('BBBBBB', [tick(1)]);
    await store.append('AAAAAA', [tick(3)]);
    expect(events.at(-1)).toEqual({ kind: 'room-unsaved', code: 'AAAAAA', queued: 1 });
    expect(store.status()).toMatchObject({ reachable: false, degraded: true, queued: 1, dropped: 3, unsavedRooms: 1 });
    await store.append('AAAAAA', [tick(4)]);
    expect(store.status().dropped).toBe(4);
    inner.down = false;
    await store.flush();
    expect(await seqs(inner, 'AAAAAA')).toEqual([]);
    expect(await seqs(inner, 'BBBBBB')).toEqual([1]);
  });

  it('tells the room a store that comes back without it has lost it, and goes on with the others', async () => {
    const { inner, store, events } = await setup();
    const lost: string[] = [];
    store.onRoomLost((code) => lost.push(code));
    inner.down = true;
    await store.append('AAAAAA', [tick(1)]);
    await store.append('BBBBBB', [tick(1)]);
    await inner.deleteRoom('AAAAAA'); // back from a failover to an empty replica, say
    inner.down = false;
    await store.flush();
    expect(events).toContainEqual({ kind: 'room-lost', code: 'AAAAAA', dropped: 1 });
    expect(lost).toEqual(['AAAAAA']);
    expect(await seqs(inner, 'BBBBBB')).toEqual([1]);
    // Not given up on: the room writes its keys again, and is saved from then on.
    expect(store.status()).toMatchObject({ degraded: false, queued: 0, unsavedRooms: 0 });
    await store.createRoom(meta('AAAAAA'));
    await store.append('AAAAAA', [tick(2)]);
    expect(await seqs(inner, 'AAAAAA')).toEqual([2]);
  });

  it('acknowledges from the queue when the store is slow, so a hung store never holds the clock, and writes in order', async () => {
    class SlowStore extends FlakyStore {
      gate: Promise<void> | null = null;
      open: () => void = () => {};
      override async append(code: string, entries: readonly LogEntry[]): Promise<void> {
        if (this.gate) await this.gate;
        return super.append(code, entries);
      }
    }
    const clock = new FakeClock();
    const inner = new SlowStore();
    const store = new BufferedStore(inner, { clock, retryMs: 100, ackWithinMs: 250 });
    await store.createRoom(meta('AAAAAA'));
    inner.gate = new Promise((resolve) => (inner.open = resolve));
    let acked = 0;
    void store.append('AAAAAA', [tick(1)]).then(() => acked++);
    await clock.advance(249);
    expect(acked).toBe(0);
    await clock.advance(1);
    expect(acked).toBe(1);
    // Later entries wait behind the one in flight, acknowledged at once.
    await store.append('AAAAAA', [tick(2)]);
    expect(store.status()).toMatchObject({ degraded: true, queued: 2 });
    expect(await seqs(inner, 'AAAAAA')).toEqual([]);
    inner.gate = null;
    inner.open();
    await clock.advance(200);
    expect(await seqs(inner, 'AAAAAA')).toEqual([1, 2]);
    expect(store.status()).toMatchObject({ degraded: false, queued: 0 });
  });

  it('surfaces a refusal that is not an outage instead of queueing it', async () => {
    const { store } = await setup();
    await store.append('AAAAAA', [tick(1)]);
    await expect(store.append('AAAAAA', [tick(1)])).rejects.toMatchObject({ code: 'bad-seq' });
    expect(store.status().queued).toBe(0);
  });
});
