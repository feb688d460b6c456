import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudentView, TeacherView } from '../../shared/views/index.ts';
import { clusterView } from '../../shared/views/index.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { connect, createRoom, eventually, startTestServer, type Client } from './helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const P = PROTOCOL_VERSION;

describe('live classroom over real socket.io', () => {
  let server: Server;
  const sockets: Client[] = [];
  const open = () => {
    const s = connect(server.base);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('seats 30 students who act at once, and every client’s view agrees with the server’s state', async () => {
    const { code, hostToken } = await createRoom(server.base);
    const teacher = open();
    expect((await teacher.emitWithAck('room:host', { protocol: P, code, hostToken })).ok).toBe(true);
    const students = Array.from({ length: 30 }, () => open());
    const joins = await Promise.all(students.map((s, i) => s.emitWithAck('room:join', { protocol: P, code, nickname: `Student ${i + 1}` })));
    expect(joins.every((j) => j.ok)).toBe(true);
    const ids = joins.map((j) => (j.ok ? j.playerId : ''));
    expect(new Set(ids).size).toBe(30);

    // Everyone plans in the lobby at the same moment; then the clock runs.
    const acts = await Promise.all(
      students.flatMap((s, i) => [
        s.emitWithAck('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: i % 2 ? 'linux-1' : 'linux-2' } }),
        s.emitWithAck('player:act', { action: { type: 'deploy', appId: 'api', runtime: i % 3 ? 'container' : 'vm', target: 'linux-1' } }),
      ]),
    );
    expect(acts.filter((a) => !a.ok)).toEqual([]);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 600));
    expect((await teacher.emitWithAck('host:control', { command: 'pause' })).ok).toBe(true);

    const room = server.registry.get(code)!;
    const state = room.simulation;
    expect(state.phase).toBe('paused');
    expect(state.timeS).toBeGreaterThan(0);
    await eventually(() => {
      students.forEach((s, i) => {
        const view = s.lastOf.get('view:student') as StudentView;
        expect(view.room.phase).toBe('paused');
        expect(view.room.timeS).toBe(state.timeS);
        expect(view.you.playerId).toBe(ids[i]);
        expect(view.cluster).toEqual(clusterView(state, state.clusters[ids[i]!]!));
        expect(view.of).toBe(30);
        expect(view.top).toHaveLength(5);
      });
      const tv = teacher.lastOf.get('view:teacher') as TeacherView;
      expect(tv.roster).toHaveLength(30);
      expect(tv.room.timeS).toBe(state.timeS);
      expect(tv.placements.find((p) => p.appId === 'web')).toMatchObject({ container: 30, vm: 0 });
      expect(tv.placements.find((p) => p.appId === 'api')).toMatchObject({ container: 20, vm: 10 });
    });
  });

  it('does not let a student drive the room', async () => {
    const { code } = await createRoom(server.base);
    const s = open();
    expect((await s.emitWithAck('room:join', { protocol: P, code, nickname: 'Eve' })).ok).toBe(true);
    for (const [event, payload] of [
      ['host:control', { command: 'start' }],
      ['host:speed', { speed: 5 }],
      ['host:inject', { event: { type: 'kernelExploit', os: 'linux' } }],
      ['host:lock', { locked: true }],
      ['host:watch', { clusterId: null }],
    ] as const) {
      const ack = await (s.emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string } }>)(event, payload);
      expect(ack.error?.code, event).toBe('forbidden');
    }
    // A host token guessed wrong is refused as well.
    expect((await open().emitWithAck('room:host', { protocol: P, code, hostToken: 'x'.repeat(32) })).ok).toBe(false);
    expect(server.registry.get(code)!.phase).toBe('lobby');
  });

  it('brings a refreshed student back to the same seat and cluster', async () => {
    const { code } = await createRoom(server.base);
    const first = open();
    const join = await first.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
    if (!join.ok) throw new Error(join.error.message);
    expect((await first.emitWithAck('player:act', { action: { type: 'deploy', id: 'kept', appId: 'web', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
    first.disconnect();
    const again = open();
    const back = await again.emitWithAck('room:join', { protocol: P, code, nickname: '', resumeToken: join.resumeToken });
    expect(back.ok && back.playerId).toBe(join.playerId);
    await eventually(() => expect((again.lastOf.get('view:student') as StudentView).cluster.instances.map((i) => i.id)).toEqual(['kept']));
  });

  it('keeps a kicked student out after they reconnect', async () => {
    const { code, hostToken } = await createRoom(server.base);
    const teacher = open();
    await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    const mallory = open();
    const join = await mallory.emitWithAck('room:join', { protocol: P, code, nickname: 'Mallory', deviceId: 'device-0000000001' });
    if (!join.ok) throw new Error(join.error.message);
    const left = new Promise<{ reason: string }>((resolve) => mallory.once('room:left', resolve));
    expect((await teacher.emitWithAck('host:kick', { playerId: join.playerId })).ok).toBe(true);
    expect((await left).reason).toBe('kicked');
    await eventually(() => expect(mallory.connected).toBe(false));
    const back = await open().emitWithAck('room:join', { protocol: P, code, nickname: 'Mallory', resumeToken: join.resumeToken, deviceId: 'device-0000000001' });
    expect(back.ok ? 'ok' : back.error.code).toBe('banned');
  });

  it('refuses malformed, unknown, oversized and wrong-protocol messages with a code, and the room goes on', async () => {
    const { code, hostToken } = await createRoom(server.base);
    const teacher = open();
    await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    const good = open();
    expect((await good.emitWithAck('room:join', { protocol: P, code, nickname: 'Good' })).ok).toBe(true);
    const bad = open();
    expect((await bad.emitWithAck('room:join', { protocol: P, code, nickname: 'Bad' })).ok).toBe(true);
    const send = (event: string, payload: unknown) => (bad.emitWithAck as (e: string, p: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string } }>)(event, payload);

    expect((await send('player:act', { action: { type: 'deploy' } })).error?.code).toBe('bad-request');
    expect((await send('player:act', 'not an object')).error?.code).toBe('bad-request');
    expect((await send('player:act', { action: { type: 'launchMissiles' } })).error?.code).toBe('bad-request');
    expect((await send('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1', extra: 1 } })).error?.code).toBe('bad-request');
    expect((await send('no-such-event', {})).error?.code).toBe('unknown-event');
    expect((await send('player:act', { action: { type: 'remove', instanceId: 'x'.repeat(9000) } })).error?.code).toBe('payload-too-large');
    expect((await send('room:join', { protocol: 99, code, nickname: 'Old' })).error?.code).toBe('protocol-mismatch');
    const raw = bad.emit.bind(bad) as unknown as (event: string, payload: unknown) => void;
    raw('player:act', { action: { type: 'ready' } }); // no ack: ignored
    // Past socket.io's hard cap the connection itself is closed, by engine.io.
    const closed = new Promise<void>((resolve) => bad.once('disconnect', () => resolve()));
    raw('player:act', { action: { type: 'remove', instanceId: 'y'.repeat(100_000) } });
    await closed;

    // Nothing was changed by any of that, and the room still works for everyone else.
    const room = server.registry.get(code)!;
    expect(room.simulation.clusterOrder).toHaveLength(2);
    expect((await good.emitWithAck('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    expect(room.phase).toBe('running');
  });

  it('rate-limits a socket that floods', async () => {
    const { code } = await createRoom(server.base);
    const s = open();
    await s.emitWithAck('room:join', { protocol: P, code, nickname: 'Flood' });
    const acks = await Promise.all(Array.from({ length: 60 }, () => s.emitWithAck('player:act', { action: { type: 'ready' } })));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'rate-limited').length;
    expect(limited).toBeGreaterThan(0);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThan(0);
  });

  it('answers a wrong room code clearly', async () => {
    const ack = await open().emitWithAck('room:join', { protocol: P, code: 'ZZZZZZ', nickname: 'Lost' });
    expect(ack.ok ? 'ok' : ack.error.code).toBe('room-not-found');
  });
});

describe('guessing room codes', () => {
  it('stops an address after too many wrong codes', async () => {
    const server = await startTestServer();
    try {
      const s = connect(server.base);
      const codes: string[] = [];
      // Spaced out to stay under the per-socket rate limit: this is about wrong codes, not floods.
      for (let i = 0; i < 32; i++) {
        const ack = await s.emitWithAck('room:join', { protocol: P, code: `ZZZZ${String(i).padStart(2, '0')}`.slice(0, 6).replace(/[01]/g, 'Q'), nickname: 'Guess' });
        codes.push(ack.ok ? 'ok' : ack.error.code);
        await new Promise((r) => setTimeout(r, 60));
      }
      expect(codes.slice(0, 30).every((c) => c === 'room-not-found')).toBe(true);
      expect(codes.at(-1)).toBe('too-many-attempts');
      s.close();
    } finally {
      await server.close();
    }
  });
});
