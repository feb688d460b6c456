/**
 * bench:client: a phone-class browser applying a 2,000-student room's patches (issue 10).
 *
 *   npx tsx test/bench/client.bench.ts [--students 2000] [--window 30] [--rate 4,6] [--no-place]
 *
 * Builds the client into a directory of its own, starts the real server on a free loopback port,
 * creates one flash-sale room, fills it with socket.io bots (a child process: test/bench/client/
 * bots.ts) and opens one real student page in Debian's Chromium at 390×844 (touch, DPR 3) that
 * joins through the UI and places two apps. With the CPU throttled through CDP (each rate in
 * --rate, one steady window each, in the same run) it measures what the page receives, main-thread
 * busy time, long tasks, frame pacing, how often the clock and the score it shows move, and the JS
 * heap. Prints a table and writes test/bench/results/client.json. Loopback only; everything it
 * starts is stopped by pid on exit, error or Ctrl-C.
 */
import { spawn, spawnSync, fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { freePort } from '../support/server-process.ts';
import { applyView } from '../../shared/views/patch.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HERE = fileURLToPath(new URL('.', import.meta.url));
const RESULTS = `${HERE}results/client.json`;
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const JOIN_RATE = 200;
/** After the countdown, before the first window; and between two windows (a new throttle rate settles). */
const WARMUP_S = 2;
const SETTLE_S = 2;

// ---------------------------------------------------------------------------------------------
// Arguments

function parseArgs(argv: string[]) {
  const opts = { students: 2000, window: 30, rates: [4, 6], place: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--students') opts.students = Number(value());
    else if (a === '--window') opts.window = Number(value());
    else if (a === '--rate' || a === '--rates') opts.rates = value().split(',').map(Number);
    else if (a === '--no-place') opts.place = false;
    else if (a === '--help' || a === '-h') {
      console.log('npx tsx test/bench/client.bench.ts [--students 2000] [--window 30] [--rate 4,6] [--no-place]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.students) || opts.students < 1 || opts.students > 2000) throw new Error('--students: a whole number from 1 to 2000 (the page included)');
  if (!(opts.window >= 5 && opts.window <= 80)) throw new Error('--window: 5 to 80 seconds');
  if (opts.rates.length < 1 || opts.rates.some((r) => !(r >= 1 && r <= 20))) throw new Error('--rate: throttle rates from 1 to 20, comma-separated');
  return opts;
}

// ---------------------------------------------------------------------------------------------
// Processes we start, and stopping them (by pid, whatever happens)

const cleanups: (() => Promise<void> | void)[] = [];
const children = new Set<ChildProcess>();
let buildDir: string | null = null;

function killChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.on('exit', () => {
  killChildren();
  if (buildDir) rmSync(buildDir, { recursive: true, force: true });
});

async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = once(child, 'exit');
  process.kill(child.pid, 'SIGTERM');
  const timeout = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout').unref());
  if ((await Promise.race([exited, timeout])) === 'timeout' && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
}

let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await Promise.race([fn(), new Promise((r) => setTimeout(r, 8000).unref())]);
      } catch {
        // best effort: the exit handler kills what is left
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\nbench:client: ${signal}, stopping the browser, the bots and the server`);
    void cleanup().finally(() => process.exit(130));
    setTimeout(() => process.exit(130), 10_000).unref();
  });
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => console.log(`[bench:client ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// Client build and server (as test/e2e/global-setup.ts does it, with a build directory of our own)

function buildClient(): string {
  const out = `${os.tmpdir()}/cc-client-bench-${process.pid}/`;
  buildDir = out;
  const build = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '-c', 'client/vite.config.ts', '--logLevel', 'warn', '--outDir', out, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
  if (build.status !== 0) throw new Error('vite build of the client failed');
  return out;
}

async function startServer(clientDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      SKIP_CLIENT_BUILD: '1',
      CC_CLIENT_DIR: clientDir,
      LOG_LEVEL: 'error',
      MAX_PLAYERS: '2000',
      SEATS_PER_ADDRESS_PER_MINUTE: '100000',
      ROOMS_PER_ADDRESS: '100000',
      TEACHER_PASSCODE: '',
      REDIS_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  cleanups.push(() => stopChild(child));
  let output = '';
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', (d: Buffer) => {
    output = (output + String(d)).slice(-4000);
    process.stderr.write(`[server] ${d}`);
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) before it answered /health:\n${output}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return { url, child };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer /health within 30 s:\n${output}`);
    await sleep(200);
  }
}

/** The server's CPU time so far (user+system, ms), from /proc: no change to the server needed. */
function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const tick = 100; // USER_HZ on Linux
    return ((Number(fields[11]) + Number(fields[12])) / tick) * 1000;
  } catch {
    return null;
  }
}

/**
 * The server's event-loop lag from its own /metrics (prom-client's monitor, 20 ms resolution): the
 * monitor starts afresh at each scrape, so a scrape at the window's start and one at its end give
 * the lag within it.
 */
async function eventLoopLag(url: string): Promise<{ p50Ms: number; p99Ms: number; maxMs: number } | null> {
  try {
    const text = await (await fetch(`${url}/metrics`)).text();
    const get = (name: string) => {
      const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)$`, 'm').exec(text);
      return m ? Math.round(Number(m[1]) * 1000 * 10) / 10 : NaN;
    };
    const lag = { p50Ms: get('nodejs_eventloop_lag_p50_seconds'), p99Ms: get('nodejs_eventloop_lag_p99_seconds'), maxMs: get('nodejs_eventloop_lag_max_seconds') };
    return Object.values(lag).every(Number.isFinite) ? lag : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Bots (child process)

interface BotStats {
  connected: number;
  disconnects: number;
  errors: Record<string, number>;
  events: number;
  viewRoom: number;
  viewStudent: number;
  acts: number;
  actsOk: number;
  refused: Record<string, number>;
}

function startBots() {
  const child = fork(`${HERE}client/bots.ts`, [], {
    cwd: ROOT,
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(child);
  const waiters: { type: string; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  let onProgress: (m: Record<string, unknown>) => void = () => {};
  child.on('message', (m: Record<string, unknown>) => {
    if (m.type === 'progress') return onProgress(m);
    const i = waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
  });
  child.on('exit', (code) => {
    for (const w of waiters.splice(0)) w.reject(new Error(`the bot process exited (${code})`));
  });
  const request = <T>(message: Record<string, unknown>, reply: string, timeoutMs = 15_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bot process did not answer ${String(message.cmd)} within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        type: reply,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      child.send(message);
    });
  cleanups.push(async () => {
    if (child.connected) await request({ cmd: 'close' }, 'closed', 5000).catch(() => {});
    await stopChild(child, 2000);
  });
  return {
    child,
    join: (url: string, code: string, students: number, progress: (m: Record<string, unknown>) => void) => {
      onProgress = progress;
      return request<{ joined: number; failed: number; seconds: number }>({ cmd: 'join', url, code, protocol: PROTOCOL_VERSION, students, rate: JOIN_RATE }, 'joined', (students / JOIN_RATE) * 1000 + 60_000);
    },
    act: (on: boolean) => request({ cmd: 'act', on }, 'ok'),
    stats: () => request<BotStats>({ cmd: 'stats' }, 'stats'),
  };
}

// ---------------------------------------------------------------------------------------------
// Teacher (a socket in this process)

interface RoomStatic {
  scenario: { durationS: number };
}

async function teacher(url: string, code: string, hostToken: string) {
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true });
  cleanups.push(() => void socket.close());
  let disconnects = 0;
  let closing = false;
  socket.on('disconnect', () => {
    if (!closing) disconnects++;
  });
  const ack = async (event: string, payload: unknown) => {
    const reply = (await socket.timeout(10_000).emitWithAck(event, payload)) as { ok: boolean; error?: { code: string; message: string }; room?: RoomStatic };
    if (!reply.ok) throw new Error(`${event} refused: ${JSON.stringify(reply.error)}`);
    return reply;
  };
  // The server's own clock, as the (unthrottled) teacher sees it: [Date.now(), timeS] per header received.
  let view: { room: { timeS: number; phase: string; countdown: number } } | null = null;
  const clock: [number, number][] = [];
  socket.on('view:teacher', (delta: unknown) => {
    view = applyView(view, delta as never);
    if (view && view.room.phase === 'running' && view.room.countdown === 0 && clock.at(-1)?.[1] !== view.room.timeS) clock.push([Date.now(), view.room.timeS]);
  });
  const reply = await ack('room:host', { protocol: PROTOCOL_VERSION, code, hostToken });
  return {
    clock,
    durationS: reply.room!.scenario.durationS,
    control: (command: string) => ack('host:control', { command }),
    inject: (event: Record<string, unknown>) => ack('host:inject', { event }),
    disconnects: () => disconnects,
    close: () => {
      closing = true;
      socket.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The measured page

interface FrameCounts {
  viewRoom: number;
  viewRoomBytes: number;
  viewStudent: number;
  viewStudentBytes: number;
  other: number;
  otherBytes: number;
}
const zeroCounts = (): FrameCounts => ({ viewRoom: 0, viewRoomBytes: 0, viewStudent: 0, viewStudentBytes: 0, other: 0, otherBytes: 0 });
const minus = (a: FrameCounts, b: FrameCounts): FrameCounts => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - b[k as keyof FrameCounts]])) as unknown as FrameCounts;

interface ProbeResult {
  windowStart: number;
  windowEnd: number;
  windowStartEpoch: number;
  windowEndEpoch: number;
  longTaskSupported: boolean;
  longTasks: number[];
  frames: number[];
  handler: number[];
  clock: [number, number][];
  scoreValueChanges: number[];
  scoreTextChanges: number[];
  watching: { clock: boolean; score: boolean };
  reattached: number;
  clockText: string | null;
  scoreText: string | null;
}

const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;
type Metrics = Record<(typeof METRICS)[number] | 'Timestamp' | 'JSHeapUsedSize', number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  const out = {} as Metrics;
  for (const m of list) if ((METRICS as readonly string[]).includes(m.name) || m.name === 'Timestamp' || m.name === 'JSHeapUsedSize') out[m.name as keyof Metrics] = m.value;
  return out;
}

async function openStudent(browser: Browser, url: string, code: string, place: boolean, pageErrors: string[]) {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true });
  cleanups.push(() => context.close());
  await context.addInitScript({ path: `${HERE}client/probe.js` });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
  page.on('crash', () => pageErrors.push('the page crashed'));
  const counts = zeroCounts();
  const sockets = { opened: 0, closed: 0, closedEarly: 0 };
  let expectClose = false;
  page.on('websocket', (ws) => {
    if (!ws.url().includes('/socket.io/')) return;
    sockets.opened++;
    ws.on('framereceived', ({ payload }) => {
      const text = typeof payload === 'string' ? payload : payload.toString('utf8');
      const bytes = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
      if (text.startsWith('42["view:room"')) {
        counts.viewRoom++;
        counts.viewRoomBytes += bytes;
      } else if (text.startsWith('42["view:student"')) {
        counts.viewStudent++;
        counts.viewStudentBytes += bytes;
      } else {
        counts.other++;
        counts.otherBytes += bytes;
      }
    });
    ws.on('close', () => {
      sockets.closed++;
      if (!expectClose) sockets.closedEarly++;
    });
  });

  // Join as a student would: the join link, a nickname, the button.
  await page.goto(`/join/${code}`);
  await page.getByTestId('join-nickname').fill('Phone Pat');
  await page.getByTestId('join-submit').click();
  await page.waitForURL(new RegExp(`/play/${code}$`), { timeout: 20_000 });
  await page
    .getByTestId('cluster-board')
    .waitFor({ state: 'visible', timeout: 30_000 })
    .catch(async (error: Error) => {
      const text = await page.evaluate('document.body.innerText').catch(() => '');
      const shot = `${os.tmpdir()}/cc-client-bench-${process.pid}-join.png`;
      await page.screenshot({ path: shot }).catch(() => {});
      throw new Error(`${error.message}\nthe page said: ${String(text).slice(0, 500)}\nscreenshot: ${shot}`);
    });

  // Two apps placed with taps (as phone.spec.ts does): the page's own score then moves too.
  let placed = 0;
  if (place) {
    for (const [app, host] of [
      ['storefront', 'node-2'],
      ['checkout', 'node-3'],
    ] as const) {
      await page.getByTestId(`select-${app}`).tap({ timeout: 15_000 });
      await page.locator(`[data-testid=host][data-host="${host}"]`).getByTestId('place-here').tap({ timeout: 15_000 });
      const dialog = page.getByTestId('place-dialog');
      await dialog.getByTestId('place-runtime-container').check({ timeout: 15_000 });
      await dialog.getByTestId('place-submit').tap({ timeout: 15_000 });
      await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
      await page.locator(`[data-testid=host][data-host="${host}"] [data-testid=instance][data-app="${app}"]`).first().waitFor({ timeout: 15_000 });
      placed++;
    }
  }
  // BENCH_NO_FRAMES=1: no requestAnimationFrame loop (no frame figures), to see what the loop itself costs.
  const watching = await page.evaluate(`window.__ccBench.watch(${process.env.BENCH_NO_FRAMES ? 'false' : 'true'})`);
  if (!watching) pageErrors.push('the probe found no [data-testid=clock] or [data-testid=bar-points] cc-count-up to watch');

  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  return {
    page,
    cdp,
    placed,
    counts: () => ({ ...counts }),
    sockets,
    expectClose: () => (expectClose = true),
  };
}

/** The main thread's trace events by name (self time not separated: nested events overlap). */
function summariseTrace(buffer: Buffer): void {
  const { traceEvents } = JSON.parse(buffer.toString('utf8')) as { traceEvents: { name: string; ph: string; dur?: number; pid: number; tid: number; args?: { name?: string } }[] };
  const main = traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`);
  const byName = new Map<string, { n: number; ms: number }>();
  for (const e of traceEvents) {
    if (e.ph !== 'X' || !main.includes(`${e.pid}:${e.tid}`)) continue;
    const entry = byName.get(e.name) ?? { n: 0, ms: 0 };
    entry.n++;
    entry.ms += (e.dur ?? 0) / 1000;
    byName.set(e.name, entry);
  }
  console.log('trace, renderer main thread (inclusive ms, count):');
  for (const [name, { n, ms }] of [...byName].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`  ${ms.toFixed(1).padStart(9)} ms ${String(n).padStart(6)}  ${name}`);
}

// ---------------------------------------------------------------------------------------------
// Figures

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}
const round = (v: number | null, d = 1) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** d) / 10 ** d);
const maxGap = (times: number[], start: number, end: number): number | null => {
  if (times.length === 0) return round((end - start) / 1000, 2);
  let gap = times[0]! - start;
  for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i]! - times[i - 1]!);
  gap = Math.max(gap, end - times[times.length - 1]!);
  return round(gap / 1000, 2);
};

function figures(args: { rate: number; windowS: number; m0: Metrics; m1: Metrics; c: FrameCounts; probe: ProbeResult; speed: number; heap: { usedSize: number; totalSize: number }; serverClock: [number, number][] }) {
  const { m0, m1, c, probe, speed } = args;
  const realS = m1.Timestamp - m0.Timestamp;
  const updates = c.viewRoom + c.viewStudent;
  const busy = Object.fromEntries(METRICS.map((k) => [k, (m1[k] - m0[k]) * 1000])) as Record<(typeof METRICS)[number], number>;
  const frames = [...probe.frames].sort((a, b) => a - b);
  const long = [...probe.longTasks].sort((a, b) => a - b);
  const handler = [...probe.handler].sort((a, b) => a - b);
  // The clock. Page samples: [epoch ms, simulated s] at each change of what the page shows;
  // server samples: the headers the teacher's socket received. Rates are simulated seconds per
  // real second over the window divided by what the pace promises (1 = keeps up); "lost" is how
  // many real seconds the clock fell behind over the window.
  const perReal = speed * 10;
  const t0 = probe.windowStartEpoch;
  const t1 = probe.windowEndEpoch;
  const pace = (samples: [number, number][]) => {
    if (samples.length < 2) return { rate: null, lostS: null };
    const [a, b] = [samples[0]!, samples[samples.length - 1]!];
    const realS = (b[0] - a[0]) / 1000;
    const simRealS = (b[1] - a[1]) / perReal;
    return { rate: round(simRealS / realS, 3), lostS: round(realS - simRealS, 2) };
  };
  const serverSamples = args.serverClock.filter(([t]) => t >= t0 - 1500 && t <= t1 + 1500);
  const serverAt = (t: number): number | null => {
    if (serverSamples.length === 0) return null;
    let i = serverSamples.findIndex(([ts]) => ts > t);
    if (i === -1) {
      const [ts, sim] = serverSamples[serverSamples.length - 1]!;
      return sim + ((t - ts) / 1000) * perReal;
    }
    if (i === 0) i = 1;
    if (i >= serverSamples.length) return serverSamples[serverSamples.length - 1]![1];
    const [ta, sa] = serverSamples[i - 1]!;
    const [tb, sb] = serverSamples[i]!;
    return sa + ((sb - sa) * (t - ta)) / (tb - ta);
  };
  const behind = probe.clock
    .map(([t, sim]) => {
      const server = serverAt(t);
      return server === null ? null : (server - sim) / perReal;
    })
    .filter((x): x is number => x !== null)
    .sort((a, b) => a - b);
  const pagePace = pace(probe.clock);
  const serverPace = pace(args.serverClock.filter(([t]) => t >= t0 && t <= t1));
  return {
    throttleRate: args.rate,
    windowS: round(realS, 2),
    received: {
      viewRoom: c.viewRoom,
      viewStudent: c.viewStudent,
      viewRoomPerS: round(c.viewRoom / realS, 2),
      viewStudentPerS: round(c.viewStudent / realS, 2),
      updatesPerS: round(updates / realS, 2),
      viewRoomBytesMean: c.viewRoom ? Math.round(c.viewRoomBytes / c.viewRoom) : null,
      viewStudentBytesMean: c.viewStudent ? Math.round(c.viewStudentBytes / c.viewStudent) : null,
      bytesPerS: Math.round((c.viewRoomBytes + c.viewStudentBytes) / realS),
      otherFrames: c.other,
    },
    mainThread: {
      busyMsPerS: round(busy.TaskDuration / realS),
      busyFraction: round(busy.TaskDuration / 1000 / realS, 3),
      scriptMsPerS: round(busy.ScriptDuration / realS),
      layoutMsPerS: round(busy.LayoutDuration / realS),
      recalcStyleMsPerS: round(busy.RecalcStyleDuration / realS),
      busyMsPerUpdate: updates ? round(busy.TaskDuration / updates, 2) : null,
      handlerMessages: handler.length,
      handlerMsP50: round(quantile(handler, 0.5), 2),
      handlerMsP95: round(quantile(handler, 0.95), 2),
      handlerMsMax: round(quantile(handler, 1), 2),
      handlerMsPerS: round(handler.reduce((a, b) => a + b, 0) / realS, 1),
      scriptMsPerUpdate: updates ? round(busy.ScriptDuration / updates, 2) : null,
    },
    longTasks: { supported: probe.longTaskSupported, count: long.length, maxMs: round(long.length ? long[long.length - 1]! : 0), totalMs: round(long.reduce((a, b) => a + b, 0)) },
    frames: { count: frames.length, fps: round(frames.length / realS), p50Ms: round(quantile(frames, 0.5)), p95Ms: round(quantile(frames, 0.95)), p99Ms: round(quantile(frames, 0.99)), maxMs: round(quantile(frames, 1)), over50Ms: frames.filter((f) => f > 50).length },
    clock: {
      changes: probe.clock.length,
      maxGapS: maxGap(
        probe.clock.map(([t]) => t),
        t0,
        t1,
      ),
      pageRate: pagePace.rate,
      pageLostS: pagePace.lostS,
      serverRate: serverPace.rate,
      serverLostS: serverPace.lostS,
      serverHeaders: serverSamples.length,
      behindServerP50S: round(quantile(behind, 0.5), 2),
      behindServerP95S: round(quantile(behind, 0.95), 2),
      behindServerMaxS: round(quantile(behind, 1), 2),
      lastText: probe.clockText,
    },
    score: {
      valueChanges: probe.scoreValueChanges.length,
      valueMaxGapS: maxGap(probe.scoreValueChanges, probe.windowStart, probe.windowEnd),
      digitChanges: probe.scoreTextChanges.length,
      digitMaxGapS: maxGap(probe.scoreTextChanges, probe.windowStart, probe.windowEnd),
      lastText: probe.scoreText,
    },
    heap: { usedMiB: round(args.heap.usedSize / 2 ** 20, 2), totalMiB: round(args.heap.totalSize / 2 ** 20, 2) },
  };
}
type Figures = ReturnType<typeof figures> & {
  machine: { serverCpuPercentOfCore: number | null; botsCpuPercentOfCore: number | null; serverEventLoopLag: { p50Ms: number; p99Ms: number; maxMs: number } | null; loadavg1: (number | null)[] };
};

function printTable(students: number, runs: Figures[]): void {
  const rows: [string, (f: Figures) => unknown][] = [
    ['window (s)', (f) => f.windowS],
    ['view:room received /s', (f) => f.received.viewRoomPerS],
    ['view:student received /s', (f) => f.received.viewStudentPerS],
    ['view:room bytes (mean)', (f) => f.received.viewRoomBytesMean],
    ['view:student bytes (mean)', (f) => f.received.viewStudentBytesMean],
    ['bytes received /s', (f) => f.received.bytesPerS],
    ['main thread busy ms /s', (f) => f.mainThread.busyMsPerS],
    ['  script / layout / style ms /s', (f) => `${f.mainThread.scriptMsPerS} / ${f.mainThread.layoutMsPerS} / ${f.mainThread.recalcStyleMsPerS}`],
    ['busy ms per update', (f) => f.mainThread.busyMsPerUpdate],
    ['ws message handler ms p50 / p95 / max', (f) => `${f.mainThread.handlerMsP50} / ${f.mainThread.handlerMsP95} / ${f.mainThread.handlerMsMax}`],
    ['ws message handler ms /s', (f) => f.mainThread.handlerMsPerS],
    ['long tasks > 50 ms (count / max ms)', (f) => `${f.longTasks.count} / ${f.longTasks.maxMs}`],
    ['frame interval p50 / p95 / max ms', (f) => `${f.frames.p50Ms} / ${f.frames.p95Ms} / ${f.frames.maxMs}`],
    ['frames (fps, > 50 ms)', (f) => `${f.frames.fps}, ${f.frames.over50Ms}`],
    ['clock: changes, max gap s', (f) => `${f.clock.changes}, ${f.clock.maxGapS}`],
    ['clock pace page / server (1 = real time)', (f) => `${f.clock.pageRate} / ${f.clock.serverRate}`],
    ['clock s lost over window page / server', (f) => `${f.clock.pageLostS} / ${f.clock.serverLostS}`],
    ['page clock behind server p50/p95/max s', (f) => `${f.clock.behindServerP50S} / ${f.clock.behindServerP95S} / ${f.clock.behindServerMaxS}`],
    ['score value: changes, max gap s', (f) => `${f.score.valueChanges}, ${f.score.valueMaxGapS}`],
    ['score digits: changes, max gap s', (f) => `${f.score.digitChanges}, ${f.score.digitMaxGapS}`],
    ['JS heap used MiB (end)', (f) => f.heap.usedMiB],
    ['server CPU % of a core / bots CPU %', (f) => `${f.machine.serverCpuPercentOfCore} / ${f.machine.botsCpuPercentOfCore}`],
    ['server event-loop lag p99 / max ms', (f) => (f.machine.serverEventLoopLag ? `${f.machine.serverEventLoopLag.p99Ms} / ${f.machine.serverEventLoopLag.maxMs}` : 'n/a')],
    ['machine load average (1 min) start / end', (f) => f.machine.loadavg1.join(' / ')],
  ];
  const head = ['figure', ...runs.map((r) => `CPU ×${r.throttleRate}`)];
  const table = [head, ...rows.map(([name, get]) => [name, ...runs.map((r) => String(get(r)))])];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log(`\nOne phone-class student page (390×844, DPR 3) in a room of ${students} students (${students - 1} bots and itself):`);
  for (const [i, row] of table.entries()) {
    console.log(`| ${row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w, j) => (j === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  }
}

// ---------------------------------------------------------------------------------------------
// The run

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const speed = 1;
  log(`building the client`);
  const clientDir = buildClient();
  const server = await startServer(clientDir);
  log(`server up at ${server.url} (pid ${server.child.pid})`);

  const res = await fetch(`${server.url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ scenarioId: 'flash-sale', mode: 'solo', speed }) });
  if (res.status !== 201) throw new Error(`POST /api/rooms: ${res.status} ${await res.text()}`);
  const { code, hostToken } = (await res.json()) as { code: string; hostToken: string };
  const host = await teacher(server.url, code, hostToken);
  cleanups.push(() => host.close());
  const runRealS = host.durationS / (speed * 10);
  const needS = WARMUP_S + opts.rates.length * opts.window + (opts.rates.length - 1) * SETTLE_S + 3;
  if (needS > runRealS) throw new Error(`${opts.rates.length} window(s) of ${opts.window} s need ${needS} s of the run; it lasts ${runRealS} s: shorten --window or give fewer --rate`);
  log(`room ${code}; ${opts.students - 1} bots joining at ${JOIN_RATE}/s (the page is the ${opts.students}th student)`);

  const bots = startBots();
  // The room holds `students` in all: the measured page is one of them (MAX_PLAYERS is 2,000).
  const joined = await bots.join(server.url, code, opts.students - 1, (m) => {
    if (Number(m.started) % 1000 === 0 && Number(m.started) > 0) log(`  ${String(m.joined)} joined, ${String(m.failed)} failed`);
  });
  log(`${joined.joined} bots joined in ${joined.seconds.toFixed(1)} s (${joined.failed} failed)`);
  if (joined.failed > 0) log(`  bot errors so far: ${JSON.stringify((await bots.stats()).errors)}`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  cleanups.push(() => browser.close());
  const pageErrors: string[] = [];
  const student = await openStudent(browser, server.url, code, opts.place, pageErrors);
  log(`student page joined${opts.place ? ` and placed ${student.placed} apps` : ''}`);

  await student.cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.rates[0]! });
  await bots.act(true);
  await host.control('start');
  const startedAt = Date.now();
  log(`run started (3 s countdown, then ${runRealS} s of play)`);
  await sleep(3000 + WARMUP_S * 1000);

  const runs: Figures[] = [];
  for (const [i, rate] of opts.rates.entries()) {
    if (i > 0) {
      await student.cdp.send('Emulation.setCPUThrottlingRate', { rate });
      await sleep(SETTLE_S * 1000);
    }
    // BENCH_TRACE=FILE: a Chromium timeline trace of the first window, summarised at the end (diagnosis only).
    const tracing = Boolean(process.env.BENCH_TRACE) && i === 0;
    if (tracing) await browser.startTracing(student.page, { path: process.env.BENCH_TRACE, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc', 'v8'] });
    await eventLoopLag(server.url);
    const cpu0 = { server: cpuMsOf(server.child.pid!), bots: cpuMsOf(bots.child.pid!) };
    const load0 = os.loadavg()[0]!;
    const c0 = student.counts();
    const m0 = await metrics(student.cdp);
    await student.page.evaluate('window.__ccBench.start()');
    log(`window ${i + 1}: CPU ×${rate} for ${opts.window} s`);
    await sleep((opts.window * 1000) / 2);
    await host.inject({ type: 'trafficSpike', appId: 'storefront', factor: 3, durationS: 60 });
    await sleep((opts.window * 1000) / 2);
    const probe = (await student.page.evaluate('window.__ccBench.stop()')) as ProbeResult;
    const m1 = await metrics(student.cdp);
    const c1 = student.counts();
    const lag = await eventLoopLag(server.url);
    const cpu1 = { server: cpuMsOf(server.child.pid!), bots: cpuMsOf(bots.child.pid!) };
    const cpuPct = (a: number | null, b: number | null) => (a === null || b === null ? null : round((b - a) / 10 / (m1.Timestamp - m0.Timestamp), 1));
    const heap = (await student.cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    if (tracing) summariseTrace(await browser.stopTracing());
    if (!probe.watching.clock || !probe.watching.score) pageErrors.push('the probe lost the clock or the score');
    runs.push({
      ...figures({ rate, windowS: opts.window, m0, m1, c: minus(c1, c0), probe, speed, heap, serverClock: host.clock }),
      machine: { serverCpuPercentOfCore: cpuPct(cpu0.server, cpu1.server), botsCpuPercentOfCore: cpuPct(cpu0.bots, cpu1.bots), serverEventLoopLag: lag, loadavg1: [round(load0, 2), round(os.loadavg()[0]!, 2)] },
    });
    // BENCH_RAW=FILE: the page's raw samples of each window, for a closer look.
    if (process.env.BENCH_RAW) writeFileSync(`${process.env.BENCH_RAW}.${i}.json`, JSON.stringify({ rate, m0, m1, probe, serverClock: host.clock }));
  }
  const runElapsedS = (Date.now() - startedAt) / 1000;
  const botStats = await bots.stats();
  await student.cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });

  const errors = {
    botJoinFailures: joined.failed,
    botDisconnects: botStats.disconnects,
    botErrors: botStats.errors,
    botsConnectedAtEnd: botStats.connected,
    teacherDisconnects: host.disconnects(),
    pageErrors,
    pageSocketsClosedEarly: student.sockets.closedEarly,
  };
  const errorCount = joined.failed + Object.values(botStats.errors).reduce((a, b) => a + b, 0) + host.disconnects() + pageErrors.length + student.sockets.closedEarly + (botStats.connected === joined.joined ? 0 : 1);
  student.expectClose();

  printTable(opts.students, runs);
  console.log(
    `\nbots: ${botStats.connected}/${opts.students - 1} connected at the end, ${botStats.acts} actions (${botStats.actsOk} accepted; refused: ${JSON.stringify(botStats.refused)}), ` +
      `${botStats.events} messages received (${round(botStats.viewStudent / Math.max(1, opts.students - 1) / Math.max(1, runElapsedS + joined.seconds), 2)} view:student per bot per s over the run)`,
  );
  console.log(`errors: ${errorCount}${errorCount ? ` ${JSON.stringify(errors)}` : ''}`);

  const result = {
    bench: 'client',
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg(), node: process.version, chromium: browser.version(), platform: `${os.platform()} ${os.release()}` },
    setup: { students: opts.students, bots: opts.students - 1, scenario: 'flash-sale', mode: 'solo', speed, joinRatePerS: JOIN_RATE, actingBots: 'one in ten, every 3–5 s (deploy storefront, then remove it)', viewport: '390x844', deviceScaleFactor: 3, isMobile: true, hasTouch: true, appsPlacedByPage: student.placed, windowS: opts.window, throttleRates: opts.rates, injected: 'trafficSpike storefront ×3 for 60 s, mid-window' },
    runs,
    bots: { joined: joined.joined, joinSeconds: joined.seconds, ...botStats },
    errors: { count: errorCount, ...errors },
    elapsedS: round((Date.now() - t0) / 1000, 1),
  };
  mkdirSync(`${HERE}results`, { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${RESULTS.replace(ROOT, '')} (${result.elapsedS} s in all)`);
  return errorCount === 0 ? 0 : 1;
}

const exitCode = await main().catch((error: unknown) => {
  console.error(`bench:client failed: ${(error as Error).stack ?? String(error)}`);
  return 1;
});
await cleanup();
process.exit(exitCode);
