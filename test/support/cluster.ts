import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { io } from 'socket.io-client';
import { PROTOCOL_VERSION, type Ack } from '../../shared/protocol/index.ts';
import type { PlayerActionInput } from '../../shared/protocol/index.ts';
import { StudentMirror, type StudentView } from '../../shared/views/index.ts';
import { RedisRoomStore } from '../../server/storage/redis-store.ts';
import type { LogEntry } from '../../server/storage/store.ts';
import type { Client } from '../integration/helpers.ts';
import { startNginx, type TestNginx } from './nginx.ts';
import { startRedisServer, type TestRedis } from './redis-server.ts';
import { freePort, ownerPid } from './server-process.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * What every process of a test cluster runs with: quiet logs, and the per-address limits (shared
 * by every process through Redis) raised, since every client of a test comes from 127.0.0.1.
 */
const PROCESS_ENV = {
  LOG_LEVEL: 'warn',
  SEATS_PER_ADDRESS_PER_MINUTE: '100000',
  MAX_ROOM_CREATES_PER_MINUTE: '100000',
  ROOMS_PER_ADDRESS: '100000',
  TRUST_PROXY: '1',
} as const;

/** One real server process of the cluster, on a port of its own that it keeps across restarts. */
export class ServerProcess {
  child: ChildProcess;
  /** Everything the process wrote (its warn and error log lines, on stdout, and stderr), every run of it, for failure messages. */
  output = '';

  private constructor(
    readonly index: number,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.child = this.spawn();
  }

  static async start(index: number, port: number, env: Record<string, string>): Promise<ServerProcess> {
    const proc = new ServerProcess(index, port, env);
    await proc.ready();
    return proc;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid!;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private spawn(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(this.port), HOST: '127.0.0.1', SKIP_CLIENT_BUILD: '1', ...PROCESS_ENV, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (text: string) => (this.output += `[p${this.index} pid ${child.pid}] ${text}`);
    // Its log lines (JSON, on stdout), not the banner it prints for people.
    child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.startsWith('{')) keep(`${line}\n`);
    });
    child.stderr!.on('data', (chunk: Buffer) => keep(chunk.toString()));
    return child;
  }

  /** Resolves once /health answers; throws (with its output) if the process exits or never does. */
  async ready(timeoutMs = 20_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (!this.alive) throw new Error(`server p${this.index} exited: ${this.output}`);
      const ok = await fetch(`${this.url}/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`server p${this.index} did not come up: ${this.output}`);
  }

  /** Resolves with the exit code (null when ended by a signal) once the process has exited. */
  exited(): Promise<number | null> {
    const child = this.child;
    return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Starts it again on the same port (after it exited) and waits for /health. */
  async restart(): Promise<void> {
    if (this.alive) throw new Error(`server p${this.index} is still running`);
    this.child = this.spawn();
    await this.ready();
  }

  /** SIGKILL if it still runs (stopped or not), and waits for it to be gone. */
  async stop(): Promise<void> {
    if (!this.alive) return;
    this.child.kill('SIGKILL');
    await this.exited();
  }

  /** Its /metrics, unlabelled samples only, by name. */
  async metrics(): Promise<Record<string, number>> {
    const text = await (await fetch(`${this.url}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const line of text.split('\n')) {
      const match = /^(clusterclass_\w+) (\S+)$/.exec(line);
      if (match) out[match[1]!] = Number(match[2]);
    }
    return out;
  }
}

/** What the tests read of Redis directly (the leases and epochs). */
interface RedisReader {
  hGetAll(key: string): Promise<unknown>;
  get(key: string): Promise<unknown>;
  destroy(): void;
}

export interface Lease {
  readonly owner: string;
  readonly epoch: number;
}

/** Three (or N) real server processes on one real redis-server, behind a real nginx. */
export class TestCluster {
  private constructor(
    readonly redis: TestRedis,
    readonly procs: ServerProcess[],
    readonly nginx: TestNginx,
    private readonly client: RedisReader,
    private readonly store: RedisRoomStore,
  ) {}

  static async start(n = 3): Promise<TestCluster> {
    const redis = await startRedisServer();
    const procs: ServerProcess[] = [];
    try {
      const ports: number[] = [];
      for (let i = 0; i < n; i++) ports.push(await freePort());
      procs.push(...(await Promise.all(ports.map((port, i) => ServerProcess.start(i, port, { REDIS_URL: redis.url })))));
      const nginx = await startNginx({ upstreams: ports });
      const client = createClient({ url: redis.url });
      await client.connect();
      const store = await RedisRoomStore.connect({ url: redis.url });
      return new TestCluster(redis, procs, nginx, client, store);
    } catch (error) {
      await Promise.all(procs.map((p) => p.stop()));
      await redis.stop();
      throw error;
    }
  }

  get lb(): string {
    return this.nginx.url;
  }

  /** What every process wrote, for a failure message. */
  get output(): string {
    return this.procs.map((p) => p.output).join('');
  }

  async lease(code: string): Promise<Lease | null> {
    const held = (await this.client.hGetAll(`cc:lease:{${code}}`)) as Record<string, string>;
    return held.owner ? { owner: held.owner, epoch: Number(held.epoch) } : null;
  }

  async epoch(code: string): Promise<number | null> {
    const value = await this.client.get(`cc:epoch:{${code}}`);
    return value === null || value === undefined ? null : Number(value);
  }

  /** The process whose id is in the room's lease (a process id holds its pid: `${hostname}-${pid}-${random}`). */
  async owner(code: string): Promise<ServerProcess | null> {
    const lease = await this.lease(code);
    if (!lease) return null;
    return this.procs.find((p) => p.alive && ownerPid(lease.owner) === p.pid) ?? null;
  }

  readLog(code: string): Promise<LogEntry[]> {
    return this.store.readLog(code);
  }

  async stop(): Promise<void> {
    await this.store.close().catch(() => undefined);
    this.client.destroy();
    await this.nginx.stop();
    await Promise.all(this.procs.map((p) => p.stop()));
    await this.redis.stop();
  }
}


const ACK_TIMEOUT_MS = 10_000;

export interface ClientOptions {
  /** Through nginx: the `lb` query parameter the browser puts on every request. */
  readonly lb?: boolean;
}

/**
 * A student like the browser's: reconnects by itself and joins its seat again with its resume
 * token on every connect. Given several addresses, it moves to the next one when it cannot
 * reach the one it is on (its process died), as a student would reload through another.
 */
export class TestStudent {
  socket!: Client;
  view: StudentView | null = null;
  joins = 0;
  /** Disconnects of a connection that had been up (a process gone, a drain). */
  disconnects = 0;
  /** Every socket id it was connected with, in order. */
  readonly socketIds: string[] = [];
  /** Every distinct playerId its joins were answered with. */
  readonly playerIds = new Set<string>();
  /** The latest room clock its own view showed, and every time it showed an earlier one than that. */
  maxTimeS = 0;
  readonly clockWentBack: string[] = [];
  /** Each view's clock when it changed, with the real time since the student was made (for failure messages). */
  readonly clockTrail: string[] = [];
  private readonly madeAt = Date.now();
  /** The socket id its last acknowledged join was made on. */
  private joinedOn: string | undefined;
  private token: string | undefined;
  private at = 0;
  private failures = 0;
  private closed = false;
  private readonly lbKey = Math.random().toString(36).slice(2);

  constructor(
    private readonly urls: readonly string[],
    readonly code: string,
    readonly nickname: string,
    private readonly options: ClientOptions = {},
  ) {
    this.open();
  }

  get url(): string {
    return this.urls[this.at]!;
  }

  /** Connected, and in its seat on this very connection (its join on it was acknowledged). */
  get seated(): boolean {
    return this.socket.connected && this.joinedOn === this.socket.id && this.view !== null;
  }

  private open(): void {
    const mirror = new StudentMirror();
    const socket = io(this.url, {
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 300,
      ...(this.options.lb ? { query: { lb: this.lbKey } } : {}),
    }) as Client;
    this.socket = socket;
    socket.on('connect', () => {
      this.failures = 0;
      this.socketIds.push(socket.id!);
      void socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('room:join', { protocol: PROTOCOL_VERSION, code: this.code, nickname: this.nickname, resumeToken: this.token })
        .then(
          (ack) => {
            if (!ack.ok) return;
            this.token = ack.resumeToken;
            this.playerIds.add(ack.playerId);
            this.joins++;
            this.joinedOn = socket.id;
          },
          () => undefined,
        );
    });
    socket.on('disconnect', () => this.disconnects++);
    socket.on('connect_error', () => {
      // Its process is gone: after a few refusals, go to the next address (if it has one).
      if (++this.failures < 3 || this.urls.length < 2 || this.closed) return;
      socket.close();
      this.at = (this.at + 1) % this.urls.length;
      this.failures = 0;
      this.open();
    });
    const onView = (event: 'view:room' | 'view:student') => (delta: unknown) => {
      if (socket !== this.socket || !mirror.apply(event, delta)) return;
      const view = mirror.view;
      if (!view) return;
      const previous = this.view?.room;
      this.view = view;
      const { timeS, phase } = view.room;
      if (previous?.timeS !== timeS || previous.phase !== phase) {
        this.clockTrail.push(`${((Date.now() - this.madeAt) / 1000).toFixed(2)}s ${socket.id} ${event} t=${timeS} ${phase} seq=${view.room.seq}`);
        if (this.clockTrail.length > 200) this.clockTrail.shift();
      }
      // Judged on the student's own part, which completes a view: a newcomer's whole room part carries
      // the clock of the room's last shared broadcast, and the student part right behind it corrects it.
      if (event !== 'view:student') return;
      if (timeS < this.maxTimeS) this.clockWentBack.push(`${this.nickname}: ${this.maxTimeS} then ${timeS}`);
      this.maxTimeS = Math.max(this.maxTimeS, timeS);
    };
    socket.on('view:room', onView('view:room'));
    socket.on('view:student', onView('view:student'));
  }

  /** Notes a moment of the test (a signal sent) among the clock changes it shows on failure. */
  mark(what: string): void {
    this.clockTrail.push(`${((Date.now() - this.madeAt) / 1000).toFixed(2)}s ${what}`);
  }

  /** Sends an action and resolves with its acknowledgement. */
  act(action: PlayerActionInput): Promise<Ack<{ id?: string }>> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('player:act', { action });
  }

  /** The ids of the instances on its own cluster, in the order its view lists them. */
  instanceIds(): string[] {
    return this.view?.cluster.instances.map((i) => i.id) ?? [];
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}

/** A teacher's screen: hosts the room on every connect (it reconnects by itself). */
export class TestTeacher {
  readonly socket: Client;
  hosted = 0;
  disconnects = 0;

  constructor(url: string, code: string, hostToken: string) {
    this.socket = io(url, { transports: ['websocket'], forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 }) as Client;
    this.socket.on('connect', () => {
      void this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('room:host', { protocol: PROTOCOL_VERSION, code, hostToken })
        .then(
          (ack) => void (ack.ok && this.hosted++),
          () => undefined,
        );
    });
    this.socket.on('disconnect', () => this.disconnects++);
  }

  control(command: 'start' | 'pause' | 'resume' | 'nextPhase' | 'end'): Promise<Ack> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('host:control', { command });
  }

  close(): void {
    this.socket.close();
  }
}

/** A container deploy of the tutorial's web app, with an id of the test's choosing. */
export const deploy = (id: string, target = 'linux-1'): PlayerActionInput => ({ type: 'deploy', id, appId: 'web', runtime: 'container', target });

/** The deploy ids in a room's log (its `room:act` entries), in log order. */
export function deployIds(log: readonly LogEntry[]): string[] {
  const ids: string[] = [];
  for (const { action } of log) {
    const logged = action as { type: string; action?: { type: string; id?: string } };
    if (logged.type === 'room:act' && logged.action?.type === 'deploy' && logged.action.id !== undefined) ids.push(logged.action.id);
  }
  return ids;
}

/** The room's clock as its log tells it: one simulated second per tick entry. */
export const ticksIn = (log: readonly LogEntry[]): number => log.filter((e) => e.action.type === 'tick').length;

/** Polls an async check until it passes; after the timeout, throws its last failure (what differed). */
export async function eventuallyAsync<T>(check: () => Promise<T>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
