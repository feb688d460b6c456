import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../server/http/app.ts';
import { startServer } from '../../server/http/app.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';

describe('HTTP server', () => {
  let running: RunningServer;
  let base = '';

  beforeAll(async () => {
    running = await startServer({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterAll(async () => {
    await running?.close();
  });

  it('answers GET /health with its status, version, uptime and scenario count', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await res.json();
    expect(body).toEqual({ status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), uptimeS: expect.any(Number), scenarios: SCENARIOS.length });
    expect(body.uptimeS).toBeGreaterThanOrEqual(0);
  });

  it('serves a placeholder page at / that says the live classroom is not here yet', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('the live classroom is not here yet');
  });
});
