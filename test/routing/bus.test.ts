import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { ClusterBus } from '../../server/cluster/bus.ts';
import type { RoomOp } from '../../server/cluster/room-ops.ts';
import { systemClock } from '../../server/rooms/clock.ts';
import { startRedisServer, type TestRedis } from '../support/redis-server.ts';

// Requests between processes over a real Redis: two buses stand for two processes.
let redis: TestRedis;
const clients: { close(): Promise<unknown> }[] = [];
let runs = 0;

beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await redis?.stop();
});

async function client() {
  const c = createClient({ url: redis.url });
  await c.connect();
  clients.push(c);
  return c;
}

async function bus(self: string, prefix: string, onRequest: (code: string, epoch: number, op: RoomOp) => Promise<{ kind: 'done'; value: unknown } | { kind: 'moved' }>) {
  return ClusterBus.start(self, await client(), await client(), systemClock, { onRequest }, prefix);
}

const act = (i: number): RoomOp => ({ kind: 'act', connId: 'socket-1', action: { type: 'deploy', id: `d${i}`, appId: 'web', runtime: 'container', target: 'linux-1' } });
/** The deploy's id of an op made by act(). */
const idOf = (op: RoomOp): string | null => (op.kind === 'act' && op.action.type === 'deploy' ? (op.action.id ?? null) : null);

describe('ClusterBus: requests to a room\'s owner over Redis pub/sub', () => {
  it('delivers one process\'s requests in the order it sent them, and brings each answer back to its sender', async () => {
    const prefix = `cc-bus-${++runs}:`;
    const seen: string[] = [];
    const owner = await bus('owner', prefix, async (code, epoch, op) => {
      seen.push(idOf(op) ?? op.kind);
      // Answers come back out of order: each must still reach the request it belongs to.
      await new Promise((r) => setTimeout(r, Math.random() * 20));
      return { kind: 'done', value: { code, epoch, id: idOf(op) } };
    });
    const sender = await bus('sender', prefix, async () => ({ kind: 'moved' }));
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => sender.request('owner', 'ROOM01', 3, act(i), async () => true)));
    expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => `d${i}`));
    expect(answers).toEqual(Array.from({ length: 40 }, (_, i) => ({ kind: 'done', value: { code: 'ROOM01', epoch: 3, id: `d${i}` } })));
    expect(sender.forwarded).toBe(40);
    await owner.close();
    await sender.close();
  });

  it('says at once that a request reached nobody when no process listens on the owner\'s channel', async () => {
    const prefix = `cc-bus-${++runs}:`;
    const sender = await bus('sender', prefix, async () => ({ kind: 'moved' }));
    const started = Date.now();
    expect(await sender.request('gone', 'ROOM01', 1, act(0), async () => true)).toEqual({ kind: 'undelivered' });
    expect(Date.now() - started).toBeLessThan(1_000);
    await sender.close();
  });

  it('gives up waiting as soon as the owner no longer holds the room, and passes the owner\'s "moved" on', async () => {
    const prefix = `cc-bus-${++runs}:`;
    // An owner that hangs (paused), then one that says the room is not here.
    const hung = await bus('hung', prefix, () => new Promise(() => {}));
    const moved = await bus('moved', prefix, async () => ({ kind: 'moved' }));
    const sender = await bus('sender', prefix, async () => ({ kind: 'moved' }));
    let holds = true;
    const waiting = sender.request('hung', 'ROOM01', 1, act(0), async () => holds);
    holds = false;
    expect(await waiting).toEqual({ kind: 'lost' });
    expect(await sender.request('moved', 'ROOM01', 1, act(1), async () => true)).toEqual({ kind: 'moved' });
    await Promise.all([hung.close(), moved.close(), sender.close()]);
  });
});
