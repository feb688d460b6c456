import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import type { ClassReport } from '../../server/reports/class-report.ts';
import { connect, createRoom, startTestServer, type Client } from '../integration/helpers.ts';

const P = PROTOCOL_VERSION;

describe('the teacher’s report (JSON and CSV)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sockets: Client[] = [];
  let code = '';
  let hostToken = '';

  beforeAll(async () => {
    server = await startTestServer();
    ({ code, hostToken } = await createRoom(server.base));
    const open = () => {
      const s = connect(server.base);
      sockets.push(s);
      return s;
    };
    const teacher = open();
    await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    const ada = open();
    const eve = open();
    await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' });
    await eve.emitWithAck('room:join', { protocol: P, code, nickname: '=HYPERLINK("x")' });
    await ada.emitWithAck('player:act', { action: { type: 'deploy', id: 'web-a', appId: 'web', runtime: 'container', target: 'linux-1' } });
    await eve.emitWithAck('player:act', { action: { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' } });
    await teacher.emitWithAck('host:control', { command: 'start' });
    await new Promise((r) => setTimeout(r, 300));
    await eve.emitWithAck('player:act', { action: { type: 'deploy', id: 'rep-vm', appId: 'reports', runtime: 'vm', target: 'windows-1' } });
    await teacher.emitWithAck('host:control', { command: 'pause' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  const get = (format: string, headers: Record<string, string> = { authorization: `Bearer ${hostToken}` }) => fetch(`${server.base}/api/rooms/${code}/report.${format}`, { headers });

  it('gives each student their score, every decision with its second and outcome, and the class’s concepts', async () => {
    const res = await get('json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="clusterclass-.*-tutorial-report\.json"/);
    const report = (await res.json()) as ClassReport;
    expect(report.room).toMatchObject({ code, mode: 'solo', scenario: { id: 'tutorial' }, phase: 'paused' });
    const [ada, eve] = report.students;
    expect(ada!.nickname).toBe('Ada');
    expect(ada!.decisions).toEqual([{ atS: 0, action: expect.objectContaining({ type: 'deploy', id: 'web-a' }), outcome: 'accepted', code: null, concept: null, message: null }]);
    expect(eve!.decisions.map((d) => [d.outcome, d.code, d.concept])).toEqual([
      ['refused', 'foreign-kernel', 'shared-kernel'],
      ['accepted', null, null],
    ]);
    expect(eve!.decisions[0]!.message).toMatch(/Windows/);
    expect(eve!.decisions[1]!.atS).toBeGreaterThan(0);
    expect(ada!.score.total).toBeGreaterThan(0);
    // The refusal, and the slow first pull of a 1.5 GB image into Eve's new VM.
    expect(report.concepts).toEqual(
      expect.arrayContaining([
        { concept: 'shared-kernel', refusals: 1, incidents: 0, students: 1 },
        { concept: 'image-size', refusals: 0, incidents: 1, students: 1 },
      ]),
    );
  });

  it('gives the same as one CSV table a spreadsheet opens, with formulas defused', async () => {
    const res = await get('csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('row,nickname,team,rank,total,availability,cost,security,atS,kind,detail,outcome,code,concept,message');
    expect(lines.filter((l) => l.startsWith('student,'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('decision,Ada,') && l.includes('web as container on linux-1,accepted'))).toBe(true);
    expect(lines.some((l) => l.includes(',refused,foreign-kernel,shared-kernel,'))).toBe(true);
    expect(lines.some((l) => l.startsWith('class-concept,') && l.includes('shared-kernel'))).toBe(true);
    // A nickname that looks like a formula stays text in Excel or LibreOffice.
    expect(lines.some((l) => l.startsWith(`student,"'=HYPERLINK(""x"")"`))).toBe(true);
  });

  it('takes the host token from the Authorization header only, never from the URL', async () => {
    // A token in a URL is kept in server logs, browser history and Referer headers.
    for (const query of [`?token=${hostToken}`, '?token=']) {
      const res = await fetch(`${server.base}/api/rooms/${code}/report.csv${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toEqual({ error: { code: 'token-in-url', message: expect.stringMatching(/Authorization header/) } });
    }
    const both = await fetch(`${server.base}/api/rooms/${code}/report.json?token=${hostToken}`, { headers: { authorization: `Bearer ${hostToken}` } });
    expect(both.status).toBe(400);
    expect((await get('csv')).status).toBe(200);
  });

  it('is for the teacher only', async () => {
    expect((await get('json', {})).status).toBe(403);
    expect((await get('json', { authorization: 'Bearer not-the-token-000000000000' })).status).toBe(403);
    expect((await get('json', { authorization: hostToken })).status).toBe(403);
    expect((await get('xml')).status).toBe(404);
    expect((await fetch(`${server.base}/api/rooms/QQQQQQ/report.json`, { headers: { authorization: `Bearer ${hostToken}` } })).status).toBe(404);
  });
});
