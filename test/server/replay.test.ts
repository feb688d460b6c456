import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { replaySimulation } from '../../shared/replay/log.ts';
import type { PublicReplay } from '../../server/replays/public-replay.ts';
import { connect, createRoom, startTestServer, type Client } from '../integration/helpers.ts';

const P = PROTOCOL_VERSION;

describe('a finished session is kept as a replay', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sockets: Client[] = [];
  let replayId = '';
  let hostToken = '';
  let code = '';
  let resumeToken = '';

  beforeAll(async () => {
    server = await startTestServer();
    ({ code, hostToken } = await createRoom(server.base));
    const teacher = connect(server.base);
    const ada = connect(server.base);
    sockets.push(teacher, ada);
    const hosted = await teacher.emitWithAck('room:host', { protocol: P, code, hostToken });
    if (!hosted.ok) throw new Error(hosted.error.message);
    replayId = hosted.replayId!;
    const joined = await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada', deviceId: 'device-ada-00000001' });
    if (!joined.ok) throw new Error(joined.error.message);
    resumeToken = joined.resumeToken;
    await ada.emitWithAck('player:act', { action: { type: 'deploy', appId: 'web', runtime: 'container', target: 'linux-1' } });
    await teacher.emitWithAck('host:speed', { speed: 20 });
    await teacher.emitWithAck('host:control', { command: 'start' });
    // Long enough for snapshots (every 60 simulated seconds), then straight to the debrief.
    await new Promise((r) => setTimeout(r, 1000));
    await teacher.emitWithAck('host:control', { command: 'nextPhase' });
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server.close();
  });

  const fetchReplay = async () => {
    const res = await fetch(`${server.base}/api/replays/${replayId}`);
    return { status: res.status, text: await res.text() };
  };

  it('gives the teacher (only) a replay id, and archives the session at the debrief', async () => {
    expect(replayId).toMatch(/^[\w-]{12}$/);
    const projector = connect(server.base);
    sockets.push(projector);
    const projected = await projector.emitWithAck('room:project', { protocol: P, code, hostToken });
    expect(projected.ok && projected.replayId).toBeNull();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetchReplay()).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });

  it('replays to exactly the server’s final state, from the log alone', async () => {
    let replay: PublicReplay | null = null;
    for (let i = 0; i < 50 && !replay; i++) {
      const { status, text } = await fetchReplay();
      if (status === 200) replay = JSON.parse(text) as PublicReplay;
      else await new Promise((r) => setTimeout(r, 50));
    }
    const live = server.registry.get(code)!.simulation;
    expect(live.phase).toBe('debrief');
    const replayed = replaySimulation(replay!.meta.scenario, replay!.meta.seed, replay!.log);
    expect(JSON.stringify(replayed)).toBe(JSON.stringify(live));
    expect(replay!.snapshots.length).toBeGreaterThan(0);
    // A snapshot is the simulation at its second, and the log after it brings it to the end too.
    const { seq, atS } = replay!.snapshots.at(-1)!;
    const snap = (await (await fetch(`${server.base}/api/replays/${replayId}/snapshots/${seq}`)).json()) as { atS: number; state: { timeS: number } };
    expect(snap.atS).toBe(atS);
    expect(snap.state.timeS).toBe(atS);
  });

  it('holds no secret: no host token, resume token or device id', async () => {
    const { text } = await fetchReplay();
    expect(text).not.toContain(hostToken);
    expect(text).not.toContain(resumeToken);
    expect(text).not.toContain('device-ada-00000001');
    const { seq } = (JSON.parse(text) as PublicReplay).snapshots[0]!;
    const snapshot = await (await fetch(`${server.base}/api/replays/${replayId}/snapshots/${seq}`)).text();
    expect(snapshot).not.toContain(resumeToken);
  });

  it('tells a browser which seat was its own from the resume token it kept, and nobody else', async () => {
    const seat = (token: unknown, id = replayId) =>
      fetch(`${server.base}/api/replays/${id}/seat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resumeToken: token }) });
    const mine = await seat(resumeToken);
    expect(mine.status).toBe(200);
    const ada = server.registry.get(code)!.simulation.clusterOrder[0];
    expect(((await mine.json()) as { playerId: string | null }).playerId).toBe(ada);
    expect(((await (await seat('not-a-token-of-this-room')).json()) as { playerId: string | null }).playerId).toBeNull();
    expect((await seat(42)).status).toBe(400);
    expect((await seat(resumeToken, 'nope-nope-nope')).status).toBe(404);
  });

  it('answers an unknown replay or snapshot with 404', async () => {
    expect((await fetch(`${server.base}/api/replays/nope-nope-nope`)).status).toBe(404);
    expect((await fetch(`${server.base}/api/replays/${replayId}/snapshots/999999`)).status).toBe(404);
  });
});
