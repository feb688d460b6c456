/**
 * A seeded fuzz of every inbound event against a real server process: valid payloads, valid ones
 * with one field broken (prototype names, extreme numbers, wrong types, missing or extra), own
 * `__proto__` keys, garbage, no ack, several arguments, unknown event names. Whatever arrives,
 * each frame with an ack gets exactly one answer with a known code (never `internal`), and the
 * process is alive and serving afterwards. The seed is printed; FUZZ_SEED=… replays a run's
 * payloads (the timing, and so the rate limiter's share, is the network's).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { io } from 'socket.io-client';
import { ERROR_CODES, INBOUND_EVENTS, PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { nextRandom, seedState } from '../../shared/engine/prng.ts';
import { StudentMirror, applyView, type StudentView, type TeacherView, type ViewDelta } from '../../shared/views/index.ts';
import { exited, freePort, spawnServerProcess } from '../support/server-process.ts';
import { createRoom, eventually, type Client } from './helpers.ts';

const P = PROTOCOL_VERSION;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : (Date.now() ^ (process.pid << 8)) >>> 0;
const FRAMES = 1500;
/** Per fuzzing socket: one frame every this many ms (under the 20/s limit), plus a few bursts over it. */
const PACE_MS = 70;
const BURSTS_PER_SOCKET = 2;
const BURST = 25;

const PROTO = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'] as const;
// NaN and ±Infinity are not JSON: socket.io sends them as null, which is a case of its own.
const NUMBERS = [1e308, -1e308, 5e-324, -5e-324, -0, 0, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, NaN, Infinity, -Infinity, 0.1, 2 ** 31, -1] as const;
const UNKNOWN_EVENTS = ['hello', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'error', 'view:student', 'room:left', 'ROOM:JOIN', 'room:join ', 'room:', 'host:', 'player:act:x', 'x'.repeat(300), '', '\u0000', 'ß🙂'];
/** Codes that come from the engine (a refused game action or command), beyond the protocol's own. */
const ENGINE_EVENTS = new Set(['player:act', 'host:control', 'host:speed', 'host:inject', 'host:lock']);
const PROTOCOL_CODES = new Set<string>(ERROR_CODES);

type Json = unknown;
type Answer = { ok: true; [k: string]: unknown } | { ok: false; error: { code: string; message: string; concept?: unknown } };

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seedState(seed);
  }
  next(): number {
    const [value, next] = nextRandom(this.state);
    this.state = next;
    return value;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  word(max = 12): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_';
    return Array.from({ length: 1 + this.int(max) }, () => this.pick([...alphabet])).join('');
  }
}

/** What a socket's valid payloads may name. `safe` keeps the protected room playable. */
interface Context {
  readonly safe: boolean;
  readonly a: { code: string; hostToken: string };
  readonly b: { code: string; hostToken: string };
  /** Players whose removal is part of the game (decoys), and the watched-for clusters. */
  readonly playerIds: string[];
  readonly clusterIds: string[];
  /** Instance and VM ids this socket's actions created, to refer back to. */
  readonly created: string[];
  resumeToken?: string;
}

const HOSTS = ['linux-1', 'linux-2', 'windows-1'];
const APPS = ['web', 'api', 'reports'];
const RUNTIMES = ['container', 'vm', 'microvm'];

function validPayload(event: string, ctx: Context, r: Rng): Record<string, Json> {
  const someId = () => r.pick([...ctx.created, ...ctx.created, 'canary-web', 'web-1', 'vm-1', r.word()]);
  switch (event) {
    case 'room:join': {
      // Wrong codes too (with a 0, which no real code has), enough to run into the address's lockout.
      const code = r.pick([ctx.a.code, ctx.b.code, ctx.b.code.toLowerCase(), ` ${ctx.a.code} `, 'ZZ0000', `Q0${r.int(10_000).toString().padStart(4, '7')}`]);
      return {
        protocol: P,
        code,
        nickname: r.pick([`Fuzz ${r.word(6)}`, 'Canary', '  ', 'x'.repeat(30), `Ada ${r.int(1000)}`]),
        ...(r.chance(0.3) && ctx.resumeToken ? { resumeToken: ctx.resumeToken } : {}),
        ...(r.chance(0.3) ? { deviceId: `device-${r.word(20)}` } : {}),
      };
    }
    case 'room:host':
    case 'room:project': {
      const [code, hostToken] = r.pick<[string, string]>([
        [ctx.b.code, ctx.b.hostToken],
        [ctx.a.code, ctx.safe ? ctx.a.hostToken : `wrong-${r.word(20)}`],
        [ctx.b.code, `wrong-${r.word(20)}`],
      ]);
      return { protocol: P, code, hostToken };
    }
    case 'room:leave':
      return {};
    case 'player:act':
      return { action: validAction(r, someId) };
    case 'host:control':
      return { command: r.pick(ctx.safe ? ['start', 'pause', 'resume'] : ['start', 'pause', 'resume', 'nextPhase', 'end']) };
    case 'host:speed':
      return { speed: ctx.safe ? r.pick([0.25, 0.5, 1, 2, 3]) : r.pick([0.25, 1, 5, 20]) };
    case 'host:inject': {
      const harmless = [
        { type: 'trafficSpike', appId: r.pick(APPS), factor: r.pick([0.01, 2, 100]), durationS: r.pick([1, 30, 7200]) },
        { type: 'noisyNeighbour', appId: r.pick(APPS), factor: 2, durationS: 10 },
        { type: 'complianceAudit' },
      ];
      const harsh = [
        { type: 'kernelExploit', os: r.pick(['linux', 'windows']) },
        { type: 'hypervisorEscape', hostId: r.pick(HOSTS) },
        { type: 'hostFailure', hostId: r.pick(HOSTS) },
        { type: 'patchDay', os: r.pick(['linux', 'windows']) },
      ];
      return { event: r.pick(ctx.safe ? harmless : [...harmless, ...harsh]) };
    }
    case 'host:kick':
      return { playerId: r.pick([...ctx.playerIds, r.word(10)]) };
    case 'host:lock':
      return { locked: r.chance(0.5) };
    case 'host:watch':
      return { clusterId: r.chance(0.2) ? null : r.pick([...ctx.clusterIds, 'team-1', 'team-2', r.word()]) };
    case 'host:team':
      return { playerId: r.pick([...ctx.playerIds, r.word(10)]), teamId: r.pick(['team-1', 'team-2', 'team-3', 'team-4', 'team-9']) };
    case 'host:balance':
      return r.chance(0.3) ? {} : { teams: r.pick([2, 3, 4, 12]) };
    default:
      return { anything: r.word() };
  }
}

function validAction(r: Rng, someId: () => string): Record<string, Json> {
  const maybeId = () => (r.chance(0.3) ? { id: `f-${r.word(8)}` } : {});
  switch (r.int(7)) {
    case 0:
      return { type: 'configureHost', hostId: r.pick(HOSTS), platform: r.pick(['linux', 'windows', 'hypervisor']) };
    case 1:
      return { type: 'createVm', ...maybeId(), hostId: r.pick(HOSTS), guestOs: r.pick(['linux', 'windows']), vcpu: r.pick([1, 2, 8, 256]), memoryMiB: r.pick([512, 2048, 1_048_576]), ...(r.chance(0.5) ? { containerEngine: r.chance(0.5) } : {}) };
    case 2:
      return { type: 'deleteVm', vmId: someId() };
    case 3:
      return { type: 'deploy', ...maybeId(), appId: r.pick(APPS), runtime: r.pick(RUNTIMES), target: r.pick([...HOSTS, someId()]) };
    case 4:
      return { type: 'remove', instanceId: someId() };
    case 5:
      return { type: 'setLimits', instanceId: someId(), cpu: r.chance(0.3) ? null : r.pick([0.1, 1, 256]) };
    default:
      return r.chance(0.5) ? { type: 'ready' } : { type: 'ready', ready: r.chance(0.5) };
  }
}

/** The places in a payload a fault can go: top-level fields and the fields of a nested action or event. */
function paths(payload: Record<string, Json>): string[][] {
  const out: string[][] = [];
  for (const [key, value] of Object.entries(payload)) {
    out.push([key]);
    if (value && typeof value === 'object' && !Array.isArray(value)) for (const inner of Object.keys(value)) out.push([key, inner]);
  }
  return out;
}
function setAt(payload: Record<string, Json>, path: string[], value: Json | typeof REMOVE): Record<string, Json> {
  const copy: Record<string, Json> = structuredClone(payload);
  let target = copy;
  for (const key of path.slice(0, -1)) target = target[key] as Record<string, Json>;
  const last = path.at(-1)!;
  if (value === REMOVE) delete target[last];
  else target[last] = value;
  return copy;
}
const REMOVE = Symbol('remove');

/** Own `__proto__` keys, as JSON.parse makes them: at the top, or inside the action or event. */
function withOwnProto(payload: Record<string, Json>, r: Rng): Json {
  const inner = JSON.stringify(r.pick([{ x: 1 }, { ok: true }, { type: 'deploy' }, { polluted: 'yes' }]));
  const json = JSON.stringify(payload);
  const nested = Object.keys(payload).find((k) => typeof payload[k] === 'object' && payload[k] !== null);
  const at = nested && r.chance(0.5) ? json.indexOf('{', json.indexOf(`"${nested}"`)) : 0;
  const after = json[at + 1] === '}' ? '' : ',';
  return JSON.parse(`${json.slice(0, at + 1)}"__proto__":${inner}${after}${json.slice(at + 1)}`);
}

const garbage = fc.sample(fc.anything({ maxDepth: 3, maxKeys: 5, withNullPrototype: true, withSparseArray: true }), { seed: SEED, numRuns: 400 });

function wrongValue(r: Rng): Json {
  return r.pick<() => Json>([
    () => [],
    () => [1, 'two', null],
    () => ({ nested: { deeper: [r.word()] } }),
    () => r.chance(0.5),
    () => null,
    () => 'x'.repeat(1 + r.int(10 * 1024)),
    () => '',
    () => r.pick(NUMBERS),
    () => r.pick(garbage),
    () => r.word(),
  ])();
}

interface Frame {
  readonly event: string | number;
  readonly args: Json[];
  readonly ack: boolean;
  readonly family: string;
}

function frame(ctx: Context, r: Rng): Frame {
  const event: string | number = r.chance(0.82) ? r.pick(INBOUND_EVENTS) : r.chance(0.9) ? r.pick(UNKNOWN_EVENTS) : r.pick([0, 42, -1, 1.5]);
  const valid = validPayload(typeof event === 'string' ? event : 'x', ctx, r);
  const where = paths(valid);
  const spot = () => (where.length > 0 ? r.pick(where) : ['extra']);
  const families: [string, () => Json][] = [
    ['valid', () => valid],
    ['proto-value', () => setAt(valid, spot(), r.pick(PROTO))],
    ['extreme-number', () => setAt(valid, spot(), r.pick(NUMBERS))],
    ['wrong-type', () => setAt(valid, spot(), wrongValue(r))],
    ['missing-field', () => (where.length > 0 ? setAt(valid, spot(), REMOVE) : valid)],
    ['extra-field', () => setAt(valid, [...spot().slice(0, -1), r.pick([...PROTO.filter((k) => k !== '__proto__'), 'extra', r.word()])], wrongValue(r))],
    ['own-__proto__', () => withOwnProto(valid, r)],
    ['garbage', () => r.pick(garbage)],
    ['not-an-object', () => r.pick<Json>(['player:act', 42, true, null, [valid], 'x'.repeat(9000)])],
    ['binary', () => Buffer.from(JSON.stringify(valid))],
  ];
  const weights = [26, 12, 10, 12, 7, 7, 8, 8, 6, 2];
  let roll = r.int(weights.reduce((a, b) => a + b, 0));
  let index = 0;
  while (roll >= weights[index]!) roll -= weights[index++]!;
  const [family, make] = families[index]!;
  const args = r.chance(0.04) ? [] : [make()];
  if (r.chance(0.08)) for (let i = 0, n = 1 + r.int(3); i < n; i++) args.push(r.chance(0.5) ? wrongValue(r) : valid);
  return { event, args, ack: r.chance(0.9), family: args.length === 0 ? 'no-payload' : args.length > 1 ? `${family}+args` : family };
}

interface Sent {
  readonly socket: string;
  readonly event: string | number;
  readonly family: string;
  readonly args: Json[];
  answers: number;
  reply?: Answer;
  error?: string;
}

/** A fuzzing connection: counts the ack frames that come back on the wire, by id. */
function fuzzSocket(base: string, name: string) {
  const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false }) as Client;
  const wireAcks = new Map<number, number>();
  const me = { name, socket, wireAcks, disconnects: [] as string[] };
  socket.on('connect', () => {
    socket.io.engine.on('packet', (packet: { type: string; data?: unknown }) => {
      // socket.io ACK packets on the main namespace: "3<id>[...]".
      const match = packet.type === 'message' && typeof packet.data === 'string' ? /^3(\d+)/.exec(packet.data) : null;
      if (match) wireAcks.set(Number(match[1]), (wireAcks.get(Number(match[1])) ?? 0) + 1);
    });
  });
  socket.on('disconnect', (reason) => me.disconnects.push(reason));
  return me;
}
type FuzzSocket = ReturnType<typeof fuzzSocket>;

const untyped = (socket: Client) => socket as unknown as { emit(event: string | number, ...args: unknown[]): void; timeout(ms: number): { emit(event: string | number, ...args: unknown[]): void } };
const connected = (socket: Client) => (socket.connected ? Promise.resolve() : new Promise<void>((resolve) => socket.once('connect', () => resolve())));
describe('fuzzing every inbound event against a real server process', () => {
  let child: ChildProcess;
  let base: string;
  const sockets: Client[] = [];
  const fuzzers: FuzzSocket[] = [];
  let a: { code: string; hostToken: string };
  let b: { code: string; hostToken: string };
  let teacher: Client;
  let teacherView: TeacherView | null = null;
  let canary: Client;
  let canaryView: StudentView | null = null;
  let exit: { code: number | null; signal: string | null } | null = null;
  /** Ids valid payloads may name: the decoys (kickable) and the clusters worth watching. */
  const playerIds: string[] = [];
  const clusterIds: string[] = [];

  const plain = (): Client => {
    const socket = io(base, { transports: ['websocket'], forceNew: true, reconnection: false }) as Client;
    sockets.push(socket);
    return socket;
  };
  const join = async (socket: Client, code: string, nickname: string) => {
    const ack = await socket.emitWithAck('room:join', { protocol: P, code, nickname });
    if (!ack.ok) throw new Error(`${nickname}: ${ack.error.code}`);
    return ack;
  };

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = await spawnServerProcess(port, {});
    child.once('exit', (code, signal) => (exit = { code, signal }));
    a = await createRoom(base);
    b = await createRoom(base, { scenarioId: 'tutorial', mode: 'teams' });

    // The protected room A: its teacher and the canary take no part in the fuzz.
    teacher = plain();
    teacher.on('view:teacher', (patch) => (teacherView = applyView(teacherView, patch as ViewDelta<TeacherView>)));
    expect((await teacher.emitWithAck('room:host', { protocol: P, code: a.code, hostToken: a.hostToken })).ok).toBe(true);
    canary = plain();
    const mirror = new StudentMirror();
    canary.onAny((event: string, delta: unknown) => {
      if (mirror.apply(event, delta)) canaryView = mirror.view;
    });
    const canarySeat = await join(canary, a.code, 'Canary');
    expect((await canary.emitWithAck('player:act', { action: { type: 'deploy', id: 'canary-web', appId: 'web', runtime: 'container', target: 'linux-1' } })).ok).toBe(true);
    await eventually(() => expect(canaryView?.cluster.instances.map((i) => i.id)).toContain('canary-web'));
    // Decoys in room B: fair game for a kick or a team move.
    const decoys = await Promise.all([1, 2, 3].map(async (i) => (await join(plain(), b.code, `Decoy ${i}`)).playerId));

    for (const name of ['stranger-1', 'stranger-2', 'student-a1', 'student-a2', 'student-b', 'teacher-a', 'projector-a', 'teacher-b']) fuzzers.push(fuzzSocket(base, name));
    await Promise.all(fuzzers.map((f) => connected(f.socket)));
    const [, , a1, a2, sb, ta, pa, tb] = fuzzers.map((f) => f.socket);
    await join(a1!, a.code, 'Fuzz A1');
    await join(a2!, a.code, 'Fuzz A2');
    await join(sb!, b.code, 'Fuzz B');
    expect((await ta!.emitWithAck('room:host', { protocol: P, code: a.code, hostToken: a.hostToken })).ok).toBe(true);
    expect((await pa!.emitWithAck('room:project', { protocol: P, code: a.code, hostToken: a.hostToken })).ok).toBe(true);
    expect((await tb!.emitWithAck('room:host', { protocol: P, code: b.code, hostToken: b.hostToken })).ok).toBe(true);
    clusterIds.push(canarySeat.playerId, ...decoys);
    playerIds.push(...decoys);
  }, 30_000);

  afterAll(async () => {
    for (const socket of [...sockets, ...fuzzers.map((f) => f.socket)]) socket.close();
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited(child);
      clearTimeout(timer);
    }
  });

  it('answers every frame with an ack exactly once, with a known code and never "internal"', async () => {
    const sent: Sent[] = [];
    const perSocket = Math.ceil(FRAMES / fuzzers.length);
    const started = Date.now();
    await Promise.all(
      fuzzers.map(async (f, k) => {
        const r = new Rng(SEED * 31 + k);
        // Only the protected room's own screens know its host token, and they keep it playable.
        const ctx: Context = { safe: f.name.endsWith('-a'), a: { code: a.code, hostToken: f.name.endsWith('-a') ? a.hostToken : 'not-the-token-0000' }, b, playerIds, clusterIds, created: [] };
        const bursts = new Set(Array.from({ length: BURSTS_PER_SOCKET }, () => r.int(perSocket)));
        for (let i = 0; i < perSocket && sent.length < FRAMES; i++) {
          const n = bursts.has(i) ? BURST : 1;
          for (let j = 0; j < n && sent.length < FRAMES; j++) {
            const fr = frame(ctx, r);
            const record: Sent = { socket: f.name, event: fr.event, family: fr.family, args: fr.args, answers: 0 };
            sent.push(record);
            if (!fr.ack) {
              untyped(f.socket).emit(fr.event, ...fr.args);
              record.answers = -1;
              continue;
            }
            untyped(f.socket)
              .timeout(10_000)
              .emit(fr.event, ...fr.args, (err: Error | null, reply: Answer) => {
                record.answers++;
                if (err) record.error = err.message;
                else record.reply = reply;
                if (reply?.ok && typeof reply.resumeToken === 'string') ctx.resumeToken = reply.resumeToken;
                if (reply?.ok && typeof reply.id === 'string') ctx.created.push(reply.id);
              });
          }
          await new Promise((resolve) => setTimeout(resolve, PACE_MS));
        }
      }),
    );
    const acked = sent.filter((s) => s.answers !== -1);
    await eventually(() => expect(acked.filter((s) => s.answers === 0)).toHaveLength(0), 12_000);
    const elapsedS = (Date.now() - started) / 1000;

    const distribution: Record<string, number> = {};
    const byFamily: Record<string, Record<string, number>> = {};
    const problems: string[] = [];
    for (const s of acked) {
      const code = s.error ? `(no answer: ${s.error})` : s.reply?.ok ? 'ok' : (s.reply?.error?.code ?? '(malformed)');
      distribution[code] = (distribution[code] ?? 0) + 1;
      (byFamily[s.family] ??= {})[code] = (byFamily[s.family]![code] ?? 0) + 1;
      const why = problemWith(s);
      if (why) problems.push(`${why}: ${s.socket} ${JSON.stringify(s.event)} ${JSON.stringify(s.args).slice(0, 300)} -> ${JSON.stringify(s.reply ?? s.error).slice(0, 300)}`);
    }
    console.log(
      `fuzz seed ${SEED}: ${sent.length} frames (${acked.length} with an ack) from ${fuzzers.length} sockets in ${elapsedS.toFixed(1)} s\n` +
        `codes: ${JSON.stringify(Object.fromEntries(Object.entries(distribution).sort((x, y) => y[1] - x[1])))}\n` +
        `by payload family: ${JSON.stringify(byFamily)}`,
    );
    expect(problems.slice(0, 20), `seed ${SEED}: ${problems.length} frames answered wrongly`).toEqual([]);
    expect(distribution.internal, `seed ${SEED}`).toBeUndefined();

    // Exactly once, on the wire: no ack id came back twice, and every answer we counted came as one frame.
    for (const f of fuzzers) {
      const twice = [...f.wireAcks].filter(([, n]) => n > 1);
      expect(twice, `seed ${SEED}: ${f.name} got an ack id more than once`).toEqual([]);
    }
    const wire = fuzzers.reduce((n, f) => n + f.wireAcks.size, 0);
    // The setup's own acks (joins and attaches) came over the same sockets.
    expect(wire, `seed ${SEED}`).toBe(acked.length + 6);
    expect(
      fuzzers.filter((f) => f.disconnects.length > 0).map((f) => `${f.name}: ${f.disconnects.join(', ')}`),
      `seed ${SEED}`,
    ).toEqual([]);
    expect(exit, `seed ${SEED}: the server process exited`).toBeNull();
  }, 45_000);

  it('is alive and serving afterwards: health ok, the canary plays, the teacher pauses and resumes', async () => {
    expect(exit).toBeNull();
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');

    const act = await canary.emitWithAck('player:act', { action: { type: 'deploy', id: 'canary-api', appId: 'api', runtime: 'container', target: 'linux-2' } });
    expect(act.ok ? 'ok' : act.error.code).toBe('ok');
    await eventually(() => expect(canaryView?.cluster.instances.map((i) => i.id)).toEqual(expect.arrayContaining(['canary-web', 'canary-api'])));

    const lobby = (await (await fetch(`${base}/api/rooms/${a.code}`)).json()) as { phase: string };
    const command = async (c: 'start' | 'pause' | 'resume') => {
      const ack = await teacher.emitWithAck('host:control', { command: c });
      expect(ack.ok ? 'ok' : `${ack.error.code}: ${ack.error.message}`, c).toBe('ok');
    };
    if (lobby.phase === 'lobby') await command('start');
    if (lobby.phase === 'paused') await command('resume');
    await command('pause');
    await eventually(() => expect(teacherView?.room.phase).toBe('paused'));
    await command('resume');
    await eventually(() => expect(teacherView?.room.phase).toBe('running'));
    expect(teacherView?.roster.find((r) => r.nickname === 'Canary')?.status).toBe('online');
  });
});

/** Why an answer breaks the protocol, or null when it keeps it. */
function problemWith(s: Sent): string | null {
  if (s.error) return 'no answer';
  if (s.answers !== 1) return `${s.answers} answers`;
  const reply = s.reply as unknown;
  if (!reply || typeof reply !== 'object' || typeof (reply as { ok?: unknown }).ok !== 'boolean') return 'not an ack';
  const known = typeof s.event === 'string' && (INBOUND_EVENTS as readonly string[]).includes(s.event);
  if (s.reply!.ok) return known ? null : 'an unknown event answered ok';
  const { code, message } = s.reply!.error ?? {};
  if (typeof code !== 'string' || typeof message !== 'string' || message.length === 0) return 'an error without a code and message';
  if (code === 'internal') return 'internal';
  if (PROTOCOL_CODES.has(code)) return null;
  if (ENGINE_EVENTS.has(String(s.event)) && /^[a-z]+(-[a-z]+)*$/.test(code)) return null;
  return `unknown code "${code}"`;
}
