import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { systemClock } from '../../server/rooms/clock.ts';
import { BufferedStore } from '../../server/storage/buffered-store.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { InMemoryRoomStore, type RoomStore } from '../../server/storage/store.ts';
import type { RoomRegistry } from '../../server/rooms/registry.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { connect, createRoom, startTestServer } from '../integration/helpers.ts';

const P = PROTOCOL_VERSION;

/** A teacher deleting a session: everything of it goes, on both stores. */
describe.each(['memory', 'redis'] as const)('a teacher deletes a session (%s store)', (kind) => {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ base: string; store: RoomStore; keys: () => Promise<string[]>; registry: RoomRegistry }> {
    if (kind === 'memory') {
      const store = new InMemoryRoomStore();
      const server = await startTestServer({ store });
      cleanups.push(() => server.close());
      return { base: server.base, store, keys: async () => [], registry: server.registry };
    }
    const redis = await startRedisServer();
    cleanups.push(() => redis.stop());
    const store = new BufferedStore(await RedisRoomStore.connect({ url: redis.url, onError: () => {} }), { clock: systemClock });
    const admin = createClient({ url: redis.url });
    await admin.connect();
    cleanups.push(() => admin.close(), () => store.close());
    const server = await startTestServer({ store, storeName: 'redis', durable: true });
    cleanups.push(() => server.close());
    // Rate-limit counters are not the session's data.
    return { base: server.base, store, keys: async () => (await admin.keys('cc:*')).filter((k) => !k.startsWith('cc:limit:')), registry: server.registry };
  }

  /** A session played to its debrief (so its replay is archived), with a student still in it. */
  async function playedSession(base: string) {
    const { code, hostToken } = await createRoom(base);
    const teacher = connect(base);
    const ada = connect(base);
    cleanups.push(() => teacher.close(), () => ada.close());
    const hosted = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    if (!hosted.ok) throw new Error(hosted.error.message);
    const joined = await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada', deviceId: 'device-ada-00000001' });
    if (!joined.ok) throw new Error(joined.error.message);
    await ada.emitWithAck('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' } });
    await teacher.emitWithAck('host:control', { command: 'start' });
    await teacher.emitWithAck('host:control', { command: 'nextPhase' });
    const replayId = hosted.replayId!;
    await until200(`${base}/api/replays/${replayId}`);
    return { code, hostToken, replayId, teacher, ada };
  }

  async function until200(url: string) {
    for (let i = 0; i < 100; i++) {
      if ((await fetch(url)).status === 200) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`${url} never answered 200`);
  }

  const del = (base: string, code: string, token: string | null, query = '') =>
    fetch(`${base}/api/rooms/${code}${query}`, { method: 'DELETE', headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('refuses anyone without the host token, and changes nothing', async () => {
    const { base } = await setUp();
    const { code, replayId } = await playedSession(base);
    for (const token of [null, 'not-the-host-token-at-all']) {
      const res = await del(base, code, token, `?replay=${replayId}`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    }
    expect((await fetch(`${base}/api/replays/${replayId}`)).status).toBe(200);
    expect((await fetch(`${base}/api/rooms/${code}`)).status).toBe(200);
    expect((await del(base, 'ZZZZZZ', 'not-the-host-token-at-all')).status).toBe(404);
  });

  it('closes the live room for everyone in it and deletes its log, snapshots, replay and report', async () => {
    const { base, store, keys } = await setUp();
    const { code, hostToken, replayId, ada } = await playedSession(base);
    const left = new Promise<{ reason: string; message: string }>((resolve) => ada.once('room:left', resolve));
    const res = await del(base, code, hostToken);
    expect(res.status).toBe(204);
    expect(await left).toEqual({ reason: 'closed', message: expect.stringMatching(/deleted/) });
    expect((await fetch(`${base}/api/rooms/${code}`)).status).toBe(404);
    expect((await fetch(`${base}/api/replays/${replayId}`)).status).toBe(404);
    expect((await fetch(`${base}/api/rooms/${code}/report.json`, { headers: { authorization: `Bearer ${hostToken}` } })).status).toBe(404);
    expect(await store.getRoom(code)).toBeNull();
    expect(await store.readLog(code)).toEqual([]);
    expect(await store.getReplay(replayId)).toBeNull();
    expect(await store.listRooms()).not.toContain(code);
    expect(await keys()).toEqual([]);
    // Deleting again: nothing left to delete.
    expect((await del(base, code, hostToken, `?replay=${replayId}`)).status).toBe(404);
  });

  it('deletes the replay of a session that no longer runs, from the teacher’s list', async () => {
    const { base, store, keys, registry } = await setUp();
    const { code, hostToken, replayId } = await playedSession(base);
    // The session has ended and been swept away (as the registry's sweep does); only its replay is kept.
    await registry.remove(code);
    expect(await store.getRoom(code)).toBeNull();
    const other = await createRoom(base);
    expect((await del(base, code, other.hostToken, `?replay=${replayId}`)).status).toBe(403);
    expect((await fetch(`${base}/api/replays/${replayId}`)).status).toBe(200);
    expect((await del(base, code, hostToken, `?replay=${replayId}`)).status).toBe(204);
    expect(await store.getReplay(replayId)).toBeNull();
    expect((await keys()).filter((k) => k.includes(replayId))).toEqual([]);
  });
});
