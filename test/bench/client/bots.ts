/**
 * The class around the measured page, in a child process of test/bench/client.bench.ts: N real
 * socket.io clients (WebSocket only, no reconnection) that join one room at a bounded rate and,
 * one in ten, place and remove an app every 3–5 s so the standings move. Driven over IPC:
 *   {cmd: 'join', url, code, protocol, students, rate}  → progress…, then {type: 'joined', …}
 *   {cmd: 'act', on}                                    → {type: 'ok'}
 *   {cmd: 'stats'}                                      → {type: 'stats', …}
 *   {cmd: 'close'}                                      → {type: 'closed'}, then exits
 * It exits by itself when its parent goes away.
 */
import { io, type Socket } from 'socket.io-client';
import { checkNickname } from '../../../server/rooms/nickname.ts';

interface JoinCmd {
  cmd: 'join';
  url: string;
  code: string;
  protocol: number;
  students: number;
  rate: number;
}
type Cmd = JoinCmd | { cmd: 'act'; on: boolean } | { cmd: 'stats' } | { cmd: 'close' };

const JOIN_TIMEOUT_MS = 15_000;
const ACK_TIMEOUT_MS = 10_000;

const errors = new Map<string, number>();
const addError = (what: string) => errors.set(what, (errors.get(what) ?? 0) + 1);
let disconnects = 0;
let closing = false;
let acting = false;
const counts = { events: 0, viewRoom: 0, viewStudent: 0, acts: 0, actsOk: 0, refused: new Map<string, number>() };

const send = (message: Record<string, unknown>) => process.send?.(message);

class Bot {
  socket: Socket | null = null;
  joined = false;
  private placed: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly index: number,
    readonly nickname: string,
  ) {}

  join(url: string, code: string, protocol: number): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (ok: boolean, error?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) addError(error);
        resolve(ok);
      };
      const timer = setTimeout(() => {
        settle(false, 'join-timeout');
        this.socket?.disconnect();
      }, JOIN_TIMEOUT_MS);
      const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: JOIN_TIMEOUT_MS });
      this.socket = socket;
      socket.onAny((event: string, payload: unknown) => {
        counts.events++;
        if (event === 'view:room') counts.viewRoom++;
        else if (event === 'view:student') counts.viewStudent++;
        else if (event === 'room:left') addError(`room:left:${(payload as { reason?: string })?.reason}`);
      });
      socket.on('connect_error', (error) => settle(false, `connect_error:${error.message}`));
      socket.on('disconnect', (reason) => {
        if (closing) return;
        if (this.joined) {
          disconnects++;
          addError(`disconnect:${reason}`);
        }
        this.joined = false;
        this.stop();
      });
      socket.on('connect', () => {
        socket.timeout(JOIN_TIMEOUT_MS).emit('room:join', { protocol, code, nickname: this.nickname }, (error: Error | null, reply: { ok: boolean; error?: { code: string } }) => {
          if (error) return settle(false, 'join-ack-timeout');
          if (!reply.ok) {
            socket.disconnect();
            return settle(false, `join:${reply.error?.code}`);
          }
          this.joined = true;
          settle(true);
        });
      });
    });
  }

  /** Acts every 3–5 s while `acting`: deploy, then remove what it deployed, and so on. */
  schedule(): void {
    if (this.timer || !this.joined) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!acting || !this.joined) return;
      this.act();
      this.schedule();
    }, 3000 + Math.random() * 2000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private act(): void {
    const action = this.placed ? { type: 'remove', instanceId: this.placed } : { type: 'deploy', appId: 'storefront', runtime: 'container', target: 'node-1' };
    counts.acts++;
    this.socket!.timeout(ACK_TIMEOUT_MS).emit('player:act', { action }, (error: Error | null, reply: { ok: boolean; id?: string; error?: { code: string } }) => {
      if (error) return addError('act-ack-timeout');
      if (!reply.ok) {
        const code = reply.error?.code ?? 'unknown';
        counts.refused.set(code, (counts.refused.get(code) ?? 0) + 1);
        // A refused remove (already gone): deploy next time.
        if (action.type === 'remove') this.placed = null;
        return;
      }
      counts.actsOk++;
      this.placed = action.type === 'deploy' ? (reply.id ?? null) : null;
    });
  }
}

const bots: Bot[] = [];

async function joinAll(cmd: JoinCmd): Promise<void> {
  const t0 = Date.now();
  let joined = 0;
  let failed = 0;
  const pending: Promise<void>[] = [];
  // Batches every 50 ms: `rate` joins a second.
  const batch = Math.max(1, Math.round(cmd.rate / 20));
  // "Bot 1", "Bot 2"…, skipping the few the server's word filter reads as rude ("Bot 455": a5s).
  let n = 0;
  const nextNickname = (): string => {
    for (;;) {
      const name = `Bot ${++n}`;
      if (checkNickname(name).ok) return name;
    }
  };
  for (let i = 0; i < cmd.students; i += batch) {
    for (let j = i; j < Math.min(cmd.students, i + batch); j++) {
      const bot = new Bot(j, nextNickname());
      bots.push(bot);
      pending.push(
        bot.join(cmd.url, cmd.code, cmd.protocol).then((ok) => {
          if (ok) joined++;
          else failed++;
        }),
      );
    }
    if ((i / batch) % 20 === 0) send({ type: 'progress', joined, failed, started: bots.length });
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(pending);
  send({ type: 'joined', joined, failed, seconds: (Date.now() - t0) / 1000 });
}

process.on('message', (message: Cmd) => {
  switch (message.cmd) {
    case 'join':
      void joinAll(message);
      return;
    case 'act':
      acting = message.on;
      // One in ten acts.
      for (const bot of bots) {
        if (bot.index % 10 !== 0) continue;
        if (acting) bot.schedule();
        else bot.stop();
      }
      send({ type: 'ok' });
      return;
    case 'stats':
      send({
        type: 'stats',
        connected: bots.filter((b) => b.joined).length,
        disconnects,
        errors: Object.fromEntries(errors),
        events: counts.events,
        viewRoom: counts.viewRoom,
        viewStudent: counts.viewStudent,
        acts: counts.acts,
        actsOk: counts.actsOk,
        refused: Object.fromEntries(counts.refused),
      });
      return;
    case 'close':
      closing = true;
      acting = false;
      for (const bot of bots) {
        bot.stop();
        bot.socket?.disconnect();
      }
      send({ type: 'closed' });
      setTimeout(() => process.exit(0), 100);
      return;
  }
});
process.on('disconnect', () => process.exit(0));
