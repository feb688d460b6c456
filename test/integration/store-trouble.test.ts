import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { createClient } from 'redis';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { browserStudent, createRoom, eventually, until, type Client } from './helpers.ts';
import { exited, freePort, spawnServerProcess } from '../support/server-process.ts';

const P = PROTOCOL_VERSION;


async function teacherOf(base: string, code: string, hostToken: string): Promise<Client> {
  const teacher = io(base, { transports: ['websocket'], forceNew: true }) as Client;
  await new Promise<void>((resolve) => teacher.once('connect', () => resolve()));
  const ack = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
  if (!ack.ok) throw new Error(ack.error.message);
  return teacher;
}


type Health = { status: string; reasons: string[]; recreatedRooms?: { code: string }[] };

describe('the store misbehaving under live rooms (real Redis, real server processes)', () => {
  let redis: TestRedis;
  const children: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    // A stopped Redis would not shut down.
    try {
      process.kill(redis.pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await redis?.stop();
  });

  it('keeps rooms playing when Redis loses their keys (FLUSHALL), writes them again, and a restart finds them', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await spawnServerProcess(port, { REDIS_URL: redis.url });
    children.push(server);
    const running = await createRoom(base);
    const lobby = await createRoom(base);
    const teacher = await teacherOf(base, running.code, running.hostToken);
    const ada = browserStudent(base, running.code, 'Ada');
    const bob = browserStudent(base, lobby.code, 'Bob');
    await eventually(() => expect(ada.joins + bob.joins).toBe(2), 10_000);
    const deploy = async (s: ReturnType<typeof browserStudent>, id: string) => s.socket.emitWithAck('player:act', { action: { type: 'deploy', id, appId: 'web', runtime: 'container', target: 'linux-1' } });
    expect((await deploy(ada, 'ada-1')).ok).toBe(true);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await eventually(() => expect(ada.view?.room.timeS).toBeGreaterThan(3), 10_000);

    const admin = createClient({ url: redis.url });
    await admin.connect();
    await admin.flushAll();

    // The running room's clock goes on; the lobby room takes an action, applied and kept.
    const t0 = ada.view!.room.timeS;
    await eventually(() => expect(ada.view!.room.timeS).toBeGreaterThan(t0 + 5), 10_000);
    const late = await deploy(bob, 'bob-1');
    expect(late).toEqual({ ok: true, id: 'bob-1' });
    await eventually(() => expect(bob.view?.cluster.instances.map((i) => i.id)).toEqual(['bob-1']), 5_000);
    const health = (await (await fetch(`${base}/health`)).json()) as Health;
    expect(health.status).toBe('degraded');
    expect(health.recreatedRooms?.map((r) => r.code).sort()).toEqual([running.code, lobby.code].sort());
    expect(health.reasons.join(' ')).toMatch(/lost/);
    expect((await admin.sMembers('cc:rooms')).sort()).toEqual([running.code, lobby.code].sort());
    await admin.close();

    // Nothing was lost from memory, and the keys written again are enough to restore from.
    const seen = ada.view!.room.timeS;
    server.kill('SIGKILL');
    await exited(server);
    const second = await spawnServerProcess(port, { REDIS_URL: redis.url });
    children.push(second);
    await eventually(() => expect(ada.joins + bob.joins).toBe(4), 15_000);
    await eventually(() => {
      expect(ada.view!.cluster.instances.map((i) => i.id)).toEqual(['ada-1']);
      expect(ada.view!.room.timeS).toBeGreaterThanOrEqual(seen - 2);
      expect(bob.view!.cluster.instances.map((i) => i.id)).toEqual(['bob-1']);
    }, 10_000);
    teacher.close();
    ada.socket.close();
    bob.socket.close();
    second.kill('SIGTERM');
    expect(await exited(second)).toBe(0);
  });

  it('never lets a hung Redis hold the clock or an action, and writes everything in order once it answers', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await spawnServerProcess(port, { REDIS_URL: redis.url });
    children.push(server);
    const { code, hostToken } = await createRoom(base);
    const teacher = await teacherOf(base, code, hostToken);
    const ada = browserStudent(base, code, 'Ada');
    await eventually(() => expect(ada.joins).toBe(1), 10_000);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await eventually(() => expect(ada.view?.room.timeS).toBeGreaterThan(2), 10_000);

    // Redis stops answering but keeps its connections open: a hang, not an outage.
    process.kill(redis.pid, 'SIGSTOP');
    try {
      const t0 = ada.view!.room.timeS;
      const started = Date.now();
      const ack = await ada.socket.timeout(2_000).emitWithAck('player:act', { action: { type: 'deploy', id: 'during-hang', appId: 'web', runtime: 'container', target: 'linux-1' } });
      const ackMs = Date.now() - started;
      expect(ack.ok).toBe(true);
      // Well inside the store's own 5 s deadline: the room did not wait for Redis.
      expect(ackMs).toBeLessThan(1_500);
      // At 1× the clock moves 10 simulated seconds a real second: it has not stalled.
      await new Promise((r) => setTimeout(r, 2_000));
      expect(ada.view!.room.timeS - t0).toBeGreaterThanOrEqual(12);
      const health = (await (await fetch(`${base}/health`, { signal: AbortSignal.timeout(1_000) })).json()) as Health;
      expect(health.status).toBe('degraded');
    } finally {
      process.kill(redis.pid, 'SIGCONT');
    }
    await until(async () => ((await (await fetch(`${base}/health`)).json()) as Health).status === 'ok', 15_000, '/health to be ok again');
    const reader = await RedisRoomStore.connect({ url: redis.url });
    const log = await reader.readLog(code);
    await reader.close();
    expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
    expect(log.some((e) => e.action.type === 'room:act' && e.action.action.type === 'deploy' && e.action.action.id === 'during-hang')).toBe(true);
    teacher.close();
    ada.socket.close();
    server.kill('SIGTERM');
    expect(await exited(server)).toBe(0);
  });
});
