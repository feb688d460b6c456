import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/index.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/http/app.ts';
import { StudentMirror, applyView, type StudentView, type ViewDelta } from '../../shared/views/index.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<RunningServer & { base: string }> {
  // No "3, 2, 1" before the first tick unless a test asks for it: most count ticks from the start.
  const running = await startServer({ port: 0, host: '127.0.0.1', clientDir: '/nonexistent/', countdownS: 0, ...options });
  return Object.assign(running, { base: `http://127.0.0.1:${running.port}` });
}

/** Creates a room over the API; at speed 1 (ten simulated seconds a second) unless the body says otherwise. */
export async function createRoom(base: string, body: Record<string, unknown> = { scenarioId: 'tutorial', mode: 'solo' }): Promise<{ code: string; hostToken: string; projectorToken: string }> {
  const res = await fetch(`${base}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ speed: 1, ...body }) });
  if (res.status !== 201) throw new Error(`create room: ${res.status} ${await res.text()}`);
  return (await res.json()) as { code: string; hostToken: string; projectorToken: string };
}

/** A real socket.io client that keeps the last message of each kind it was sent. */
export function connect(base: string): Client & { lastOf: Map<string, unknown> } {
  const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false }) as Client & { lastOf: Map<string, unknown> };
  socket.lastOf = new Map();
  const student = new StudentMirror();
  // Views arrive whole, then as deltas: keep what a client would have after merging (a student's
  // view under 'view:student', from its two parts).
  socket.onAny((event: string, payload: unknown) => {
    if (event === 'view:room' || event === 'view:student') {
      socket.lastOf.set(event === 'view:room' ? 'view:room:delta' : 'view:student:delta', payload);
      if (student.apply(event, payload)) socket.lastOf.set('view:student', student.view);
      return;
    }
    const merge = event.startsWith('view:') && event !== 'view:cluster';
    if (!merge) return void socket.lastOf.set(event, payload);
    socket.lastOf.set(event, applyView((socket.lastOf.get(event) as object | undefined) ?? null, payload as ViewDelta<object>));
  });
  return socket;
}

/** Polls until the check passes (or throws the last failure after the timeout). */
export async function eventually<T>(check: () => T, timeoutMs = 5000): Promise<T> {
  const start = Date.now();
  for (;;) {
    try {
      return check();
    } catch (error) {
      if (Date.now() - start > timeoutMs) throw error;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** A student client like the browser's: reconnects by itself, re-joins its seat on every connect, merges its view patches. */
export function browserStudent(base: string, code: string, nickname: string) {
  let token: string | undefined;
  const socket = io(base, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 }) as Client;
  const me = { socket, joins: 0, view: null as StudentView | null, notices: [] as string[] };
  socket.on('connect', () => {
    void socket.emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code, nickname, resumeToken: token }).then((ack) => {
      if (!ack.ok) return;
      token = ack.resumeToken;
      me.joins++;
    });
  });
  socket.on('server:notice', (n) => me.notices.push(n.kind));
  const mirror = new StudentMirror();
  const onView = (event: 'view:room' | 'view:student') => (delta: unknown) => {
    if (mirror.apply(event, delta)) me.view = mirror.view;
  };
  socket.on('view:room', onView('view:room'));
  socket.on('view:student', onView('view:student'));
  return me;
}

/** Polls an async condition until it holds. */
export async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
