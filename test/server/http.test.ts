import { mkdtempSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
import { bodyErrorReply } from '../../server/http/api.ts';
import { startTestServer } from '../integration/helpers.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
const post = (base: string, body: unknown, raw?: string) =>
  fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: raw ?? JSON.stringify(body) });

describe('HTTP: health, metrics and the REST API', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers GET /health with its status, version, uptime, scenarios, rooms and the store’s status', async () => {
    const res = await fetch(`${server.base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      reasons: [],
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptimeS: expect.any(Number),
      scenarios: SCENARIOS.length,
      rooms: expect.any(Number),
      store: 'memory',
      storeStatus: { reachable: true, checkedAtMs: expect.any(Number) },
    });
  });

  it('lists the built-in scenarios', async () => {
    const list = (await (await fetch(`${server.base}/api/scenarios`)).json()) as { id: string; hosts: number }[];
    expect(list.map((s) => s.id)).toEqual(SCENARIOS.map((s) => s.id));
    expect(list[0]!.hosts).toBe(SCENARIOS[0]!.hosts.length);
  });

  it('creates a room from a built-in scenario and shows its public lobby info', async () => {
    const res = await post(server.base, { scenarioId: 'patch-day', mode: 'teams' });
    expect(res.status).toBe(201);
    const { code, hostToken } = (await res.json()) as { code: string; hostToken: string };
    expect(code).toMatch(/^[ABCDEFGHJKMNPQRSTUVWXYZ2-9]{6}$/);
    expect(hostToken.length).toBeGreaterThanOrEqual(32);
    const info = await (await fetch(`${server.base}/api/rooms/${code.toLowerCase()}`)).json();
    expect(info).toEqual({ code, title: getScenario('patch-day')!.title, summary: getScenario('patch-day')!.summary, phase: 'lobby', mode: 'teams', players: 0, locked: false });
    expect((await fetch(`${server.base}/api/rooms/QQQQQQ`)).status).toBe(404);
  });

  it('creates a room from an uploaded scenario, and lists every problem of a bad one by path', async () => {
    const good = JSON.parse(JSON.stringify({ ...getScenario('tutorial')!, id: 'my-own' }));
    expect((await post(server.base, { scenario: good, mode: 'solo' })).status).toBe(201);
    const bad = { ...good, durationS: -5, hosts: [{ ...good.hosts[0], memoryGiB: 0 }] };
    const res = await post(server.base, { scenario: bad });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; details: string[] } };
    expect(body.error.code).toBe('bad-scenario');
    expect(body.error.details).toEqual(expect.arrayContaining(['durationS: must be at least 30', 'hosts[0].memoryGiB: must be positive']));
  });

  it('refuses bad requests with a code: unknown scenario, bad JSON, unknown fields, an oversized upload', async () => {
    expect((await post(server.base, { scenarioId: 'nope' })).status).toBe(404);
    const badJson = await post(server.base, null, '{"scenarioId":');
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe('bad-json');
    expect((await post(server.base, { scenarioId: 'tutorial', mode: 'chaos' })).status).toBe(400);
    expect((await post(server.base, {})).status).toBe(400);
    const huge = await post(server.base, { scenario: { debrief: 'x'.repeat(300 * 1024) } });
    expect(huge.status).toBe(413);
    expect((await fetch(`${server.base}/api/nothing-here`)).status).toBe(404);
  });

  it('answers a body it cannot read with a 4xx and a code, never a 500', async () => {
    const send = (headers: Record<string, string>, body: BodyInit) => fetch(`${server.base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const cases: [string, Promise<Response>, number, string][] = [
      ['Content-Encoding xyz', send({ 'content-encoding': 'xyz' }, '{}'), 415, 'unsupported-encoding'],
      ['a charset other than UTF-8', send({ 'content-type': 'application/json; charset=latin1' }, '{}'), 415, 'unsupported-charset'],
      ['gzip that is not gzip', send({ 'content-encoding': 'gzip' }, 'not gzip at all'), 400, 'bad-request'],
    ];
    for (const [what, request, status, code] of cases) {
      const res = await request;
      expect(res.status, what).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body, what).toEqual({ error: { code, message: expect.any(String) } });
    }
    const message = ((await (await send({ 'content-encoding': 'xyz' }, '{}')).json()) as { error: { message: string } }).error.message;
    expect(message).toMatch(/Content-Encoding "xyz"/);
    // A good gzip body is read as usual.
    expect((await send({ 'content-encoding': 'gzip' }, new Blob([new Uint8Array(gzipSync(JSON.stringify({ scenarioId: 'tutorial' })))]))).status).toBe(201);
  });

  it('answers a body that stops short of its Content-Length with 400, not 500', async () => {
    const { port } = new URL(server.base);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
      socket.setTimeout(3000, () => {
        socket.destroy();
        resolve(text);
      });
      // 100 bytes promised, 10 sent, then the client stops sending (a half-close).
      socket.write('POST /api/rooms HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{"scenario');
      socket.end();
    });
    // Node's parser answers the broken request itself; the API's handler maps the body reader's
    // request.aborted to 400 as well (next test). Nothing at all would be fine (the client left); a 500 is not.
    expect(reply).not.toMatch(/^HTTP\/1\.1 5/);
    if (reply) expect(reply).toMatch(/^HTTP\/1\.1 400/);
  });

  it('gives each of body-parser’s error kinds its own answer', () => {
    // As http-errors makes them: a status, and body-parser's type and details.
    const createError = (status: number, message: string, props: Record<string, string> = {}) => Object.assign(new Error(message), { status, statusCode: status, expose: true, ...props });
    const kinds: [Parameters<typeof bodyErrorReply>[0], number, string][] = [
      [createError(415, 'content encoding unsupported', { type: 'encoding.unsupported', encoding: 'xyz' }), 415, 'unsupported-encoding'],
      [createError(415, 'unsupported charset', { type: 'charset.unsupported', charset: 'latin1' }), 415, 'unsupported-charset'],
      [createError(400, 'request aborted', { type: 'request.aborted' }), 400, 'request-aborted'],
      [createError(400, 'request size did not match content length', { type: 'request.size.invalid' }), 400, 'bad-request-size'],
      [createError(413, 'request entity too large', { type: 'entity.too.large' }), 413, 'payload-too-large'],
      [createError(400, 'bad json', { type: 'entity.parse.failed' }), 400, 'bad-json'],
      [createError(400, 'incorrect header check'), 400, 'bad-request'],
      [new Error('a bug'), 500, 'internal'],
    ];
    for (const [error, status, code] of kinds) expect(bodyErrorReply(error), code).toEqual({ status, code, message: expect.any(String) });
  });

  it('sends security headers on pages, the API and /health', async () => {
    for (const path of ['/', '/api/config', '/api/scenarios', '/api/rooms/QQQQQQ', '/api/nothing-here', '/health']) {
      const headers = (await fetch(`${server.base}${path}`)).headers;
      const csp = headers.get('content-security-policy') ?? '';
      for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:", "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"]) {
        expect(csp, `${path}: ${directive}`).toContain(directive);
      }
      // Over LAN http, upgrading would send browsers to an https that is not there.
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(headers.get('x-frame-options'), path).toBe('DENY');
      expect(headers.get('strict-transport-security'), path).toBeNull();
      expect(headers.get('x-powered-by'), path).toBeNull();
    }
  });

  it('exposes Prometheus metrics: rooms, connections by role, actions, tick time, event-loop lag', async () => {
    const text = await (await fetch(`${server.base}/metrics`)).text();
    for (const name of ['clusterclass_rooms', 'clusterclass_connections', 'clusterclass_actions_total', 'clusterclass_actions_per_second', 'clusterclass_tick_duration_seconds', 'nodejs_eventloop_lag_seconds']) {
      expect(text, name).toContain(name);
    }
  });

  it('serves a page saying how to build the client when it has not been built', async () => {
    const res = await fetch(`${server.base}/`);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('npm run build:client');
  });
});

describe('HTTP: the teacher passcode and the built client', () => {
  it('requires TEACHER_PASSCODE to create a room when one is set', async () => {
    const server = await startTestServer({ teacherPasscode: 'correct horse' });
    try {
      expect(((await (await fetch(`${server.base}/api/config`)).json()) as { teacherPasscodeRequired: boolean }).teacherPasscodeRequired).toBe(true);
      expect((await post(server.base, { scenarioId: 'tutorial' })).status).toBe(401);
      expect((await post(server.base, { scenarioId: 'tutorial', passcode: 'wrong' })).status).toBe(403);
      expect((await post(server.base, { scenarioId: 'tutorial', passcode: 'correct horse' })).status).toBe(201);
    } finally {
      await server.close();
    }
  });

  it('serves the built client, with its pages on every client route', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-client-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>ClusterClass app</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const server = await startTestServer({ clientDir: `${dir}/` });
    try {
      for (const path of ['/', '/host', '/join/ABCDEF', '/play/ABCDEF', '/teach/ABCDEF', '/project/ABCDEF']) {
        expect(await (await fetch(`${server.base}${path}`)).text(), path).toContain('ClusterClass app');
      }
      expect(await (await fetch(`${server.base}/app.js`)).text()).toContain('console.log');
      expect((await fetch(`${server.base}/nowhere/else`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
