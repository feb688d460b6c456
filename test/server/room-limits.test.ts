import { describe, expect, it } from 'vitest';
import { API_LIMITS } from '../../server/http/api.ts';
import { startTestServer } from '../integration/helpers.ts';

/** POST /api/rooms as a client the proxy in front (127.0.0.1, TRUST_PROXY=1) saw at `from`. */
const create = (base: string, from: string, body: unknown = { scenarioId: 'tutorial', mode: 'solo' }) =>
  fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': from }, body: JSON.stringify(body) });

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('creating rooms: limits per address, for the whole server, and a cap', () => {
  it('lets one address create 30 rooms per 10 minutes, and others go on', async () => {
    const server = await startTestServer({ trustProxy: { hops: 1 } });
    try {
      for (let i = 0; i < API_LIMITS.createsPerAddress; i++) expect((await create(server.base, '203.0.113.7')).status, `room ${i + 1}`).toBe(201);
      const refused = await create(server.base, '203.0.113.7');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await errorOf(refused)).toEqual({ code: 'rate-limited', message: expect.stringMatching(/from this network/) });
      expect((await create(server.base, '203.0.113.8')).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('limits creations from all addresses together per minute (MAX_ROOM_CREATES_PER_MINUTE)', async () => {
    const server = await startTestServer({ trustProxy: { hops: 1 }, maxRoomCreatesPerMinute: 5 });
    try {
      // Refused requests use none of the shared budget: a flood of them cannot lock teachers out.
      for (let i = 0; i < 10; i++) expect((await create(server.base, `198.51.100.${i}`, { scenarioId: 'no-such-scenario' })).status).toBe(404);
      for (let i = 0; i < 5; i++) expect((await create(server.base, `203.0.113.${i}`)).status, `room ${i + 1}`).toBe(201);
      // Every one from a fresh address, like a flood spread over many machines.
      const refused = await create(server.base, '203.0.113.200');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await errorOf(refused)).toEqual({ code: 'server-busy', message: expect.stringMatching(/many sessions/) });
      expect(server.registry.all()).toHaveLength(5);
    } finally {
      await server.close();
    }
  });

  it('holds at most MAX_ROOMS rooms, and says so with 503', async () => {
    const server = await startTestServer({ trustProxy: { hops: 1 }, maxRooms: 3 });
    try {
      for (let i = 0; i < 3; i++) expect((await create(server.base, `203.0.113.${i}`)).status).toBe(201);
      const full = await create(server.base, '203.0.113.100');
      expect(full.status).toBe(503);
      expect(await errorOf(full)).toEqual({ code: 'too-many-rooms', message: expect.stringMatching(/already runs 3 sessions/) });
      expect(server.registry.all()).toHaveLength(3);
    } finally {
      await server.close();
    }
  });
});
