import { describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { StudentView, TeacherView } from '../../shared/views/index.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { InMemoryRoomStore } from '../../server/storage/store.ts';
import { replaySimulation, type RoomLogEntry } from '../../shared/replay/log.ts';
import { createRoom, eventually, startTestServer, type Client } from './helpers.ts';
import { StudentMirror, applyView, type ViewDelta } from '../../shared/views/index.ts';

const P = PROTOCOL_VERSION;

/** A client that behaves like the browser's: reconnects by itself and re-joins on every connect. */
function seat(base: string, join: (s: Client) => Promise<{ ok: boolean }>) {
  const socket = io(base, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 }) as Client;
  const state = { joins: 0, notices: [] as string[], last: new Map<string, Record<string, unknown>>() };
  socket.on('connect', () => void join(socket).then((ack) => ack.ok && state.joins++));
  socket.on('server:notice', (n) => state.notices.push(n.kind));
  const student = new StudentMirror();
  socket.onAny((event: string, payload: unknown) => {
    if (!event.startsWith('view:') || event === 'view:cluster') return;
    // A student's view comes in two parts, kept under 'view:student' once merged.
    if (event === 'view:room' || event === 'view:student') {
      if (student.apply(event, payload)) state.last.set('view:student', student.view as unknown as Record<string, unknown>);
      return;
    }
    state.last.set(event, applyView(state.last.get(event) ?? null, payload as ViewDelta<Record<string, unknown>>)!);
  });
  return { socket, state };
}

describe('a durable server restarted under a running session', () => {
  it('drains on close, restores every room on start, and its clients come back to their seats by themselves', async () => {
    const store = new InMemoryRoomStore();
    const first = await startTestServer({ store, durable: true });
    const port = first.port;
    const { code, hostToken } = await createRoom(first.base);
    const teacher = seat(first.base, (s) => s.emitWithAck('room:host', { protocol: P, code, hostToken }));
    let adaToken: string | undefined;
    const ada = seat(first.base, async (s) => {
      const ack = await s.emitWithAck('room:join', { protocol: P, code, nickname: 'Ada', resumeToken: adaToken });
      if (ack.ok) adaToken = ack.resumeToken;
      return ack;
    });
    await eventually(() => expect(ada.state.joins + teacher.state.joins).toBe(2));
    expect((await ada.socket.emitWithAck('player:act', { action: { type: 'deploy', id: 'mine', appId: 'web', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
    expect((await teacher.socket.emitWithAck('host:control', { command: 'start' })).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 400));

    const before = first.registry.get(code)!.simulation;
    await first.close();
    expect(before.phase).toBe('running');
    await eventually(() => expect(ada.state.notices).toContain('restarting'));

    const second = await startTestServer({ store, durable: true, port });
    try {
      expect(second.restored).toEqual([code]);
      const room = second.registry.get(code)!;
      // The clock goes on from where the log ended: no jump, no lost second.
      expect(room.simulation.timeS).toBeGreaterThanOrEqual(before.timeS);
      await eventually(() => expect(ada.state.joins).toBe(2), 10_000);
      await eventually(() => expect(teacher.state.joins).toBe(2), 10_000);
      await eventually(() => {
        const view = ada.state.last.get('view:student') as unknown as StudentView;
        expect(view.cluster.instances.map((i) => i.id)).toEqual(['mine']);
        expect(view.room.phase).toBe('running');
        expect(view.room.timeS).toBeGreaterThan(before.timeS);
        const tv = teacher.state.last.get('view:teacher') as unknown as TeacherView;
        expect(tv.roster.map((p) => [p.nickname, p.status])).toEqual([['Ada', 'online']]);
      });
      // Nothing acknowledged was lost: the log, replayed up to the second the first server stopped,
      // gives exactly the state that server had.
      const log = (await store.readLog(code)) as unknown as RoomLogEntry[];
      expect(log.map((e) => e.seq)).toEqual(log.map((_, i) => i + 1));
      const meta = (await store.getRoom(code))!;
      expect(JSON.stringify(replaySimulation(meta.scenario, meta.seed, log, before.timeS))).toBe(JSON.stringify(before));
      expect((await ada.socket.emitWithAck('player:act', { action: { type: 'ready' } })).ok).toBe(true);
    } finally {
      ada.socket.close();
      teacher.socket.close();
      await second.close();
    }
  });
});
