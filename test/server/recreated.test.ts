import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import type { SimState } from '../../shared/engine/types.ts';
import type { PublicReplay } from '../../server/replays/public-replay.ts';
import type { ClassReport } from '../../server/reports/class-report.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { ReplayTimeline, type ReplayMeta } from '../../client/src/lib/replay.ts';
import { connect, createRoom, eventually, startTestServer, type Client } from '../integration/helpers.ts';

const P = PROTOCOL_VERSION;

/**
 * A room the store lost mid-session is written again from a snapshot: its log then starts after
 * that snapshot. The report and the replay start there too, and still end where the room did.
 */
describe('a session whose store lost it mid-run', () => {
  const store = new InMemoryRoomStore();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sockets: Client[] = [];
  let code = '';
  let hostToken = '';
  let replayId = '';

  beforeAll(async () => {
    server = await startTestServer({ store });
    ({ code, hostToken } = await createRoom(server.base));
    const teacher = connect(server.base);
    const ada = connect(server.base);
    sockets.push(teacher, ada);
    const hosted = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    if (!hosted.ok) throw new Error(hosted.error.message);
    replayId = hosted.replayId!;
    if (!(await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' })).ok) throw new Error('join');
    await ada.emitWithAck('player:act', { action: { type: 'deploy', id: 'before', appId: 'web', runtime: 'container', target: 'linux-1' } });
    await teacher.emitWithAck('host:speed', { speed: 10 });
    await teacher.emitWithAck('host:control', { command: 'start' });
    await eventually(() => expect(server.registry.get(code)!.simulation.timeS).toBeGreaterThan(20));
    await store.deleteRoom(code); // as FLUSHALL would
    await eventually(() => expect(server.registry.get(code)!.storeRecreations).toBe(1));
    await ada.emitWithAck('player:act', { action: { type: 'deploy', id: 'after', appId: 'api', runtime: 'container', target: 'linux-2' } });
    await ada.emitWithAck('player:act', { action: { type: 'deploy', appId: 'reports', runtime: 'container', target: 'linux-1' } });
    await teacher.emitWithAck('host:control', { command: 'nextPhase' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  it('reports the seats from the snapshot and the decisions kept after it', async () => {
    const res = await fetch(`${server.base}/api/rooms/${code}/report.json`, { headers: { authorization: `Bearer ${hostToken}` } });
    expect(res.status).toBe(200);
    const report = (await res.json()) as ClassReport;
    expect(report.students.map((s) => s.nickname)).toEqual(['Ada']);
    const decisions = report.students[0]!.decisions;
    expect(decisions.map((d) => [d.outcome, d.action.type === 'deploy' ? d.action.appId : d.action.type])).toEqual([
      ['accepted', 'api'],
      ['refused', 'reports'],
    ]);
    expect(report.room.timeS).toBe(server.registry.get(code)!.simulation.timeS);
  });

  it('replays from that snapshot to exactly the server’s final state', async () => {
    let replay: PublicReplay | null = null;
    await eventually(async () => {
      const res = await fetch(`${server.base}/api/replays/${replayId}`);
      expect(res.status).toBe(200);
      replay = (await res.json()) as PublicReplay;
    });
    await eventually(async () => {
      const res = await fetch(`${server.base}/api/replays/${replayId}`);
      replay = (await res.json()) as PublicReplay;
      expect(replay.log.at(-1)?.action.type).toBe('nextPhase');
    });
    const first = replay!.log[0]!.seq;
    expect(first).toBeGreaterThan(1);
    const snap = await fetch(`${server.base}/api/replays/${replayId}/snapshots/${first - 1}`);
    expect(snap.status).toBe(200);
    const start = ((await snap.json()) as { state: SimState }).state;
    const timeline = new ReplayTimeline(replay!.meta as ReplayMeta, replay!.log, start);
    expect(JSON.stringify(timeline.final)).toBe(JSON.stringify(server.registry.get(code)!.simulation));
  });
});
