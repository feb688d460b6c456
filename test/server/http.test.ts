import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, getScenario } from '../../shared/scenario/library/index.ts';
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

  it('answers GET /health with its status, version, uptime, scenarios and rooms', async () => {
    const res = await fetch(`${server.base}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeS: expect.any(Number), scenarios: SCENARIOS.length, rooms: expect.any(Number), store: 'memory' });
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
