import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import type { StudentView } from '../../shared/views/index.ts';
import { heavyScenario, watchEventLoop } from '../references/scenarios.ts';
import { referenceScores } from '../../server/references/index.ts';
import { connect, eventually, startTestServer, type Client } from './helpers.ts';

const P = PROTOCOL_VERSION;

/**
 * The reported freeze: at the debrief the reference policies ran on the main thread, one policy
 * per turn, so a big scenario stopped every room on the process for seconds. They run on the
 * worker pool now; the main thread (this test's process is the server's) keeps its rhythm.
 */
describe('a heavy scenario reaching its debrief', () => {
  const sockets: Client[] = [];
  let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.close();
  });

  it('computes its references off the main thread: no room waits meanwhile', async () => {
    // The shape, over 1200 s: bigger than an upload may be (the cost bound refuses it),
    // which is the point: even a scenario that got in some other way must not stall the server.
    const base = heavyScenario({ durationS: 1200 });
    // Host failures make every policy place its lost instances again: about 1.5 s in-process here.
    const scenario = { ...base, events: Array.from({ length: 8 }, (_, i) => ({ atS: 130 * (i + 1), type: 'hostFailure' as const, hostId: `h${i}` })) };
    const started = performance.now();
    const expected = referenceScores(scenario, 42, 1200);
    const inProcessMs = performance.now() - started;
    expect(inProcessMs, 'the scenario is heavy enough to have frozen the old server').toBeGreaterThan(800);

    server = await startTestServer();
    const { code, hostToken } = await server.registry.create(scenario, 'solo', { seed: 42 });
    const teacher = connect(server.base);
    const ada = connect(server.base);
    sockets.push(teacher, ada);
    expect((await teacher.emitWithAck('room:host', { protocol: P, code, hostToken })).ok).toBe(true);
    expect((await ada.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada' })).ok).toBe(true);
    expect((await teacher.emitWithAck('host:speed', { speed: 20 })).ok).toBe(true);
    expect((await teacher.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    const view = () => ada.lastOf.get('view:student') as StudentView | undefined;
    await eventually(() => expect(view()?.room.phase).toBe('debrief'), 20_000);

    const loop = watchEventLoop();
    await eventually(() => expect(view()?.references?.length).toBe(3), 30_000);
    const { maxGapMs } = loop.stop();
    expect(view()!.references).toEqual(expected);
    // The old server's longest gap was about the slowest policy's whole run (most of inProcessMs).
    expect(maxGapMs).toBeLessThan(Math.min(400, inProcessMs / 2));
  }, 60_000);
});
