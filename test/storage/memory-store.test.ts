import { describe, expect, it } from 'vitest';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { meta, storeContract } from './store-contract.ts';

function fakeNow(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_700_000_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

storeContract('InMemoryRoomStore', async () => {
  const clock = fakeNow();
  const store = new InMemoryRoomStore({ now: clock.now });
  return {
    store,
    lapse: async (replayId, ttlS) => {
      // Still there a millisecond before its time, gone at it.
      clock.advance(ttlS * 1000 - 1);
      if (!(await store.getReplay(replayId))) throw new Error(`replay ${replayId} expired before ${ttlS} s`);
      clock.advance(1);
    },
    dispose: () => store.close(),
  };
});

describe('InMemoryRoomStore', () => {
  it('forgets expired replays when another is archived, not only when asked for', async () => {
    const clock = fakeNow();
    const store = new InMemoryRoomStore({ now: clock.now });
    await store.createRoom(meta('ABCD'));
    await store.archive('ABCD', 'old', 60);
    clock.advance(61_000);
    await store.archive('ABCD', 'new', 60);
    const kept = (store as unknown as { replays: Map<string, unknown> }).replays;
    expect([...kept.keys()]).toEqual(['new']);
  });
});
