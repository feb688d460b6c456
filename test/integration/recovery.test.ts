import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { browserStudent as student, createRoom, eventually, until, type Client } from './helpers.ts';
import { exited, freePort, spawnServerProcess } from '../support/server-process.ts';
import type { StudentView } from '../../shared/views/index.ts';

const P = PROTOCOL_VERSION;

const spawnServer = (port: number, redisUrl: string) => spawnServerProcess(port, { REDIS_URL: redisUrl });




describe('durable sessions on a real Redis, with real server processes', () => {
  let redis: TestRedis;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    await redis?.stop();
  });

  it('survives SIGKILL mid-session: rooms come back, clients return to their seats, no acknowledged action is lost', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await spawnServer(port, redis.url);
    children.push(first);
    const { code, hostToken } = await createRoom(base);
    const teacher = io(base, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 }) as Client;
    teacher.on('connect', () => void teacher.emitWithAck('room:host', { protocol: P, code, hostToken }));
    const class_ = ['Ada', 'Grace', 'Alan'].map((n) => student(base, code, n));
    await eventually(() => expect(class_.every((s) => s.joins === 1)).toBe(true), 10_000);

    // Acknowledged actions, some in the lobby and some while the clock runs: all must survive.
    const deploy = async (s: (typeof class_)[number], id: string, target: string) =>
      (await s.socket.emitWithAck('player:act', { action: { type: 'deploy', id, appId: 'web', runtime: 'container', target } })).ok;
    expect(await Promise.all(class_.map((s, i) => deploy(s, `lobby-${i}`, 'linux-1')))).toEqual([true, true, true]);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 400));
    expect(await Promise.all(class_.map((s, i) => deploy(s, `running-${i}`, 'linux-2')))).toEqual([true, true, true]);
    const seenTime = Math.max(...class_.map((s) => (s.view as unknown as StudentView).room.timeS));

    first.kill('SIGKILL');
    await exited(first);
    const second = await spawnServer(port, redis.url);
    children.push(second);

    await eventually(() => expect(class_.every((s) => s.joins === 2)).toBe(true), 15_000);
    await eventually(() => {
      class_.forEach((s, i) => {
        const view = s.view as unknown as StudentView;
        expect(view.room.phase).toBe('running');
        expect(view.cluster.instances.map((x) => x.id).sort()).toEqual([`lobby-${i}`, `running-${i}`]);
        // The clock goes on from the log: never back before what a student had already seen.
        expect(view.room.timeS).toBeGreaterThan(seenTime);
      });
    }, 10_000);
    const health = (await (await fetch(`${base}/health`)).json()) as { status: string; store: string; rooms: number };
    expect(health).toMatchObject({ status: 'ok', store: 'redis', rooms: 1 });
    teacher.close();
    for (const s of class_) s.socket.close();
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });

  it('drains on SIGTERM: clients are told it is restarting, the process exits cleanly, and the room is there for the next one', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await spawnServer(port, redis.url);
    children.push(first);
    const { code } = await createRoom(base);
    const ada = student(base, code, 'Ada');
    await eventually(() => expect(ada.joins).toBe(1), 10_000);
    expect((await ada.socket.emitWithAck('player:act', { action: { type: 'deploy', id: 'kept', appId: 'api', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
    first.kill('SIGTERM');
    expect(await exited(first)).toBe(0);
    expect(ada.notices).toContain('restarting');
    const second = await spawnServer(port, redis.url);
    children.push(second);
    // Back in the seat on the next process (the old view showed it already: wait for the join first).
    await eventually(() => expect(ada.joins).toBe(2), 15_000);
    await eventually(() => expect((ada.view as unknown as StudentView | null)?.cluster.instances.map((i) => i.id)).toEqual(['kept']), 15_000);
    ada.socket.close();
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });

  it('keeps a room playing while Redis is stopped and restarted under it, then writes what waited', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-redis-'));
    let own = await startRedisServer({ persistDir: dir });
    const redisPort = own.port;
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await spawnServer(port, own.url);
    children.push(server);
    const health = async () => (await (await fetch(`${base}/health`)).json()) as { status: string; queued?: number };
    try {
      const { code, hostToken } = await createRoom(base);
      const teacher = io(base, { transports: ['websocket'], forceNew: true }) as Client;
      await new Promise<void>((resolve) => teacher.once('connect', () => resolve()));
      expect((await teacher.emitWithAck('room:host', { protocol: P, code, hostToken })).ok).toBe(true);
      const ada = student(base, code, 'Ada');
      await eventually(() => expect(ada.joins).toBe(1), 10_000);
      const deploy = async (id: string) => (await ada.socket.emitWithAck('player:act', { action: { type: 'deploy', id, appId: 'web', runtime: 'container', target: 'linux-1' } })).ok;
      expect(await deploy('before')).toBe(true);
      expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
      // The clock moves once the start's "3, 2, 1" is over.
      await eventually(() => expect((ada.view as unknown as StudentView).room.timeS).toBeGreaterThan(0), 10_000);

      await own.stop();
      await until(async () => (await health()).status === 'degraded', 10_000, '/health to say degraded');
      // The room plays on from memory: the clock runs and actions are acknowledged.
      const t1 = (ada.view as unknown as StudentView).room.timeS;
      // The server sends the clock about once a second (clients advance it in between).
      await new Promise((r) => setTimeout(r, 1_200));
      expect((ada.view as unknown as StudentView).room.timeS).toBeGreaterThan(t1);
      expect(await deploy('during')).toBe(true);
      expect((await health()).queued).toBeGreaterThan(0);

      own = await startRedisServer({ port: redisPort, persistDir: dir });
      await until(async () => (await health()).status === 'ok', 15_000, '/health to be ok again');
      // Everything that waited is in Redis now, in order and without a gap.
      const reader = await RedisRoomStore.connect({ url: own.url });
      const log = await reader.readLog(code);
      await reader.close();
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      const ids = log.flatMap((e) => (e.action.type === 'room:act' && e.action.action.type === 'deploy' ? [e.action.action.id] : []));
      expect(ids).toEqual(['before', 'during']);
      teacher.close();
      ada.socket.close();
      server.kill('SIGTERM');
      expect(await exited(server)).toBe(0);
    } finally {
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
