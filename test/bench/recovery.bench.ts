/**
 * How fast a durable server comes back: 100 rooms of 30 students, five minutes into a session,
 * kept in a real redis-server. A server process with them all connected is killed (SIGKILL) and a
 * new one started: how long until every room is live again, and until 99 % of the students'
 * clients (real socket.io clients that reconnect by themselves, as the browser's do) are back in
 * their seats. Also the restore alone, in process. Writes test/bench/results/recovery.json.
 * Run with `npm run bench:recovery` (needs redis-server; the preflight installs it).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { Room } from '../../server/rooms/room.ts';
import { RoomRegistry } from '../../server/rooms/registry.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import { FakeClock } from '../support/fake-clock.ts';
import { startRedisServer } from '../support/redis-server.ts';
import { freePort, spawnServerProcess } from '../support/server-process.ts';
import { InlineReferenceRunner } from '../../server/references/index.ts';

// The debrief's references are not what these benchmarks measure: computed inline, on demand.
const references = new InlineReferenceRunner();

const ROOMS = Number(process.env.BENCH_ROOMS ?? 100);
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 30);
const HOST_TOKEN = 'bench-host-token-0000000000';
const nullTransport = { send() {}, broadcast() {}, join() {}, leave() {}, drop() {} };

async function spawnServer(port: number, url: string): Promise<{ child: ChildProcess; startedAt: number }> {
  const startedAt = performance.now();
  // Not waiting for /health: the time to "all rooms live" is what is measured.
  return { child: await spawnServerProcess(port, { REDIS_URL: url }, { ready: false }), startedAt };
}

async function waitForRooms(port: number, rooms: number): Promise<void> {
  for (;;) {
    const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as Promise<{ rooms: number }>, () => null);
    if (health && health.rooms >= rooms) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

const redis = await startRedisServer();
const children: ChildProcess[] = [];
const sockets: Socket[] = [];
try {
  // 1. Sessions, played in process and kept in Redis as a server would have kept them.
  console.log(`building ${ROOMS} rooms of ${STUDENTS} students…`);
  const memory = new InMemoryRoomStore();
  const clock = new FakeClock();
  const seats: { code: string; token: string }[] = [];
  for (let r = 0; r < ROOMS; r++) {
    const code = `R${String(r).padStart(5, '0')}`;
    const room = await Room.open({ code, hostToken: HOST_TOKEN, mode: 'solo', seed: r, scenario: getScenario('flash-sale')!, createdAtMs: 0 }, { clock, transport: nullTransport, store: memory, references });
    await room.attachHost('t', 'teacher', HOST_TOKEN);
    for (let s = 0; s < STUDENTS; s++) {
      const ack = await room.join(`s${s}`, { nickname: `Student ${s}` });
      if (!ack.ok) throw new Error(ack.error.message);
      seats.push({ code, token: ack.resumeToken });
      for (const [appId, target] of [['storefront', 'node-1'], ['checkout', 'node-2'], ['search', 'node-3']] as const) await room.act(`s${s}`, { type: 'deploy', appId, runtime: s % 2 ? 'container' : 'vm', target });
    }
    await room.command('t', { type: 'start' });
    await clock.advance(30_000);
    await room.command('t', { type: 'pause' });
    room.dispose();
  }
  const store = await RedisRoomStore.connect({ url: redis.url });
  let entries = 0;
  for (const code of await memory.listRooms()) {
    await store.createRoom((await memory.getRoom(code))!);
    const log = await memory.readLog(code);
    entries += log.length;
    for (let i = 0; i < log.length; i += 2000) await store.append(code, log.slice(i, i + 2000));
    const snapshot = await memory.latestSnapshot(code);
    if (snapshot) await store.saveSnapshot(code, snapshot);
  }
  console.log(`kept ${entries} log entries and ${ROOMS} snapshots in Redis`);

  // 2. The restore alone, in process.
  const registry = new RoomRegistry({ store, clock: new FakeClock(), transport: nullTransport, references });
  const restoreStart = performance.now();
  const { restored } = await registry.restoreAll();
  const restoreMs = performance.now() - restoreStart;
  registry.close();
  await store.close();
  if (restored.length !== ROOMS) throw new Error(`restored ${restored.length} of ${ROOMS}`);

  // 3. A real server with everyone connected, killed, and a new one started.
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const first = await spawnServer(port, redis.url);
  children.push(first.child);
  await waitForRooms(port, ROOMS);
  let back = 0;
  let joinsDone = 0;
  let afterRestart = false;
  for (const seat of seats) {
    const socket = io(base, { transports: ['websocket'], forceNew: true, reconnectionDelay: 500, reconnectionDelayMax: 4000 });
    sockets.push(socket);
    socket.on('connect', () => {
      socket
        .emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: seat.code, nickname: '', resumeToken: seat.token })
        .then((ack: { ok: boolean }) => {
          if (!ack.ok) return;
          if (afterRestart) back++;
          else joinsDone++;
        })
        // A join cut off by the kill is answered by the reconnection's own join.
        .catch(() => undefined);
    });
  }
  while (joinsDone < seats.length) await new Promise((r) => setTimeout(r, 50));
  console.log(`${seats.length} students connected; killing the server`);
  first.child.kill('SIGKILL');
  await new Promise((r) => first.child.once('exit', r));
  afterRestart = true;
  const second = await spawnServer(port, redis.url);
  children.push(second.child);
  await waitForRooms(port, ROOMS);
  const liveMs = performance.now() - second.startedAt;
  const target = Math.ceil(seats.length * 0.99);
  while (back < target) await new Promise((r) => setTimeout(r, 20));
  const backMs = performance.now() - second.startedAt;

  const result = { rooms: ROOMS, studentsPerRoom: STUDENTS, logEntries: entries, restoreInProcessMs: Math.round(restoreMs), roomsLiveAfterStartMs: Math.round(liveMs), students99BackAfterStartMs: Math.round(backMs), targets: { roomsLiveMs: 2000, students99BackMs: 10000 } };
  console.log(`restore of ${ROOMS} rooms in process: ${result.restoreInProcessMs} ms`);
  console.log(`new server process: all ${ROOMS} rooms live after ${result.roomsLiveAfterStartMs} ms (target 2000, includes process start), 99 % of ${seats.length} students back after ${result.students99BackAfterStartMs} ms (target 10000)`);
  mkdirSync(new URL('results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('results/recovery.json', import.meta.url), JSON.stringify({ at: new Date().toISOString(), node: process.version, ...result }, null, 2));
  console.log('written to test/bench/results/recovery.json');
} finally {
  for (const s of sockets) s.close();
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await redis.stop();
}
