import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { StoreError, type LogEntry, type LoggedAction, type RoomMeta, type RoomStore, type Snapshot } from '../../server/storage/store.ts';

/** A fresh, empty store, and what only its implementation can do to it. */
export interface StoreHarness {
  readonly store: RoomStore;
  /** Checks the replay is set to expire within ttlS, then makes that time pass. */
  lapse(replayId: string, ttlS: number): Promise<void>;
  dispose(): Promise<void>;
}

export function meta(code: string, overrides: Partial<RoomMeta> = {}): RoomMeta {
  return { code, hostToken: `host-${code}`, mode: 'solo', seed: 42, scenario: SCENARIOS[0]!, createdAtMs: 1_700_000_000_000, ...overrides };
}

export function tick(seq: number): LogEntry {
  return { seq, atMs: 1_700_000_000_000 + seq * 100, action: { type: 'tick' } };
}

/** Stores keep actions as opaque JSON; this one is not an engine action on purpose. */
function opaque(value: unknown): LoggedAction {
  return value as LoggedAction;
}

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a rejection').toBeInstanceOf(StoreError);
  return error as StoreError;
}

/**
 * The behaviour every RoomStore promises (server/storage/store.ts). Run against each
 * implementation, so the in-memory store used by most tests cannot drift from the Redis one.
 */
export function storeContract(name: string, makeHarness: () => Promise<StoreHarness>): void {
  describe(`${name}: the RoomStore contract`, () => {
    let harness: StoreHarness;
    let store: RoomStore;

    beforeEach(async () => {
      harness = await makeHarness();
      store = harness.store;
    });
    afterEach(async () => {
      await harness.dispose();
    });

    describe('rooms', () => {
      it('gives back the meta it was given, as JSON', async () => {
        const m = meta('ABCD');
        await store.createRoom(m);
        const got = await store.getRoom('ABCD');
        expect(got).toEqual(m);
        expect(JSON.stringify(got)).toBe(JSON.stringify(m));
        expect(got).not.toBe(m);
      });

      it('knows no room it was not given', async () => {
        expect(await store.getRoom('NONE')).toBeNull();
        expect(await store.listRooms()).toEqual([]);
      });

      it('refuses a second room with a taken code and keeps the first', async () => {
        await store.createRoom(meta('ABCD'));
        await store.append('ABCD', [tick(1)]);
        const error = await rejection(store.createRoom(meta('ABCD', { hostToken: 'intruder' })));
        expect(error.code).toBe('room-exists');
        expect((await store.getRoom('ABCD'))?.hostToken).toBe('host-ABCD');
        expect(await store.readLog('ABCD')).toHaveLength(1);
      });

      it('lists the live rooms', async () => {
        for (const code of ['AAAA', 'BBBB', 'CCCC']) await store.createRoom(meta(code));
        expect((await store.listRooms()).sort()).toEqual(['AAAA', 'BBBB', 'CCCC']);
      });

      it('deletes a room with its log and snapshots, and can make the code anew', async () => {
        await store.createRoom(meta('ABCD'));
        await store.createRoom(meta('KEEP'));
        await store.append('ABCD', [tick(1), tick(2)]);
        await store.saveSnapshot('ABCD', { seq: 2, atS: 0.2, state: { t: 2 } });
        await store.deleteRoom('ABCD');
        expect(await store.getRoom('ABCD')).toBeNull();
        expect(await store.readLog('ABCD')).toEqual([]);
        expect(await store.latestSnapshot('ABCD')).toBeNull();
        expect(await store.listSnapshots('ABCD')).toEqual([]);
        expect(await store.listRooms()).toEqual(['KEEP']);

        await store.createRoom(meta('ABCD'));
        await store.append('ABCD', [tick(1)]);
        expect((await store.readLog('ABCD')).map((e) => e.seq)).toEqual([1]);
      });

      it('deletes an unknown room without complaint', async () => {
        await store.deleteRoom('NONE');
        expect(await store.listRooms()).toEqual([]);
      });
    });

    describe('the log', () => {
      beforeEach(async () => {
        await store.createRoom(meta('ABCD'));
      });

      it('reads back many appends in seq order', async () => {
        let seq = 0;
        for (let batch = 1; batch <= 40; batch++) {
          await store.append('ABCD', Array.from({ length: batch % 7 }, () => tick(++seq)));
        }
        const log = await store.readLog('ABCD');
        expect(log.map((e) => e.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
        expect(log).toEqual(Array.from({ length: seq }, (_, i) => tick(i + 1)));
      });

      it('keeps concurrent appends in call order', async () => {
        const singles = Array.from({ length: 200 }, (_, i) => store.append('ABCD', [tick(i + 1)]));
        const batches = Array.from({ length: 50 }, (_, i) => store.append('ABCD', [tick(201 + 2 * i), tick(202 + 2 * i)]));
        await Promise.all([...singles, ...batches]);
        expect((await store.readLog('ABCD')).map((e) => e.seq)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      });

      it('reads from a seq on', async () => {
        await store.append('ABCD', [1, 2, 3, 4, 5].map(tick));
        expect((await store.readLog('ABCD', 3)).map((e) => e.seq)).toEqual([3, 4, 5]);
        expect((await store.readLog('ABCD', 0)).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        expect(await store.readLog('ABCD', 6)).toEqual([]);
      });

      it('reads a long log whole', async () => {
        const entries = Array.from({ length: 5001 }, (_, i) => tick(i + 1));
        for (let i = 0; i < entries.length; i += 1000) await store.append('ABCD', entries.slice(i, i + 1000));
        const log = await store.readLog('ABCD');
        expect(log).toHaveLength(5001);
        expect(log.at(-1)).toEqual(tick(5001));
        expect((await store.readLog('ABCD', 4999)).map((e) => e.seq)).toEqual([4999, 5000, 5001]);
      });

      it('round-trips any JSON action exactly', async () => {
        const actions = [
          { type: 'deploy', id: 'a"b\\c\n', nested: { list: [1, -2.5, 1e21, 0.1, null, true, false, [], {}], deep: { deeper: { deepest: ['é', '日本', '👩‍🏫', ''] } } } },
          ['not', 'an', { object: 1 }],
          'just a string',
          12345.678,
          null,
          { order: 'kept', z: 1, a: 2, '': 'empty key', '0': 'numeric key' },
        ];
        const entries = actions.map((action, i) => ({ seq: i + 1, atMs: 1_700_000_000_123 + i, action: opaque(action) }));
        await store.append('ABCD', entries);
        const log = await store.readLog('ABCD');
        expect(JSON.stringify(log)).toBe(JSON.stringify(entries));
      });

      it('is not changed by the caller changing what it appended', async () => {
        const action = { type: 'deploy', id: 'a' };
        await store.append('ABCD', [{ seq: 1, atMs: 0, action: opaque(action) }]);
        action.id = 'changed';
        const [read] = await store.readLog('ABCD');
        expect(read?.action).toEqual({ type: 'deploy', id: 'a' });
      });

      it('refuses a seq it already has, and a whole batch with one, keeping nothing of it', async () => {
        await store.append('ABCD', [tick(1), tick(2)]);
        expect((await rejection(store.append('ABCD', [tick(2)]))).code).toBe('bad-seq');
        expect((await rejection(store.append('ABCD', [tick(1)]))).code).toBe('bad-seq');
        expect((await rejection(store.append('ABCD', [tick(3), tick(3)]))).code).toBe('bad-seq');
        expect((await rejection(store.append('ABCD', [tick(4), tick(3)]))).code).toBe('bad-seq');
        expect((await store.readLog('ABCD')).map((e) => e.seq)).toEqual([1, 2]);
        await store.append('ABCD', [tick(3)]);
        expect((await store.readLog('ABCD')).map((e) => e.seq)).toEqual([1, 2, 3]);
      });

      it('refuses seqs that are not positive integers', async () => {
        for (const seq of [0, -1, 1.5, Number.NaN]) {
          expect((await rejection(store.append('ABCD', [tick(seq)]))).code).toBe('bad-seq');
        }
        expect(await store.readLog('ABCD')).toEqual([]);
      });

      it('refuses to append to an unknown room, and reads it as empty', async () => {
        expect((await rejection(store.append('NONE', [tick(1)]))).code).toBe('no-room');
        expect(await store.readLog('NONE')).toEqual([]);
        expect(await store.listRooms()).toEqual(['ABCD']);
      });

      it('takes an empty batch as nothing', async () => {
        await store.append('ABCD', []);
        expect(await store.readLog('ABCD')).toEqual([]);
      });
    });

    describe('snapshots', () => {
      const state = (t: number) => ({ atS: t, clusters: { s1: { hosts: [{ id: 'linux-1', vms: [] }] } }, rng: [1, 2, 3, 4], note: null });

      beforeEach(async () => {
        await store.createRoom(meta('ABCD'));
      });

      it('has none at first', async () => {
        expect(await store.latestSnapshot('ABCD')).toBeNull();
        expect(await store.listSnapshots('ABCD')).toEqual([]);
      });

      it('gives back the latest by seq, exactly, and lists them all by seq without states', async () => {
        const snaps: Snapshot[] = [
          { seq: 100, atS: 10, state: state(10) },
          { seq: 300, atS: 30.5, state: state(30.5) },
          { seq: 200, atS: 20, state: state(20) },
        ];
        for (const s of snaps) await store.saveSnapshot('ABCD', s);
        const latest = await store.latestSnapshot('ABCD');
        expect(JSON.stringify(latest)).toBe(JSON.stringify(snaps[1]));
        expect(await store.listSnapshots('ABCD')).toEqual([
          { seq: 100, atS: 10 },
          { seq: 200, atS: 20 },
          { seq: 300, atS: 30.5 },
        ]);
      });

      it('gives back one snapshot by its seq, and null for a seq or room it does not have', async () => {
        await store.saveSnapshot('ABCD', { seq: 100, atS: 10, state: state(10) });
        await store.saveSnapshot('ABCD', { seq: 200, atS: 20, state: state(20) });
        expect(JSON.stringify(await store.getSnapshot('ABCD', 100))).toBe(JSON.stringify({ seq: 100, atS: 10, state: state(10) }));
        expect(await store.getSnapshot('ABCD', 150)).toBeNull();
        expect(await store.getSnapshot('NONE', 100)).toBeNull();
      });

      it('replaces a snapshot with the same seq', async () => {
        await store.saveSnapshot('ABCD', { seq: 100, atS: 10, state: 'first' });
        await store.saveSnapshot('ABCD', { seq: 100, atS: 10.5, state: 'second' });
        expect(await store.listSnapshots('ABCD')).toEqual([{ seq: 100, atS: 10.5 }]);
        expect((await store.latestSnapshot('ABCD'))?.state).toBe('second');
      });

      it('refuses a snapshot for an unknown room, and finds none there', async () => {
        expect((await rejection(store.saveSnapshot('NONE', { seq: 1, atS: 0, state: {} }))).code).toBe('no-room');
        expect(await store.latestSnapshot('NONE')).toBeNull();
        expect(await store.listSnapshots('NONE')).toEqual([]);
      });
    });

    describe('replays', () => {
      async function session(code: string): Promise<{ log: LogEntry[]; snaps: Snapshot[] }> {
        await store.createRoom(meta(code));
        const log = [1, 2, 3, 4].map(tick).concat({ seq: 5, atMs: 1_700_000_000_999, action: opaque({ type: 'end', nested: { why: ['bell'] } }) });
        await store.append(code, log);
        const snaps = [
          { seq: 2, atS: 0.2, state: state(2) },
          { seq: 4, atS: 0.4, state: state(4) },
        ];
        for (const s of snaps) await store.saveSnapshot(code, s);
        return { log, snaps };
      }
      const state = (t: number) => ({ t, board: [[1, 2], [3]] });

      it('keeps meta, log and snapshots after the live room is deleted', async () => {
        const { log, snaps } = await session('ABCD');
        await store.archive('ABCD', 'replay-1', 3600);
        await store.deleteRoom('ABCD');
        expect(await store.listRooms()).toEqual([]);
        const replay = await store.getReplay('replay-1');
        expect(JSON.stringify(replay)).toBe(JSON.stringify({ meta: meta('ABCD'), log, snapshots: snaps }));
      });

      it('is a copy as of archiving; archiving again refreshes it', async () => {
        await session('ABCD');
        await store.archive('ABCD', 'replay-1', 3600);
        await store.append('ABCD', [tick(6)]);
        await store.saveSnapshot('ABCD', { seq: 6, atS: 0.6, state: state(6) });
        expect((await store.getReplay('replay-1'))?.log.at(-1)?.seq).toBe(5);
        expect((await store.getReplay('replay-1'))?.snapshots.map((s) => s.seq)).toEqual([2, 4]);
        await store.archive('ABCD', 'replay-1', 3600);
        expect((await store.getReplay('replay-1'))?.log.at(-1)?.seq).toBe(6);
        expect((await store.getReplay('replay-1'))?.snapshots.map((s) => s.seq)).toEqual([2, 4, 6]);
      });

      it('archives a room with no log or snapshots', async () => {
        await store.createRoom(meta('ABCD'));
        await store.archive('ABCD', 'replay-1', 3600);
        await store.deleteRoom('ABCD');
        expect(await store.getReplay('replay-1')).toEqual({ meta: meta('ABCD'), log: [], snapshots: [] });
      });

      it('refuses an unknown room, a replay id held by another room and a TTL that is not positive', async () => {
        await session('ABCD');
        await session('EFGH');
        expect((await rejection(store.archive('NONE', 'replay-1', 3600))).code).toBe('no-room');
        await store.archive('ABCD', 'replay-1', 3600);
        expect((await rejection(store.archive('EFGH', 'replay-1', 3600))).code).toBe('replay-id-taken');
        expect((await store.getReplay('replay-1'))?.meta.code).toBe('ABCD');
        expect((await rejection(store.archive('EFGH', 'replay-2', 0))).code).toBe('invalid');
        expect(await store.getReplay('replay-2')).toBeNull();
      });

      it('deletes a replay and every copy in it, leaving other replays and live rooms alone', async () => {
        await session('ABCD');
        await session('EFGH');
        await store.archive('ABCD', 'replay-1', 3600);
        await store.archive('EFGH', 'replay-2', 3600);
        await store.deleteReplay('replay-1');
        expect(await store.getReplay('replay-1')).toBeNull();
        expect(await store.getReplaySnapshot('replay-1', 2)).toBeNull();
        expect((await store.getReplay('replay-2'))?.meta.code).toBe('EFGH');
        expect((await store.getRoom('ABCD'))?.code).toBe('ABCD');
        // Unknown or already deleted: nothing to do, and no error.
        await store.deleteReplay('replay-1');
        await store.deleteReplay('nothing');
        // Its id is free again.
        await store.archive('EFGH', 'replay-1', 3600);
        expect((await store.getReplay('replay-1'))?.meta.code).toBe('EFGH');
      });

      it('knows no replay it was not given', async () => {
        expect(await store.getReplay('nothing')).toBeNull();
        expect(await store.getReplaySnapshot('nothing', 2)).toBeNull();
      });

      it('gives one snapshot of a replay on its own, exactly, as of archiving', async () => {
        const { snaps } = await session('ABCD');
        await store.archive('ABCD', 'replay-1', 3600);
        await store.saveSnapshot('ABCD', { seq: 6, atS: 0.6, state: state(6) });
        await store.deleteRoom('ABCD');
        const got = await store.getReplaySnapshot('replay-1', 4);
        expect(JSON.stringify(got)).toBe(JSON.stringify(snaps[1]));
        // A copy: changing what came back changes nothing kept.
        (got!.state as { t: number }).t = 99;
        expect(await store.getReplaySnapshot('replay-1', 4)).toEqual(snaps[1]);
        // Only what was there when archived, and only seqs it has.
        expect(await store.getReplaySnapshot('replay-1', 6)).toBeNull();
        expect(await store.getReplaySnapshot('replay-1', 3)).toBeNull();
        expect(await store.getReplaySnapshot('replay-1', -1)).toBeNull();
        expect(await store.getReplaySnapshot('replay-1', 2.5)).toBeNull();
        // The live room's own snapshots are not a replay's.
        await session('EFGH');
        expect(await store.getReplaySnapshot('EFGH', 2)).toBeNull();
      });

      it('expires after its TTL, and its id can then be used again', async () => {
        await session('ABCD');
        await session('EFGH');
        await store.archive('ABCD', 'replay-1', 60);
        await store.archive('EFGH', 'replay-2', 3600);
        await harness.lapse('replay-1', 60);
        expect(await store.getReplay('replay-1')).toBeNull();
        expect(await store.getReplaySnapshot('replay-1', 2)).toBeNull();
        expect(await store.getReplaySnapshot('replay-2', 2)).not.toBeNull();
        expect((await store.getReplay('replay-2'))?.meta.code).toBe('EFGH');
        await store.archive('EFGH', 'replay-1', 60);
        expect((await store.getReplay('replay-1'))?.meta.code).toBe('EFGH');
      });
    });

    describe('health', () => {
      it('answers ping while it works', async () => {
        expect(await store.ping()).toBe(true);
      });

      it('says it is reachable, at once and without I/O, while it works', async () => {
        await store.createRoom(meta('ABCD'));
        const status = store.status();
        expect(status).not.toBeInstanceOf(Promise);
        expect(status).toMatchObject({ reachable: true, checkedAtMs: expect.any(Number) });
        expect(status.detail).toBeUndefined();
      });
    });
  });
}
