import { describe, expect, it } from 'vitest';
import { InMemoryAssignmentStore } from '../../server/assignments/store.ts';
import { T0, assignment, storeContract } from './store-contract.ts';

function fakeNow(): { now: () => number; set: (ms: number) => void } {
  let t = T0;
  return { now: () => t, set: (ms) => void (t = ms) };
}

storeContract('InMemoryAssignmentStore', async () => {
  const clock = fakeNow();
  const store = new InMemoryAssignmentStore({ now: clock.now });
  return {
    store,
    lapse: async (a) => {
      // Still there a millisecond before its time, gone at it.
      clock.set(a.expiresAtMs - 1);
      if (!(await store.getAssignment(a.id))) throw new Error(`assignment ${a.id} expired early`);
      clock.set(a.expiresAtMs);
    },
    dispose: () => store.close(),
  };
});

describe('InMemoryAssignmentStore', () => {
  it('forgets expired assignments when another is created, not only when asked for', async () => {
    const clock = fakeNow();
    const store = new InMemoryAssignmentStore({ now: clock.now });
    await store.createAssignment(assignment('Old0000000', { expiresAtMs: T0 + 10 }));
    clock.set(T0 + 10);
    await store.createAssignment(assignment('New0000000', { expiresAtMs: T0 + 1000 }));
    const kept = (store as unknown as { assignments: Map<string, unknown> }).assignments;
    expect([...kept.keys()]).toEqual(['New0000000']);
  });
});
