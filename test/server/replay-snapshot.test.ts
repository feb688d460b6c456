import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { API_LIMITS } from '../../server/http/api.ts';
import { InMemoryRoomStore, type Replay, type Snapshot } from '../../server/storage/store.ts';
import { startTestServer } from '../integration/helpers.ts';

/** The in-memory store, counting how often a whole replay is loaded. */
class CountingStore extends InMemoryRoomStore {
  wholeReplays = 0;
  snapshotReads = 0;
  override async getReplay(replayId: string): Promise<Replay | null> {
    this.wholeReplays++;
    return super.getReplay(replayId);
  }
  override async getReplaySnapshot(replayId: string, seq: number): Promise<Snapshot | null> {
    this.snapshotReads++;
    return super.getReplaySnapshot(replayId, seq);
  }
}

describe('GET /api/replays/:id/snapshots/:seq', () => {
  const store = new CountingStore();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const roster = { players: [{ resumeToken: 'resume-secret-0000000000' }] };

  beforeAll(async () => {
    // A finished session, kept as a replay straight in the store.
    await store.createRoom({ code: 'ABCDEF', hostToken: 'host-secret-00000000000000', mode: 'solo', seed: 7, scenario: SCENARIOS[0]!, createdAtMs: 0, replayId: 'replay-abc12' });
    await store.append('ABCDEF', [{ seq: 1, atMs: 1, action: { type: 'tick' } }]);
    await store.saveSnapshot('ABCDEF', { seq: 1, atS: 60, state: { version: 2, sim: { timeS: 60 }, roster } });
    await store.saveSnapshot('ABCDEF', { seq: 2, atS: 120, state: { version: 2, sim: { timeS: 120 }, roster } });
    await store.archive('ABCDEF', 'replay-abc12', 3600);
    server = await startTestServer({ store });
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves one snapshot’s simulation without loading the whole replay', async () => {
    const res = await fetch(`${server.base}/api/replays/replay-abc12/snapshots/2`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ seq: 2, atS: 120, state: { timeS: 120 } });
    expect(text).not.toContain('resume-secret');
    expect(store.wholeReplays).toBe(0);
    expect(store.snapshotReads).toBe(1);
  });

  it('answers 404 for a seq the replay does not have, or one that is not a number, without loading it', async () => {
    for (const path of ['replay-abc12/snapshots/3', 'replay-abc12/snapshots/1.5', 'replay-abc12/snapshots/constructor', 'no-such-replay/snapshots/1']) {
      const res = await fetch(`${server.base}/api/replays/${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json(), path).toEqual({ error: { code: 'snapshot-not-found', message: expect.any(String) } });
    }
    expect(store.wholeReplays).toBe(0);
  });

  it('is rate-limited like the other lookups', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < API_LIMITS.lookupsPerMinute + 5; i++) statuses.push((await fetch(`${server.base}/api/replays/replay-abc12/snapshots/1`)).status);
    // The earlier tests of this file used part of the same minute's budget.
    expect(statuses.filter((s) => s === 200).length).toBeLessThan(API_LIMITS.lookupsPerMinute);
    expect(statuses.at(-1)).toBe(429);
    const refused = await fetch(`${server.base}/api/replays/replay-abc12/snapshots/1`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 'rate-limited', message: expect.any(String) } });
    expect(store.wholeReplays).toBe(0);
  });
});
