/**
 * The server side of one workload: either today's single process on the in-memory store, reached
 * directly, or N processes on a redis-server of the bench's own behind nginx (the production
 * balancer config), with Redis and nginx measured beside them. The coordinator sees one set:
 * one URL for clients and REST, one reset and one sample whose CPU and RSS are the sums over the
 * processes, and the per-process figures beside. Everything started here is stopped by `stop`,
 * by its pid; the exit hooks of proc.ts, nginx and redis-server cover a coordinator that dies.
 */
import { startChild, freePort, type Child } from './proc.ts';
import { startBalancer, type Balancer } from './balancer.ts';
import { groupCpuMs, processCpuMs } from './procstat.ts';
import type { MeterSample } from './meter.ts';
import { startRedisServer, type TestRedis } from '../../support/redis-server.ts';

export interface ServerSetOptions {
  readonly processes: number;
  /** Redis and nginx in front even for one process (always with several). */
  readonly redis: boolean;
  readonly serverRoot: string;
  /** One `.cpuprofile` per process here, named by workload and process. */
  readonly cpuProfDir: string | null;
  readonly workload: string;
  /** The limits and settings every process runs with. */
  readonly env: Record<string, string | undefined>;
  /** Connections expected (students, teachers, projectors): nginx is sized for them. */
  readonly clients: number;
}

export interface ProcessFigures {
  readonly process: number;
  readonly port: number;
  readonly pid: number | null;
  readonly cpuPctOfOneCore: number | null;
  readonly rssEmptyMiB: number | null;
  readonly rssSteadyMiB: number | null;
  readonly loopLagMs: { p50: number; p99: number; max: number };
  readonly loopLagMaxSinceStartMs: number;
  /** `clusterclass_rooms_owned` at the end of the window (null without Redis: one process owns all). */
  readonly roomsOwned: number | null;
  /** `clusterclass_forwarded_messages_total`: in the window, and since the process started. */
  readonly forwardedInWindow: number | null;
  readonly forwardedTotal: number | null;
  /** Since the process started: leases it found taken, writes fenced, rooms claimed from others (all 0 when no lease is lost under load). */
  readonly leasesLost: number | null;
  readonly fencedWrites: number | null;
  readonly takeovers: number | null;
}

export interface SetSample {
  /** The processes as one: CPU and RSS summed, lag the worst process's, the window the longest. */
  readonly combined: MeterSample;
  readonly each: readonly MeterSample[];
  readonly roomsOwned: readonly (number | null)[];
  readonly forwarded: readonly (number | null)[];
  readonly leasesLost: readonly (number | null)[];
  readonly fencedWrites: readonly (number | null)[];
  readonly takeovers: readonly (number | null)[];
  readonly nginxCpuPct: number | null;
  readonly redisCpuPct: number | null;
  /** nginx's and redis-server's CPU in the window, µs (for the machine's split into the bench and the rest). */
  readonly helpersCpuUs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const r1 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);

export class ServerSet {
  /** Where clients and REST calls go: nginx's port, or the only process's. */
  port = 0;
  private readonly children: Child[] = [];
  private readonly ports: number[] = [];
  private redis: TestRedis | null = null;
  private nginx: Balancer | null = null;
  private atReset: { forwarded: (number | null)[]; nginxMs: number | null; redisMs: number | null; at: number } | null = null;

  private constructor(readonly options: ServerSetOptions) {}

  /** Several processes, or one on Redis: nginx in front, clients need an `lb` key to spread. */
  get balanced(): boolean {
    return this.options.processes > 1 || this.options.redis;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts everything and resolves once every process answers /health (and nginx does too). */
  static async start(options: ServerSetOptions): Promise<ServerSet> {
    const set = new ServerSet(options);
    try {
      await set.startAll();
      return set;
    } catch (error) {
      await set.stop();
      throw error;
    }
  }

  private async startAll(): Promise<void> {
    const { processes, serverRoot, cpuProfDir, workload, env } = this.options;
    if (this.balanced) this.redis = await startRedisServer();
    for (let i = 0; i < processes; i++) {
      const port = await freePort();
      const tag = this.balanced ? `-p${i + 1}` : '';
      this.ports.push(port);
      this.children.push(
        startChild('server-proc.ts', {
          cwd: serverRoot,
          nodeArgs: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `server-${workload}${tag}-${Date.now()}.cpuprofile`] : [],
          env: {
            ...env,
            BENCH_SERVER_ROOT: serverRoot,
            PORT: String(port),
            HOST: '127.0.0.1',
            // One store and one link for all the processes; without Redis the in-memory store.
            REDIS_URL: this.redis?.url,
            // nginx is the one hop in front, as in production: the clients' addresses are in X-Forwarded-For.
            TRUST_PROXY: this.balanced ? '1' : undefined,
          },
        }),
      );
    }
    await Promise.all(this.children.map((child, i) => waitForHealth(`http://127.0.0.1:${this.ports[i]}`, child)));
    if (!this.balanced) {
      this.port = this.ports[0]!;
      return;
    }
    this.nginx = await startBalancer(this.ports, this.options.clients);
    this.port = this.nginx.port;
    await waitForHealth(this.url, this.children[0]!);
  }

  /** Each process's RSS now, bytes. */
  async rss(): Promise<number[]> {
    return Promise.all(this.children.map(async (c) => (await c.request<{ rss: number }>('rss')).rss));
  }

  /** Opens the window: every meter reset, the helpers' CPU and the forwarding counters read. */
  async reset(): Promise<void> {
    const [forwarded] = await Promise.all([this.scrape('clusterclass_forwarded_messages_total'), ...this.children.map((c) => c.request('reset'))]);
    this.atReset = { forwarded, nginxMs: this.nginx ? groupCpuMs(this.nginx.pid) : null, redisMs: this.redis ? processCpuMs(this.redis.pid) : null, at: performance.now() };
  }

  /** Closes the window. */
  async sample(): Promise<SetSample> {
    const each = await Promise.all(this.children.map((c) => c.request<MeterSample>('sample')));
    const wallMs = performance.now() - (this.atReset?.at ?? 0);
    const nginxMs = this.nginx ? groupCpuMs(this.nginx.pid) : null;
    const redisMs = this.redis ? processCpuMs(this.redis.pid) : null;
    const [roomsOwned, forwarded, leasesLost, fencedWrites, takeovers] = await Promise.all(
      ['clusterclass_rooms_owned', 'clusterclass_forwarded_messages_total', 'clusterclass_leases_lost_total', 'clusterclass_fenced_writes_total', 'clusterclass_takeovers_total'].map((name) => this.scrape(name)),
    );
    const pct = (now: number | null, then: number | null | undefined) => (now === null || then === null || then === undefined ? null : r1(((now - then) / wallMs) * 100));
    const nginxCpuPct = pct(nginxMs, this.atReset?.nginxMs);
    const redisCpuPct = pct(redisMs, this.atReset?.redisMs);
    const combined: MeterSample = {
      lagP50Ms: Math.max(...each.map((s) => s.lagP50Ms)),
      lagP99Ms: Math.max(...each.map((s) => s.lagP99Ms)),
      lagMaxMs: Math.max(...each.map((s) => s.lagMaxMs)),
      cpuUs: each.reduce((n, s) => n + s.cpuUs, 0),
      wallMs: Math.max(...each.map((s) => s.wallMs)),
      rss: each.reduce((n, s) => n + s.rss, 0),
      rssAtReset: each.reduce((n, s) => n + s.rssAtReset, 0),
      lagMaxSinceStartMs: Math.max(...each.map((s) => s.lagMaxSinceStartMs)),
    };
    const helpersCpuUs = (((nginxCpuPct ?? 0) + (redisCpuPct ?? 0)) / 100) * wallMs * 1000;
    return { combined, each, roomsOwned: roomsOwned!, forwarded: forwarded!, leasesLost: leasesLost!, fencedWrites: fencedWrites!, takeovers: takeovers!, nginxCpuPct, redisCpuPct, helpersCpuUs };
  }

  /** The per-process figures of a window: `rss` are the samples taken in it, one array per sample. */
  perProcess(sample: SetSample, emptyRss: readonly number[], rss: readonly (readonly number[])[]): ProcessFigures[] {
    return sample.each.map((s, i) => {
      const mine = rss.map((r) => r[i]!).filter((x) => x !== undefined);
      const steady = mine.length ? mine.reduce((a, b) => a + b, 0) / mine.length : null;
      const before = this.atReset?.forwarded[i] ?? null;
      const after = sample.forwarded[i] ?? null;
      return {
        process: i + 1,
        port: this.ports[i]!,
        pid: this.children[i]!.process.pid ?? null,
        cpuPctOfOneCore: r1((s.cpuUs / (s.wallMs * 1000)) * 100),
        rssEmptyMiB: r1(emptyRss[i]! / 2 ** 20),
        rssSteadyMiB: steady === null ? null : r1(steady / 2 ** 20),
        loopLagMs: { p50: s.lagP50Ms, p99: s.lagP99Ms, max: s.lagMaxMs },
        loopLagMaxSinceStartMs: s.lagMaxSinceStartMs,
        roomsOwned: sample.roomsOwned[i] ?? null,
        forwardedInWindow: before === null || after === null ? null : after - before,
        forwardedTotal: after,
        leasesLost: sample.leasesLost[i] ?? null,
        fencedWrites: sample.fencedWrites[i] ?? null,
        takeovers: sample.takeovers[i] ?? null,
      };
    });
  }

  /** One counter or gauge from each process's own /metrics (not through nginx); null where it is absent. */
  private async scrape(name: string): Promise<(number | null)[]> {
    if (!this.balanced) return this.children.map(() => null);
    const pattern = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm');
    return Promise.all(
      this.ports.map(async (port) => {
        try {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
          const match = pattern.exec(text);
          return match ? Number(match[1]) : null;
        } catch {
          return null;
        }
      }),
    );
  }

  /** Asks each process to exit on its own (so --cpu-prof writes its profile), then stops everything. */
  async exit(): Promise<void> {
    await Promise.all(
      this.children.map(async (c) => {
        if (c.process.exitCode !== null || c.process.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => c.process.once('exit', () => resolve()));
        await c.request('exit').catch(() => undefined);
        // Its own exit writes the profile; a SIGTERM before it would start a drain instead.
        await Promise.race([gone, sleep(3000)]);
      }),
    );
    await this.stop();
  }

  /** Stops every process, nginx and redis-server, by pid; safe to call again. */
  async stop(): Promise<void> {
    // nginx first, so no client is passed on to a process that is going.
    await this.nginx?.stop().catch(() => undefined);
    await Promise.all(this.children.map((c) => c.stop(2000)));
    // Redis last: the processes' links must not log a lost Redis while they close.
    await this.redis?.stop().catch(() => undefined);
  }
}

async function waitForHealth(url: string, child: Child, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (child.process.exitCode !== null) throw new Error(`the server exited: ${child.stderrTail()}`);
    const ok = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`the server did not answer ${url}/health within ${limitMs / 1000} s: ${child.stderrTail()}`);
}
