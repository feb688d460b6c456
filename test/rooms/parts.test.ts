import { describe, expect, it } from 'vitest';
import { Roster } from '../../server/rooms/roster.ts';
import { Journal, JournalError, SNAPSHOT_VERSION, readSnapshot, type JournalIncident, type SnapshotBody } from '../../server/rooms/journal.ts';
import { Ticker } from '../../server/rooms/ticker.ts';
import { BROADCAST_TIMING, Broadcaster } from '../../server/rooms/broadcaster.ts';
import { InMemoryRoomStore, StoreError, type RoomMeta } from '../../server/storage/store.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import fc from 'fast-check';
import { applyDelta, applyView, diff, isWhole, standings, studentView, whole } from '../../shared/views/index.ts';
import type { SimState } from '../../shared/engine/types.ts';
import { FakeClock, settle } from '../support/fake-clock.ts';
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

  it('makes up the periods a busy event loop fired late for (a second at most): the clock keeps to real time', async () => {
    // A clock whose one interval the test fires by hand, as late as a busy server would.
    let now = 0;
    let loop: (() => void) | null = null;
    const clock = { now: () => now, setTimeout: () => ({ id: 0 }), setInterval: (fn: () => void) => ((loop = fn), { id: 1 }), clear: () => {} };
    const advanced: number[] = [];
    const ticker = new Ticker(clock, { tickMs: 100, flushMs: 10 }, { advance: async (n) => (advanced.push(n), true), flush: () => {}, references: () => {}, error: () => {} }, () => 1);
    ticker.setRunning(true);
    for (const at of [100, 200, 750, 800]) {
      now = at;
      loop!();
      await settle();
    }
    // 800 ms of real time at 10 simulated seconds a second: 8 seconds, the 5.5 periods missed included.
    expect(advanced).toEqual([1, 1, 5, 1]);
    // A stall of 3 s makes up one second at most: an overloaded server falls behind rather than stalling on catch-up.
    now = 3_800;
    loop!();
    await settle();
    expect(advanced.at(-1)).toBe(10);
    ticker.dispose();
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

describe('broadcaster and the delta format', () => {
  const setup = (students = 1) => {
    const transport = new MemoryTransport();
    const roster = new Roster({ mode: 'solo', reconnectGraceMs: 30_000 });
    let state = createSimulation(getScenario('tutorial')!, 1);
    for (let i = 1; i <= students; i++) {
      roster.apply(seat(`p${i}`, `Ada ${i}`), 0);
      roster.attach(`c${i}`, 'student', roster.player(`p${i}`)!, 0);
      state = reduce(state, { type: 'addCluster', clusterId: `p${i}`, name: `Ada ${i}` }).state;
    }
    return { transport, roster, state, broadcaster: new Broadcaster('ABCDEF', 'solo', transport) };
  };
  const deploy = (state: SimState, clusterId: string) => reduce(state, { type: 'deploy', clusterId, appId: 'web', runtime: 'container', target: 'linux-1' }).state;

  it('sends the room part and the own part whole first, then only what changed, which the mirror puts back together', () => {
    const { transport, roster, broadcaster, ...rest } = setup();
    let { state } = rest;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    broadcaster.flush({ state, roster, references: null, now: 0 });
    state = deploy(state, 'p1');
    broadcaster.touched('c1');
    broadcaster.flush({ state, roster, references: null, now: 0 });
    const sent = transport.sent.get('c1')!;
    expect(sent.map((s) => s.event)).toEqual(['view:room', 'view:student', 'view:student']);
    expect(isWhole(sent[0]!.payload) && isWhole(sent[1]!.payload)).toBe(true);
    const delta = sent[2]!.payload as Record<string, unknown>;
    expect(isWhole(delta)).toBe(false);
    expect(Object.keys(delta)).toContain('cluster');
    expect(delta.you).toBeUndefined();
    const merged = transport.last('c1', 'view:student')!;
    expect(merged.cluster.instances.map((i) => i.appId)).toEqual(['web']);
    expect(merged).toEqual(studentView(state, { code: 'ABCDEF', seq: 1, standings: standings(state), you: merged.you, references: null }));
    // A connection that comes back gets both parts whole again.
    broadcaster.forget('c1');
    broadcaster.flush({ state, roster, references: null, now: 0 });
    expect(transport.sent.get('c1')!.slice(-2).every((s) => isWhole(s.payload))).toBe(true);
  });

  it("builds and sends only the actor's view after an action; the class's standings follow within a second", () => {
    const { transport, roster, broadcaster, ...rest } = setup(3);
    let { state } = rest;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    const counts = () => [1, 2, 3].map((i) => transport.count(`c${i}`, 'view:student'));
    expect(counts()).toEqual([1, 1, 1]);
    state = deploy(state, 'p2');
    broadcaster.touched('c2');
    broadcaster.flush({ state, roster, references: null, now: 10 });
    expect(counts()).toEqual([1, 2, 1]);
    expect(transport.broadcasts).toHaveLength(0);
  });

  it('sends the header and events to the whole room as one broadcast, at once; the clock and the top five come with each student’s own update', () => {
    const { transport, roster, broadcaster, ...rest } = setup(3);
    let { state } = rest;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    state = reduce(state, { type: 'start' }).state;
    broadcaster.flush({ state, roster, references: null, now: 100 });
    expect(transport.broadcasts.map((b) => b.event)).toEqual(['view:room']);
    expect((transport.broadcasts[0]!.payload as { room: { phase: string } }).room.phase).toBe('running');
    for (let t = 200; t <= 2_100; t += 100) {
      state = reduce(state, { type: 'tick' }).state;
      broadcaster.flush({ state, roster, references: null, now: t });
    }
    // 20 ticks: no broadcast for the clock alone.
    expect(transport.broadcasts).toHaveLength(1);
    // Every student holds a clock at most a second (10 ticks) behind the room, from their own updates.
    for (const i of [1, 2, 3]) {
      const view = transport.last(`c${i}`, 'view:student')!;
      expect(state.timeS - view.room.timeS).toBeLessThanOrEqual(10);
      expect(view.room.phase).toBe('running');
      expect(view.top.map((r) => r.clusterId).sort()).toEqual(['p1', 'p2', 'p3']);
    }
    // An event reaches everyone at once, in one broadcast, the clock with it.
    state = reduce(state, { type: 'injectEvent', event: { type: 'trafficSpike', appId: 'web', factor: 2, durationS: 30 } }).state;
    state = reduce(state, { type: 'tick' }).state;
    broadcaster.flush({ state, roster, references: null, now: 2_150 });
    expect(transport.broadcasts).toHaveLength(2);
    for (const i of [1, 2, 3]) {
      const view = transport.last(`c${i}`, 'view:student')!;
      expect(view.banners.at(-1)!.type).toBe('trafficSpike');
      expect(view.room.timeS).toBe(state.timeS);
    }
  });

  it("sends each student's own part about once a second while the clock runs, spread over the second, and nothing when nothing moved", () => {
    const { transport, roster, broadcaster, ...rest } = setup(10);
    let { state } = rest;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    const own = () => [...transport.sent.values()].flat().filter((s) => s.event === 'view:student').length;
    expect(own()).toBe(10);
    // The lobby: nothing moves, nothing is sent however often the room flushes.
    for (let t = 100; t <= 3_000; t += 100) broadcaster.flush({ state, roster, references: null, now: t });
    expect(own()).toBe(10);
    state = reduce(state, { type: 'start' }).state;
    const perRound: number[] = [];
    const count = (i: number) => (transport.sent.get(`c${i}`) ?? []).filter((m) => m.event === 'view:student').length;
    const lastAt = new Map<number, number>();
    const gaps: number[] = [];
    for (let t = 3_100; t <= 5_000; t += 100) {
      state = reduce(state, { type: 'tick' }).state;
      const before = own();
      const counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(count);
      broadcaster.flush({ state, roster, references: null, now: t });
      perRound.push(own() - before);
      counts.forEach((n, k) => {
        if (count(k + 1) === n) return;
        if (lastAt.has(k)) gaps.push(t - lastAt.get(k)!);
        lastAt.set(k, t);
      });
    }
    // 2 s of 10 Hz rounds: each of the 10 students once per period, never the whole class in one round.
    const each = 2_000 / BROADCAST_TIMING.ambientMs;
    expect(own() - 10).toBeGreaterThanOrEqual(Math.floor(10 * each) - 2);
    expect(own() - 10).toBeLessThanOrEqual(Math.ceil(10 * each) + 2);
    expect(Math.max(...perRound)).toBeLessThanOrEqual(3);
    // No student waits longer than the period between two updates while the clock runs.
    expect(gaps.length).toBeGreaterThan(0);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(BROADCAST_TIMING.ambientMs);
  });

  it('brings the debrief’s references to students and the projector when they arrive, with nothing else changing', () => {
    const { transport, roster, broadcaster, ...rest } = setup(2);
    roster.attach('wall', 'projector', null, 0);
    let { state } = rest;
    state = reduce(reduce(state, { type: 'start' }).state, { type: 'tick' }).state;
    state = reduce(state, { type: 'end' }).state;
    broadcaster.flush({ state, roster, references: null, now: 0 });
    expect(transport.last('wall', 'view:projector')!.references).toBeNull();
    const references = [{ policy: 'all-vm', total: 1, availability: 1, cost: 0, security: 0 }];
    let waiting = broadcaster.flush({ state, roster, references, now: 100 });
    // Not everyone's turn yet: the room is told when to flush again, and by then all have them.
    for (let now = 100; waiting !== null && now < 3_000; ) {
      now += waiting;
      waiting = broadcaster.flush({ state, roster, references, now });
    }
    expect(transport.last('wall', 'view:projector')!.references).toEqual(references);
    for (const c of ['c1', 'c2']) expect(transport.last(c, 'view:student')!.references).toEqual(references);
  });

  it('decodes deltas of nested objects and arrays back into the value, and nothing before a whole view', () => {
    const a = { room: { phase: 'lobby', timeS: 0 }, list: [{ id: 'x', n: 1 }, { id: 'y', n: 2 }], opt: 'here', deep: { a: { b: [1, 2, 3] } } };
    const b = { room: { phase: 'running', timeS: 5 }, list: [{ id: 'x', n: 1 }, { id: 'y', n: 3 }, { id: 'z', n: 4 }], deep: { a: { b: [1, 2] } } };
    const d = diff(a, b)!;
    expect(d).toEqual({ room: { phase: 'running', timeS: 5 }, list: { 1: { n: 3 }, 2: { '=': { id: 'z', n: 4 } }, '~': 3 }, deep: { a: { b: { '~': 2 } } }, '-': ['opt'] });
    expect(applyView(a, d)).toEqual(b);
    expect(applyView(null, d)).toBeNull();
    expect(diff(b, structuredClone(b))).toBeUndefined();
    expect(applyView(null, whole(b))).toEqual(b);
  });

  it('keeps a field named __proto__ a field, in the delta and in the value it decodes to', () => {
    const next = JSON.parse('{"__proto__":[],"a":{"__proto__":{"x":1}}}') as Record<string, unknown>;
    const d = diff({}, next)!;
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.keys(d)).toEqual(['__proto__', 'a']);
    const got = applyDelta({}, JSON.parse(JSON.stringify(d))) as Record<string, unknown>;
    expect(got).toEqual(next);
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(Object.hasOwn(got, '__proto__')).toBe(true);
  });

  it('round-trips any JSON value through diff and applyView without touching the old one', () => {
    // Views never have a field named "=", "~" or "-" (the format's own keys).
    const json = fc
      .jsonValue({ maxDepth: 4 })
      .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
      .filter((v) => !/"[=~-]":/.test(JSON.stringify(v)));
    fc.assert(
      fc.property(json, json, (prev, next) => {
        const frozen = JSON.stringify(prev);
        const d = diff(prev, next);
        const got = d === undefined ? prev : applyDelta(prev, d);
        expect(got).toEqual(next);
        expect(JSON.stringify(prev)).toBe(frozen);
        // What goes on the wire survives JSON.
        if (d !== undefined) expect(applyDelta(prev, JSON.parse(JSON.stringify(d)))).toEqual(next);
      }),
      { numRuns: 500 },
    );
  });
});
