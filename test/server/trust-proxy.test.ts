import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { SOCKET_LIMITS } from '../../server/realtime/socket-server.ts';
import { API_LIMITS } from '../../server/http/api.ts';
import { createRoom, startTestServer, type Client } from '../integration/helpers.ts';

const P = PROTOCOL_VERSION;
const ATTACKER = '203.0.113.7';
const INNOCENT = '198.51.100.9';

/** What a client may write in front of what the proxy adds: anything, different every time. */
const forged = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;

/**
 * The test's requests come from 127.0.0.1, which stands for the one proxy in front of the server
 * (TRUST_PROXY=1): the proxy appends the address it saw, so the right-most entry is the client,
 * and whatever is left of it the client wrote itself.
 */
describe('TRUST_PROXY=1: HTTP rate limits count the address the proxy saw', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ trustProxy: { hops: 1 } });
  });
  afterAll(async () => {
    await server.close();
  });

  const lookup = (forwardedFor: string) => fetch(`${server.base}/api/rooms/QQQQQQ`, { headers: { 'x-forwarded-for': forwardedFor } });

  it('limits lookups from one address however its forged entries rotate', async () => {
    for (let i = 0; i < API_LIMITS.lookupsPerMinute; i++) {
      expect((await lookup(`${forged(i)}, ${ATTACKER}`)).status, `lookup ${i + 1}`).toBe(404);
    }
    const refused = await lookup(`${forged(9999)}, ${ATTACKER}`);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ error: { code: 'rate-limited', message: expect.any(String) } });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client behind the same proxy is not affected.
    expect((await lookup('203.0.113.8')).status).toBe(404);
  });

  it('does not charge an innocent address for requests that only name it', async () => {
    for (let i = 0; i < API_LIMITS.lookupsPerMinute + 5; i++) await lookup(`${INNOCENT}, 203.0.113.50`);
    expect((await lookup(`${INNOCENT}, 203.0.113.50`)).status).toBe(429);
    // The innocent, arriving through the proxy, still has its whole budget.
    expect((await lookup(INNOCENT)).status).toBe(404);
  });
});

describe('TRUST_PROXY=1: the join-guess lockout counts the address the proxy saw', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sockets: Client[] = [];
  let code = '';
  beforeAll(async () => {
    server = await startTestServer({ trustProxy: { hops: 1 } });
    ({ code } = await createRoom(server.base));
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  /** A socket.io connection through the proxy, with the X-Forwarded-For it would pass on. */
  const through = async (forwardedFor: string): Promise<Client> => {
    const socket = io(server.base, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'x-forwarded-for': forwardedFor } }) as Client;
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  };
  const guess = async (socket: Client, i: number) => {
    // A 0 is never in a room code (CODE_ALPHABET), so this is always a wrong guess.
    const wrong = `Q0${String(i).padStart(4, '0')}`;
    return socket.emitWithAck('room:join', { protocol: P, code: wrong, nickname: `guess${i}` });
  };

  it('locks out the guesser however it rotates the entries it writes, and not the address it names', async () => {
    // New connections with new forged entries, a few guesses each (under the per-socket event rate).
    let made = 0;
    while (made < SOCKET_LIMITS.failedJoinsPerWindow) {
      const socket = await through(`${INNOCENT}, ${forged(made)}, ${ATTACKER}`);
      for (let i = 0; i < 10 && made < SOCKET_LIMITS.failedJoinsPerWindow; i++, made++) {
        const reply = await guess(socket, made);
        expect(reply.ok === false && reply.error.code, `guess ${made + 1}`).toBe('room-not-found');
      }
    }
    const fresh = await through(`${forged(12345)}, ${ATTACKER}`);
    const locked = await fresh.emitWithAck('room:join', { protocol: P, code, nickname: 'Mallory' });
    expect(locked.ok === false && locked.error.code).toBe('too-many-attempts');

    // The address the guesser wrote in its forged entries joins as usual.
    const innocent = await through(INNOCENT);
    const wrong = await guess(innocent, 1);
    expect(wrong.ok === false && wrong.error.code).toBe('room-not-found');
    const joined = await innocent.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
    expect(joined.ok).toBe(true);
  });
});
