import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import type { ProjectorView, TeacherView } from '../../shared/views/index.ts';
import { teamMembers } from '../../shared/replay/teams.ts';
import type { RoomLogEntry } from '../../shared/replay/log.ts';
import { checkNickname } from '../../server/rooms/nickname.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { connect, createRoom, eventually, startTestServer } from './helpers.ts';

const P = PROTOCOL_VERSION;

const post = (base: string, body: unknown) => fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('the classroom over real sockets', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('creates a room at the Classroom pace unless told otherwise, refuses paces and team counts out of range, and returns the projector key', async () => {
    const res = await post(server.base, { scenarioId: 'tutorial', mode: 'solo' });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { code: string; hostToken: string; projectorToken: string };
    expect(created.projectorToken).toMatch(/^[\w-]{20,}$/);
    expect(created.projectorToken).not.toBe(created.hostToken);
    expect(server.registry.get(created.code)!.simulation.speed).toBe(0.25);
    expect(server.registry.get((await createRoom(server.base, { scenarioId: 'tutorial', mode: 'solo', speed: 0.1 })).code)!.simulation.speed).toBe(0.1);
    for (const bad of [{ speed: 0.05 }, { speed: 21 }, { speed: '1' }, { mode: 'teams', teams: 1 }, { mode: 'teams', teams: 13 }, { mode: 'teams', teams: 2.5 }]) {
      const refused = await post(server.base, { scenarioId: 'tutorial', mode: 'solo', ...bad });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('bad-request');
    }
  });

  it('lets a projector in with its own key and nothing else: it sees the room and every command is refused', async () => {
    const { code, hostToken, projectorToken } = await createRoom(server.base);
    const teacher = connect(server.base);
    const wall = connect(server.base);
    const ada = connect(server.base);
    try {
      const host = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
      expect(host.ok && host.projectorToken).toBe(projectorToken);
      const joined = await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
      expect(joined.ok).toBe(true);
      // Both keys at once, a wrong key, and the projector key as a host token are all refused.
      const both = await wall.emitWithAck('room:project', { protocol: P, code, hostToken, projectorToken } as never);
      expect(!both.ok && both.error.code).toBe('bad-request');
      const wrong = await wall.emitWithAck('room:project', { protocol: P, code, projectorToken: 'x'.repeat(32) });
      expect(!wrong.ok && wrong.error.code).toBe('forbidden');
      const asHost = await connect(server.base).emitWithAck('room:host', { protocol: P, code, hostToken: projectorToken });
      expect(!asHost.ok && asHost.error.code).toBe('forbidden');

      const projected = await wall.emitWithAck('room:project', { protocol: P, code, projectorToken });
      expect(projected.ok && projected.role).toBe('projector');
      expect(projected.ok && projected.projectorToken).toBeNull();
      expect(projected.ok && projected.replayId).toBeNull();
      await eventually(() => expect((wall.lastOf.get('view:projector') as ProjectorView).players).toBe(1));
      const playerId = joined.ok ? joined.playerId : '';
      for (const [event, payload] of [
        ['host:control', { command: 'start' }],
        ['host:kick', { playerId }],
        ['host:inject', { event: { type: 'hostFailure', hostId: 'linux-1' } }],
        ['host:lock', { locked: true }],
        ['host:speed', { speed: 5 }],
        ['host:watch', { clusterId: playerId }],
        ['host:balance', { teams: 2 }],
      ] as const) {
        const ack = await (wall.emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }>)(event, payload);
        expect(ack.error?.code, event).toBe('forbidden');
      }
      const room = server.registry.get(code)!;
      expect(room.phase).toBe('lobby');
      expect(room.simulation.locked).toBe(false);
      expect(room.simulation.speed).toBe(1);
      expect(room.playerCount).toBe(1);
      expect(room.simulation.injected).toEqual([]);
    } finally {
      for (const s of [teacher, wall, ada]) s.close();
    }
  });

  it('suggests a classroom-safe nickname nobody in the room has; an unknown room is a 404 with the usual error shape', async () => {
    const { code } = await createRoom(server.base);
    const ada = connect(server.base);
    try {
      const first = (await (await fetch(`${server.base}/api/rooms/${code}/nickname`)).json()) as { nickname: string };
      expect(checkNickname(first.nickname)).toMatchObject({ ok: true, nickname: first.nickname });
      expect((await ada.emitWithAck('room:join', { protocol: P, code, nickname: first.nickname })).ok).toBe(true);
      for (let i = 0; i < 10; i++) {
        const next = (await (await fetch(`${server.base}/api/rooms/${code.toLowerCase()}/nickname`)).json()) as { nickname: string };
        expect(next.nickname.toLowerCase()).not.toBe(first.nickname.toLowerCase());
      }
      const missing = await fetch(`${server.base}/api/rooms/ZZZZZZ/nickname`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 'room-not-found', message: expect.any(String) } });
    } finally {
      ada.close();
    }
  });

  it('gives a seat back at once to a phone that resumes it, dropping the stale socket; an action before the seat is back is "not-joined"', async () => {
    const { code } = await createRoom(server.base);
    const stale = connect(server.base);
    const fresh = connect(server.base);
    try {
      const first = await stale.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
      if (!first.ok) throw new Error(first.error.message);
      const early = await fresh.emitWithAck('player:act', { action: { type: 'ready' } });
      expect(!early.ok && early.error.code).toBe('not-joined');
      const started = Date.now();
      const back = await fresh.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada', resumeToken: first.resumeToken });
      expect(back.ok && back.playerId).toBe(first.playerId);
      // No waiting for the stale socket's ping timeout (seconds): the seat moves over at once.
      expect(Date.now() - started).toBeLessThan(1000);
      await eventually(() => expect((stale.lastOf.get('room:left') as { reason: string } | undefined)?.reason).toBe('replaced'));
      expect((await fresh.emitWithAck('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
      await eventually(() => expect(stale.connected).toBe(false));
    } finally {
      stale.close();
      fresh.close();
    }
  });

  it('lists only teams with members on the teacher’s and projector’s screens, in the replay’s log and in the report', async () => {
    const { code, hostToken, projectorToken } = await createRoom(server.base, { scenarioId: 'tutorial', mode: 'teams', teams: 4 });
    const teacher = connect(server.base);
    const wall = connect(server.base);
    const kids = ['Ada', 'Bob', 'Cy'].map(() => connect(server.base));
    try {
      const host = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
      if (!host.ok) throw new Error(host.error.message);
      expect((await wall.emitWithAck('room:project', { protocol: P, code, projectorToken })).ok).toBe(true);
      for (const [i, s] of kids.entries()) expect((await s.emitWithAck('room:join', { protocol: P, code, nickname: ['Ada', 'Bob', 'Cy'][i]! })).ok).toBe(true);
      expect((await teacher.emitWithAck('host:balance', { teams: 2 })).ok).toBe(true);
      await eventually(() => {
        expect((teacher.lastOf.get('view:teacher') as TeacherView).teams).toHaveLength(2);
        expect((wall.lastOf.get('view:projector') as ProjectorView).teams.map((t) => t.members).sort()).toEqual([1, 2]);
      });
      expect((await teacher.emitWithAck('host:control', { command: 'end' })).ok).toBe(true);
      await eventually(async () => expect((await fetch(`${server.base}/api/replays/${host.replayId}`)).status).toBe(200));
      const replay = (await (await fetch(`${server.base}/api/replays/${host.replayId}`)).json()) as { meta: Record<string, unknown>; log: RoomLogEntry[] };
      expect(replay.meta).not.toHaveProperty('projectorToken');
      expect(replay.meta).not.toHaveProperty('hostToken');
      // Three clusters were made (a team per student before the balance); two have members.
      const clusters = replay.log.filter((e) => e.action.type === 'addCluster').length;
      expect(clusters).toBe(3);
      expect([...teamMembers('teams', replay.log)!.values()].sort()).toEqual([1, 2]);
      const report = (await (await fetch(`${server.base}/api/rooms/${code}/report.json`, { headers: { authorization: `Bearer ${hostToken}` } })).json()) as { students: { rank: number | null; team: string | null }[] };
      expect(new Set(report.students.map((s) => s.team)).size).toBe(2);
      expect(report.students.every((s) => s.rank !== null && s.rank <= 2)).toBe(true);
    } finally {
      for (const s of [teacher, wall, ...kids]) s.close();
    }
  });

  it('counts 3, 2, 1 on every screen after the start before the clock moves', async () => {
    const own = await startTestServer({ countdownS: 3 });
    const { code, hostToken } = await createRoom(own.base);
    const teacher = connect(own.base);
    try {
      expect((await teacher.emitWithAck('room:host', { protocol: P, code, hostToken })).ok).toBe(true);
      expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
      await eventually(() => expect((teacher.lastOf.get('view:teacher') as TeacherView).room).toMatchObject({ phase: 'running', countdown: 3, timeS: 0 }));
      await eventually(() => expect((teacher.lastOf.get('view:teacher') as TeacherView).room.countdown).toBe(1), 4000);
      expect((teacher.lastOf.get('view:teacher') as TeacherView).room.timeS).toBe(0);
      await eventually(() => expect((teacher.lastOf.get('view:teacher') as TeacherView).room).toMatchObject({ countdown: 0, timeS: expect.any(Number) }), 4000);
      await eventually(() => expect((teacher.lastOf.get('view:teacher') as TeacherView).room.timeS).toBeGreaterThan(0), 4000);
    } finally {
      teacher.close();
      await own.close();
    }
  });
});

describe('pace and projector key on a real Redis, across a restart', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('keeps the room’s pace and its projector key through a restart', async () => {
    const store = await RedisRoomStore.connect({ url: redis.url });
    const first = await startTestServer({ store, durable: true });
    const port = first.port;
    const { code, projectorToken } = await createRoom(first.base, { scenarioId: 'tutorial', mode: 'solo', speed: 0.5 });
    await first.close();
    const again = await RedisRoomStore.connect({ url: redis.url });
    const second = await startTestServer({ store: again, durable: true, port });
    const wall = connect(second.base);
    try {
      expect(second.restored).toEqual([code]);
      expect(second.registry.get(code)!.simulation.speed).toBe(0.5);
      const projected = await wall.emitWithAck('room:project', { protocol: P, code, projectorToken });
      expect(projected.ok).toBe(true);
      await eventually(() => expect((wall.lastOf.get('view:projector') as ProjectorView).room.speed).toBe(0.5));
    } finally {
      wall.close();
      await second.close();
    }
  });
});
