import { describe, expect, it } from 'vitest';
import { Roster } from '../../server/rooms/roster.ts';
import { Journal, JournalError, SNAPSHOT_VERSION, readSnapshot, type JournalIncident, type SnapshotBody } from '../../server/rooms/journal.ts';
import { Ticker } from '../../server/rooms/ticker.ts';
import { Broadcaster } from '../../server/rooms/broadcaster.ts';
import { InMemoryRoomStore, StoreError, type RoomMeta } from '../../server/storage/store.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { applyView, encodeView, type StudentView } from '../../shared/views/index.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { MemoryTransport } from '../support/memory-transport.ts';

const seat = (playerId: string, nickname = playerId) => ({ type: 'room:seat' as const, playerId, nickname, key: nickname.toLowerCase(), resumeToken: `token-${playerId}-0000000000`, deviceId: `device-${playerId}` });

describe('roster: who is in a room', () => {
  it('seats players from room events and finds them by resume token, never by a prototype key', () => {
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    roster.apply(seat('p1', 'Ada'), 0);
    expect(roster.byResumeToken('token-p1-0000000000')?.nickname).toBe('Ada');
    for (const key of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(roster.player(key)).toBeUndefined();
      expect(roster.byResumeToken(key)).toBeUndefined();
      expect(roster.team(key)).toBeUndefined();
    }
    expect(roster.nicknameTaken('ada')).toBe(true);
  });

  it('keeps connection membership itself: online while a connection is attached, reconnecting, then offline', () => {
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    roster.apply(seat('p1'), 0);
    const player = roster.player('p1')!;
    roster.attach('c1', 'student', player, 100);
    roster.attach('t1', 'teacher', null, 100);
    expect(roster.counts()).toEqual({ student: 1, teacher: 1, projector: 0 });
    expect(roster.status(player, 200)).toBe('online');
    expect(roster.detach('c1', 1_000)?.playerId).toBe('p1');
    expect(roster.detach('c1', 1_000)).toBeUndefined();
    expect(roster.status(player, 1_000 + 29_999)).toBe('reconnecting');
    expect(roster.status(player, 1_000 + 30_000)).toBe('offline');
  });

  it('bans a seat’s token, device and nickname, and frees an unused seat without banning it', () => {
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    roster.apply(seat('p1', 'Mallory'), 0);
    roster.apply(seat('p2', 'Bot'), 0);
    roster.attach('c1', 'student', roster.player('p1')!, 0);
    roster.apply({ type: 'room:ban', playerId: 'p1' }, 10);
    expect(roster.connection('c1')).toBeUndefined();
    expect(roster.banned({ resumeToken: 'token-p1-0000000000' })).toBe('seat');
    expect(roster.banned({ deviceId: 'device-p1' })).toBe('device');
    expect(roster.banned({ key: 'mallory' })).toBe('name');
    roster.apply({ type: 'room:unseat', playerId: 'p2' }, 10);
    expect(roster.size).toBe(0);
    expect(roster.banned({ key: 'bot' })).toBeNull();
    expect(roster.nicknameTaken('bot')).toBe(false);
  });

  it('finds idle seats: never active, nobody on them, for the whole grace period', () => {
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    for (const id of ['idle', 'acted', 'here']) roster.apply(seat(id), 0);
    roster.apply({ type: 'room:act', playerId: 'acted', action: { type: 'ready', clusterId: 'acted' } }, 0);
    roster.attach('c', 'student', roster.player('here')!, 0);
    expect(roster.idleSeats(59_999, 60_000).map((p) => p.id)).toEqual([]);
    expect(roster.idleSeats(60_000, 60_000).map((p) => p.id)).toEqual(['idle']);
  });

  it('captures and loads everything but connections', () => {
    const roster = new Roster({ mode: 'teams', reconnectGraceMs: 30_000 });
    roster.apply({ type: 'room:teams', teams: [{ id: 'team-1', name: 'Red team' }, { id: 'team-2', name: 'Blue team' }] }, 0);
    roster.apply(seat('p1'), 0);
    roster.apply({ type: 'room:team', playerId: 'p1', teamId: 'team-2' }, 0);
    roster.apply({ type: 'room:refused', playerId: 'p1', atS: 3, action: { type: 'ready', clusterId: 'team-2' }, code: 'foreign-kernel', concept: 'shared-kernel', message: 'no' }, 0);
    roster.attach('c1', 'student', roster.player('p1')!, 0);
    const copy = new Roster({ mode: 'teams', reconnectGraceMs: 30_000 });
    copy.load(JSON.parse(JSON.stringify(roster.capture())), 500);
    expect(copy.capture()).toEqual(roster.capture());
    expect(copy.counts().student).toBe(0);
    expect(copy.smallestTeam()?.id).toBe('team-1');
    expect(copy.rejections()).toEqual({ 'shared-kernel': 1 });
  });
});

/** An in-memory store that has stopped taking log entries (as an unreachable Redis would). */
class RefusingStore extends InMemoryRoomStore {
  constructor(private readonly inner: InMemoryRoomStore) {
    super();
  }
  override async append(): Promise<void> {
    throw new StoreError('store-unavailable', 'the store is down');
  }
  override readLog(code: string, fromSeq?: number) {
    return this.inner.readLog(code, fromSeq);
  }
}

const meta = (code = 'JOURNL'): RoomMeta => ({ code, hostToken: 'host-token-0123456789', mode: 'solo', seed: 1, scenario: getScenario('tutorial')!, createdAtMs: 0 });
const body = (): SnapshotBody => ({ version: SNAPSHOT_VERSION, sim: createSimulation(getScenario('tutorial')!, 1), roster: new Roster({ mode: 'solo', reconnectGraceMs: 1 }).capture() });

describe('journal: the only writer of a room’s log and snapshots', () => {
  it('numbers entries and counts a batch as kept only when the store keeps it', async () => {
    const store = new InMemoryRoomStore();
    const journal = await Journal.create(meta(), store, { now: () => 5, capture: body });
    await journal.keep([{ type: 'tick' }, { type: 'tick' }]);
    expect(journal.seq).toBe(2);
    // The same store, now refusing every write.
    const refusing = new RefusingStore(store);
    const journal2 = new Journal(meta(), refusing, { now: () => 5, capture: body }, 2);
    await expect(journal2.keep([{ type: 'tick' }])).rejects.toBeInstanceOf(JournalError);
    expect(journal2.seq).toBe(2);
    expect((await store.readLog('JOURNL')).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('writes a lost room’s keys again from its own state, then goes on with the log', async () => {
    const store = new InMemoryRoomStore();
    const incidents: JournalIncident[] = [];
    const journal = await Journal.create(meta(), store, { now: () => 7, capture: body, onIncident: (i) => incidents.push(i) });
    await journal.keep([{ type: 'tick' }]);
    await store.deleteRoom('JOURNL'); // what FLUSHALL or an eviction does to it
    await journal.keep([{ type: 'tick' }]);
    expect(await store.getRoom('JOURNL')).not.toBeNull();
    expect((await store.latestSnapshot('JOURNL'))?.seq).toBe(1);
    expect((await store.readLog('JOURNL')).map((e) => e.seq)).toEqual([2]);
    expect(incidents).toEqual([{ kind: 'recreated', code: 'JOURNL', atMs: 7, fromSeq: 1 }]);
    expect(journal.recreated).toBe(1);
  });

  it('reads snapshots of its own version and of the unversioned first format, and no other', () => {
    const current = body();
    expect(readSnapshot({ seq: 3, atS: 60, state: current })).toEqual(current);
    const v1 = { sim: current.sim, ...current.roster };
    expect(readSnapshot({ seq: 3, atS: 60, state: v1 })).toEqual(current);
    expect(readSnapshot({ seq: 3, atS: 60, state: { ...current, version: 99 } })).toBeNull();
    expect(readSnapshot({ seq: 3, atS: 60, state: 'nonsense' })).toBeNull();
  });
});

describe('ticker: a room’s time, all through the clock', () => {
  it('advances the speed’s worth of seconds per period, keeps seconds that could not be kept due, and leaves no timer behind', async () => {
    const clock = new FakeClock();
    const advanced: number[] = [];
    let accept = true;
    let flushes = 0;
    const ticker = new Ticker(clock, { tickMs: 100, flushMs: 25 }, { advance: async (n) => (advanced.push(n), accept), flush: () => flushes++, references: () => {}, error: () => {} }, () => 2);
    ticker.setRunning(true);
    await clock.advance(300);
    expect(advanced).toEqual([2, 2, 2]);
    accept = false;
    await clock.advance(100);
    accept = true;
    await clock.advance(100);
    // The refused 2 seconds stayed due and came with the next period's.
    expect(advanced.slice(3)).toEqual([2, 4]);
    expect(flushes).toBe(5);
    ticker.scheduleFlush();
    ticker.after(1_000, () => {});
    ticker.dispose();
    expect(clock.pending).toBe(0);
  });

  it('reports a failing round instead of rejecting, and goes on', async () => {
    const clock = new FakeClock();
    const errors: string[] = [];
    let calls = 0;
    const ticker = new Ticker(clock, { tickMs: 100, flushMs: 25 }, { advance: async () => (++calls === 1 ? Promise.reject(new Error('boom')) : true), flush: () => {}, references: () => {}, error: (e, what) => errors.push(`${what}: ${(e as Error).message}`) }, () => 1);
    ticker.setRunning(true);
    await clock.advance(300);
    expect(errors).toEqual(['tick: boom']);
    expect(calls).toBe(3);
    ticker.dispose();
  });
});

describe('broadcaster and the patch format', () => {
  it('sends a whole view first, then only changed fields, which applyView puts back together', async () => {
    const transport = new MemoryTransport();
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    roster.apply(seat('p1', 'Ada'), 0);
    roster.attach('c1', 'student', roster.player('p1')!, 0);
    let state = reduce(createSimulation(getScenario('tutorial')!, 1), { type: 'addCluster', clusterId: 'p1', name: 'Ada' }).state;
    const broadcaster = new Broadcaster('ABCDEF', 'solo', transport);
    broadcaster.flush({ state, roster, references: null, now: 0 });
    broadcaster.flush({ state, roster, references: null, now: 0 });
    state = reduce(state, { type: 'deploy', clusterId: 'p1', appId: 'web', runtime: 'container', target: 'linux-1' }).state;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    const sent = transport.sent.get('c1')!.map((s) => s.payload as Record<string, unknown>);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.whole).toBe(true);
    expect(Object.keys(sent[1]!).sort()).toEqual(expect.arrayContaining(['cluster', 'room']));
    expect(sent[1]!.whole).toBeUndefined();
    expect(sent[1]!.top).toBeUndefined();
    const merged = transport.last('c1', 'view:student') as StudentView;
    expect(merged.cluster.instances.map((i) => i.appId)).toEqual(['web']);
    // A connection that comes back gets a whole view again.
    broadcaster.forget('c1');
    broadcaster.flush({ state, roster, references: null, now: 0 });
    expect((transport.sent.get('c1')!.at(-1)!.payload as { whole?: boolean }).whole).toBe(true);
  });

  it('encodes nothing when only the sequence number would change, and decodes nothing before a whole view', () => {
    const sent = new Map<string, string>();
    const view = { room: { code: 'A', phase: 'lobby' as const, timeS: 0, durationS: 60, speed: 1, locked: false, seq: 0, countdown: 0 }, x: 1 };
    const first = encodeView(sent, view, 1)!;
    expect(first.whole).toBe(true);
    expect(encodeView(sent, { ...view, room: { ...view.room, seq: 9 } }, 2)).toBeNull();
    const next = encodeView(sent, { ...view, x: 2 }, 3)!;
    expect(next).toEqual({ room: { ...view.room, seq: 3 }, x: 2 });
    expect(applyView(null, next)).toBeNull();
    expect(applyView(applyView(null, first), next)).toEqual({ room: { ...view.room, seq: 3 }, x: 2 });
  });
});
