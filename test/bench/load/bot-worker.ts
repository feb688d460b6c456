/**
 * A bot worker: one process running a share of the students (real socket.io clients speaking
 * the documented protocol), or, for the baseline, as many bare clients. The coordinator drives
 * it step by step over IPC (join, act, record, stop, drain, report, close); everything it
 * measures is kept in mergeable counts (stats.ts) and sent back in `report`.
 */
import { io, type Socket } from 'socket.io-client';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { StudentMirror } from './mirror.ts';
import { lbKey, watchFrames } from './frames.ts';
import { serveParent, tellParent } from './proc.ts';
import { Counts, Tally } from './stats.ts';

export interface Seat {
  readonly code: string;
  readonly nickname: string;
  readonly localAddress: string;
}
/** When a room's clock started (the teacher's start plus the countdown), in Date.now() time. */
export interface RoomClock {
  readonly code: string;
  readonly startMs: number;
  readonly speed: number;
  readonly durationS: number;
}

const ACK_TIMEOUT_MS = 10_000;
const VIEW_TIMEOUT_MS = 10_000;
const JOIN_TIMEOUT_MS = 15_000;
const TICK_PERIOD_MS = 100;
const DEBUG = Boolean(process.env.BENCH_DEBUG);
/** Apps placed as containers on a Linux host of the flash-sale scenario: small enough that a few always fit. */
const APPS = ['storefront', 'checkout'];

let url = '';
/** Behind nginx: each client gets a random `lb` key, as the browser client does, so clients spread over the processes. */
let balanced = false;
/** The protocol version the server under test speaks (its GET /api/config). */
let protocol = 0;
let recording = false;
let acting = false;
let windowStartMs = 0;
let windowEndMs = 0;
/** Clients in the room when the window opened: the per-student figures' denominator. */
let connectedAtStart = 0;
const clocks = new Map<string, RoomClock & { timeS0: number }>();

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
/** Over the whole workload, joins included: a worker stalled for seconds would drop its own sockets. */
const wholeLoop = monitorEventLoopDelay({ resolution: 20 });
wholeLoop.enable();
let cpuAtRecord = process.cpuUsage();
let cpuInWindow = { user: 0, system: 0 };

const m = freshMetrics();
function freshMetrics() {
  return {
    ack: new Counts(0.1),
    view: new Counts(0.1),
    frames: new Counts(1),
    /** Clock staleness samples in ms of real time (signed: an extrapolating client may run ahead). */
    staleness: new Counts(1),
    /** Per student: the longest real time between two score changes, ms. */
    scoreGaps: new Counts(1),
    /** Per student: updates a second in the window. */
    rates: new Counts(0.1),
    updates: 0,
    bytes: 0,
    acks: 0,
    events: new Map<string, { n: number; bytes: number }>(),
    actionsSent: 0,
    actionsRecorded: 0,
  };
}
function resetMetrics(): void {
  Object.assign(m, freshMetrics());
}
/**
 * Errors and disconnects from joining on (not only in the window): a refused seat or a dropped
 * socket during the warm-up makes a run unclean too. Kept until `close`.
 */
let errors = new Tally();
let disconnects = 0;

interface Pending {
  readonly kind: 'deploy' | 'remove';
  readonly t0: number;
  readonly recorded: boolean;
  id: string | null;
  acked: boolean;
  viewAt: number | null;
  /** Deploy: instance ids there before it, and when each new one was first seen (the view may come before the ack). */
  readonly before: Set<string> | null;
  readonly seen: Map<string, number>;
}

class Student {
  socket: Socket | null = null;
  /** A student's view; a bare client (the baseline's) decodes nothing. */
  readonly mirror: StudentMirror | null;
  joined = false;
  closing = false;
  private placed: string[] = [];
  private toggle = false;
  private pending: Pending[] = [];
  private actTimer: NodeJS.Timeout | null = null;
  private hosts: string[] = ['node-1'];
  private lastScore: string | null = null;
  private lastScoreAt = 0;
  maxScoreGap = 0;
  updates = 0;

  constructor(
    readonly seat: Seat | null,
    readonly localAddress: string,
  ) {
    this.mirror = seat ? new StudentMirror(protocol) : null;
  }

  /** Connects; a student then joins its room (a bare client only connects). Resolves true once in. */
  connect(): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (ok: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(ok);
      };
      // A join that times out is given up for good: a seat the server gives later must not be counted.
      const giveUp = () => {
        if (settled) return;
        errors.add('join-timeout', this.seat?.code);
        this.closing = true;
        this.socket?.disconnect();
        settle(false);
      };
      const timer = setTimeout(giveUp, JOIN_TIMEOUT_MS);
      const socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: JOIN_TIMEOUT_MS, localAddress: this.localAddress, ...(balanced ? { query: { lb: lbKey() } } : {}) } as never);
      this.socket = socket;
      watchFrames(socket, (bytes, kind, event) => this.onFrame(bytes, kind, event));
      socket.onAny((event: string, payload: unknown) => this.onEvent(event, payload));
      socket.on('connect_error', (error) => {
        if (settled) return;
        errors.add('connect_error', error.message);
        settle(false);
      });
      socket.on('disconnect', (reason) => {
        if (this.closing) return;
        disconnects++;
        errors.add('disconnect', reason);
        this.joined = false;
        this.stopActing();
      });
      socket.on('connect', () => {
        if (!this.seat) {
          this.joined = true;
          return settle(true);
        }
        socket.timeout(JOIN_TIMEOUT_MS).emit('room:join', { protocol, code: this.seat.code, nickname: this.seat.nickname }, (error: Error | null, reply: JoinAck) => {
          if (settled) return;
          if (error) return giveUp();
          if (!reply.ok) {
            errors.add(`join:${reply.error.code}`, reply.error.message);
            this.closing = true;
            socket.disconnect();
            return settle(false);
          }
          const hosts = reply.room?.scenario?.hosts?.filter((h) => h.platform === 'linux').map((h) => h.id);
          if (hosts?.length) this.hosts = hosts;
          this.joined = true;
          settle(true);
        });
      });
    });
  }

  private onFrame(bytes: number, kind: 'event' | 'ack' | 'other', event: string | null): void {
    if (!recording) return;
    m.bytes += bytes;
    if (kind === 'ack') m.acks++;
    if (kind !== 'event') return;
    m.updates++;
    this.updates++;
    m.frames.add(bytes);
    const e = m.events.get(event!) ?? { n: 0, bytes: 0 };
    e.n++;
    e.bytes += bytes;
    m.events.set(event!, e);
  }

  private onEvent(event: string, payload: unknown): void {
    if (event === 'room:left') errors.add('room-left', (payload as { reason?: string })?.reason);
    if (!this.mirror) return;
    const now = Date.now();
    // Just before an update lands is when a client that does not advance its clock is stalest.
    if (recording && this.seat) this.sampleStaleness(now);
    this.mirror.apply(event, payload);
    const view = this.mirror.view;
    if (!view) return;
    if (this.pending.length > 0) this.seePending(now);
    if (recording) {
      const s = view.score;
      const key = s ? `${s.total}|${s.availability}|${s.cost}|${s.security}|${s.spend}` : null;
      if (key !== this.lastScore) {
        if (this.lastScore !== null || key !== null) this.maxScoreGap = Math.max(this.maxScoreGap, now - this.lastScoreAt);
        this.lastScore = key;
        this.lastScoreAt = now;
      }
    }
  }

  sampleStaleness(now: number): void {
    const clock = clocks.get(this.seat!.code);
    const shown = this.mirror!.clockS(now);
    if (!clock || shown === null || now < clock.startMs) return;
    const rate = clock.speed * (1000 / TICK_PERIOD_MS);
    // The clock a server on time would show now: one tick's worth per period since it started.
    const implied = Math.min(clock.durationS, clock.timeS0 + Math.floor((now - clock.startMs) / TICK_PERIOD_MS) * clock.speed);
    m.staleness.add(((implied - shown) / rate) * 1000);
    if (DEBUG && Math.random() < 0.001) console.error(`staleness ${this.seat!.code} +${now - clock.startMs} ms implied ${implied} shown ${shown} header ${JSON.stringify(this.mirror!.view?.room)}`);
  }

  /** Joined and connected when the window opened. */
  inAtStart = false;

  startWindow(now: number): void {
    this.inAtStart = this.joined && this.socket?.connected === true;
    this.lastScore = null;
    this.lastScoreAt = now;
    this.maxScoreGap = 0;
    this.updates = 0;
  }

  endWindow(now: number): void {
    this.maxScoreGap = Math.max(this.maxScoreGap, now - this.lastScoreAt);
  }

  startActing(): void {
    if (!this.seat || !this.joined) return;
    // Spread the first actions over the human interval, so a class does not act in step.
    this.actTimer = setTimeout(() => this.actLoop(), Math.random() * 4000);
  }

  stopActing(): void {
    if (this.actTimer) clearTimeout(this.actTimer);
    this.actTimer = null;
  }

  private actLoop(): void {
    this.actTimer = null;
    if (!acting || !this.joined) return;
    this.act();
    this.actTimer = setTimeout(() => this.actLoop(), 3000 + Math.random() * 2000);
  }

  /** One action at a human pace: deploy until a few are placed, then alternately remove one and deploy. */
  private act(): void {
    const view = this.mirror?.view;
    if (!view || !this.socket) return;
    const now = Date.now();
    const remove = this.placed.length >= 6 || (this.placed.length >= 3 && (this.toggle = !this.toggle));
    let action: Record<string, unknown>;
    let p: Pending;
    if (remove) {
      const instanceId = this.placed.shift()!;
      action = { type: 'remove', instanceId };
      p = { kind: 'remove', t0: now, recorded: recording, id: instanceId, acked: false, viewAt: null, before: null, seen: new Map() };
    } else {
      const appId = APPS[Math.floor(Math.random() * APPS.length)]!;
      const target = this.hosts[Math.floor(Math.random() * this.hosts.length)]!;
      action = { type: 'deploy', appId, runtime: 'container', target };
      const before = new Set((view.cluster?.instances ?? []).map((i) => i.id));
      p = { kind: 'deploy', t0: now, recorded: recording, id: null, acked: false, viewAt: null, before, seen: new Map() };
    }
    this.pending.push(p);
    m.actionsSent++;
    if (p.recorded) m.actionsRecorded++;
    this.socket.timeout(ACK_TIMEOUT_MS).emit('player:act', { action }, (error: Error | null, reply: ActAck) => this.onAck(p, error, reply));
  }

  private onAck(p: Pending, error: Error | null, reply: ActAck): void {
    const now = Date.now();
    if (error || !reply.ok) {
      this.drop(p);
      if (p.recorded) errors.add(error ? 'ack-timeout' : `refused:${reply.ok ? '' : reply.error.code}`, error ? undefined : reply.ok ? '' : reply.error.message);
      return;
    }
    p.acked = true;
    if (p.recorded) m.ack.add(now - p.t0);
    if (p.kind === 'deploy') {
      p.id = reply.id ?? null;
      if (!p.id) {
        this.drop(p);
        if (p.recorded) errors.add('deploy-without-id');
        return;
      }
      this.placed.push(p.id);
      p.viewAt = p.seen.get(p.id) ?? null;
    }
    // The view may be in already (it can come before the ack).
    if (p.viewAt === null && this.mirror?.view) this.seeOne(p, now);
    if (p.viewAt !== null) this.finish(p);
  }

  private seePending(now: number): void {
    for (const p of [...this.pending]) {
      if (p.viewAt === null) this.seeOne(p, now);
      if (p.acked && p.viewAt !== null) this.finish(p);
    }
  }

  private seeOne(p: Pending, now: number): void {
    const instances = this.mirror?.view?.cluster?.instances ?? [];
    if (p.kind === 'remove') {
      if (!instances.some((i) => i.id === p.id)) p.viewAt = now;
    } else if (p.id !== null) {
      if (instances.some((i) => i.id === p.id)) p.viewAt = now;
    } else {
      for (const i of instances) if (!p.before!.has(i.id) && !p.seen.has(i.id)) p.seen.set(i.id, now);
    }
  }

  private finish(p: Pending): void {
    this.drop(p);
    if (p.recorded) m.view.add(p.viewAt! - p.t0);
  }

  private drop(p: Pending): void {
    const i = this.pending.indexOf(p);
    if (i >= 0) this.pending.splice(i, 1);
  }

  /** Acked actions whose change never showed within the time-out. */
  expire(now: number): void {
    for (const p of [...this.pending]) {
      if (p.acked && now - p.t0 > VIEW_TIMEOUT_MS) {
        this.drop(p);
        if (p.recorded) errors.add('view-timeout', p.kind);
      }
    }
  }

  get outstanding(): number {
    return this.pending.filter((p) => p.recorded).length;
  }

  close(): void {
    this.closing = true;
    this.stopActing();
    this.socket?.disconnect();
  }
}

type JoinAck = { ok: true; room?: { scenario?: { hosts?: { id: string; platform: string }[] } } } | { ok: false; error: { code: string; message: string } };
type ActAck = { ok: true; id?: string } | { ok: false; error: { code: string; message: string } };

const students: Student[] = [];

// Every tick: sample each student's clock staleness (time-uniform), expire actions never seen.
setInterval(() => {
  const now = Date.now();
  for (const s of students) {
    if (!s.joined) continue;
    if (recording && s.seat) s.sampleStaleness(now);
    s.expire(now);
  }
}, TICK_PERIOD_MS).unref();

/** Starts `connect` for each client at `ratePerS`, at most `inFlight` at once; resolves when all are in or failed. */
async function connectAll(list: Student[], ratePerS: number): Promise<{ joined: number; failed: number }> {
  let joined = 0;
  let failed = 0;
  const gapMs = 1000 / ratePerS;
  const started = Date.now();
  const progress = setInterval(() => tellParent({ kind: 'progress', joined, failed, of: list.length }), 1000);
  const all: Promise<void>[] = [];
  for (let i = 0; i < list.length; i++) {
    const due = started + i * gapMs;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    all.push(list[i]!.connect().then((ok) => void (ok ? joined++ : failed++)));
  }
  await Promise.all(all);
  clearInterval(progress);
  return { joined, failed };
}

serveParent({
  setup: (body) => {
    url = String(body.url);
    protocol = Number(body.protocol ?? 0);
    balanced = body.balanced === true;
    return {};
  },
  join: async (body) => {
    const seats = body.seats as Seat[];
    const list = seats.map((seat) => new Student(seat, seat.localAddress));
    students.push(...list);
    return connectAll(list, Number(body.ratePerS));
  },
  /** The baseline's clients: connect only. */
  bare: async (body) => {
    const addresses = body.addresses as string[];
    const list = addresses.map((a) => new Student(null, a));
    students.push(...list);
    return connectAll(list, Number(body.ratePerS));
  },
  clocks: (body) => {
    for (const c of body.rooms as RoomClock[]) {
      const shown = students.find((s) => s.seat?.code === c.code)?.mirror?.clockS(Date.now());
      clocks.set(c.code, { ...c, timeS0: shown ?? 0 });
    }
    return {};
  },
  act: () => {
    acting = true;
    for (const s of students) s.startActing();
    return {};
  },
  record: () => {
    resetMetrics();
    windowStartMs = Date.now();
    for (const s of students) s.startWindow(windowStartMs);
    loop.reset();
    cpuAtRecord = process.cpuUsage();
    recording = true;
    connectedAtStart = students.filter((s) => s.joined && s.socket?.connected).length;
    return { atMs: windowStartMs };
  },
  /** Ends the window: counting stops and no new actions go out; actions in flight are still followed. */
  stop: () => {
    recording = false;
    acting = false;
    windowEndMs = Date.now();
    cpuInWindow = process.cpuUsage(cpuAtRecord);
    for (const s of students) {
      s.stopActing();
      s.endWindow(windowEndMs);
    }
    return { connected: students.filter((s) => s.joined && s.socket?.connected).length };
  },
  drain: async (body) => {
    const until = Date.now() + Number(body.maxMs ?? VIEW_TIMEOUT_MS + 1000);
    while (Date.now() < until && students.some((s) => s.outstanding > 0)) await new Promise((r) => setTimeout(r, 50));
    return { outstanding: students.reduce((n, s) => n + s.outstanding, 0) };
  },
  report: () => {
    const windowMs = windowEndMs - windowStartMs;
    const cpu = cpuInWindow;
    const measured = students.filter((s) => s.inAtStart);
    for (const s of measured) {
      m.rates.add(s.updates / (windowMs / 1000));
      if (s.seat) m.scoreGaps.add(s.maxScoreGap);
    }
    return {
      clients: students.length,
      connected: students.filter((s) => s.joined && s.socket?.connected).length,
      connectedAtStart,
      windowMs,
      ack: m.ack.toJSON(),
      view: m.view.toJSON(),
      frames: m.frames.toJSON(),
      staleness: m.staleness.toJSON(),
      scoreGaps: m.scoreGaps.toJSON(),
      rates: m.rates.toJSON(),
      updates: m.updates,
      bytes: m.bytes,
      acks: m.acks,
      events: Object.fromEntries(m.events),
      errors: errors.toJSON(),
      disconnects,
      actionsSent: m.actionsSent,
      actionsRecorded: m.actionsRecorded,
      lagP99Ms: Math.max(0, loop.percentile(99) / 1e6 - 1),
      lagMaxMs: Math.max(0, loop.max / 1e6 - 1),
      lagMaxWholeMs: Math.max(0, wholeLoop.max / 1e6 - 20),
      cpuUs: cpu.user + cpu.system,
    };
  },
  close: async () => {
    for (const s of students) s.close();
    students.length = 0;
    clocks.clear();
    resetMetrics();
    errors = new Tally();
    disconnects = 0;
    wholeLoop.reset();
    await new Promise((r) => setTimeout(r, 200));
    return {};
  },
});
