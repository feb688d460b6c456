/**
 * The load benchmark of issue 10 (`npm run bench:load`): the real server as a process of its own,
 * real socket.io students in several bot workers, one teacher and one projector per room, and in
 * the same run a bare socket.io server delivering as many messages of the same sizes to as many
 * clients. Loopback only, every process started here is stopped here. docs/PERFORMANCE.md says
 * what each figure means; `--help` lists the flags.
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { guardChildren, startChild, type Child } from './load/proc.ts';
import { ServerSet, type ProcessFigures } from './load/servers.ts';
import { loopbackAddress } from './load/frames.ts';
import { StaffClient } from './load/staff.ts';
import { Counts, Tally } from './load/stats.ts';
import { baselineFigures, figures, mergeWorkers, table, type BaselineFigures, type Figures, type WorkerReport } from './load/figures.ts';
import type { MeterSample } from './load/meter.ts';
import type { RoomClock, Seat } from './load/bot-worker.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/index.ts';
import { checkNickname } from '../../server/rooms/nickname.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const WORKLOADS = {
  a: { name: '(a) 1 room × 2,000', rooms: 1, perRoom: 2000 },
  b: { name: '(b) 100 rooms × 30', rooms: 100, perRoom: 30 },
  c: { name: '(c) 200 rooms × 50', rooms: 200, perRoom: 50 },
} as const;
type WorkloadKey = keyof typeof WORKLOADS;

const SCENARIO = 'flash-sale';
const SPEED = 1;
const COUNTDOWN_S = 3;
/** New students a second, all workers together (a class joining, bounded so joining is not what is measured). */
const JOINS_PER_S = 300;
const BARE_CONNECTS_PER_S = 500;
/** Seats per loopback source address, so an older server's per-address limits (120 seats a minute) do not refuse the bots. */
const SEATS_PER_ADDRESS = 100;
const ROOMS_PER_ADDRESS = 20;

const { values: flags } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    scale: { type: 'string', default: '1' },
    steady: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '5' },
    workers: { type: 'string', default: '3' },
    'server-root': { type: 'string', default: ROOT },
    processes: { type: 'string', default: '1' },
    redis: { type: 'boolean', default: false },
    out: { type: 'string' },
    'no-baseline': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:load -- [--only a|b|c[,…]] [--scale F] [--steady S] [--warmup S] [--workers N]
                          [--processes N] [--redis] [--server-root DIR] [--out FILE] [--no-baseline] [--cpu-prof DIR]
  (a) 1 room × 2,000   (b) 100 rooms × 30   (c) 200 rooms × 50; --scale multiplies the students
  (the number of rooms for (b) and (c), the class for (a)).
  --processes N  N server processes (default 1: one process, the in-memory store, clients direct).
                 With N ≥ 2 the bench starts its own redis-server and nginx (the production config,
                 hashing each client's random \`lb\` key) in front; clients and REST go through nginx.
  --redis        with --processes 1: the one process on Redis behind nginx, to compare 1, 2 and 3
                 processes on equal terms.
  CPU and RSS are summed over the processes, with per-process figures, nginx's and redis-server's CPU
  beside; the baseline stays one bare socket.io process, clients direct.
  --out FILE     default test/bench/results/load.json, load-<N>proc.json, load-1proc-redis.json
  --cpu-prof DIR one .cpuprofile per server process and workload.`);
  process.exit(0);
}
const only = (flags.only?.flatMap((s) => s.split(',')).map((s) => s.trim()) ?? ['a', 'b', 'c']) as WorkloadKey[];
for (const k of only) if (!(k in WORKLOADS)) throw new Error(`--only takes a, b or c, not "${k}"`);
const scale = Number(flags.scale);
const steadyS = Number(flags.steady);
const warmupS = Number(flags.warmup);
const workerCount = Math.max(1, Math.floor(Number(flags.workers)));
const serverRoot = resolve(flags['server-root']);
const processCount = Number(flags.processes);
if (!(Number.isInteger(processCount) && processCount >= 1 && processCount <= 8)) throw new Error('--processes takes a whole number from 1 to 8');
const onRedis = processCount > 1 || flags.redis;
const defaultOut = processCount > 1 ? `load-${processCount}proc.json` : flags.redis ? 'load-1proc-redis.json' : 'load.json';
const outFile = resolve(flags.out ?? join(ROOT, 'test/bench/results', defaultOut));
const cpuProfDir = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : null;
if (!(scale > 0)) throw new Error('--scale must be a positive number');
// The flash-sale run lasts 900 simulated s = 90 real s at speed 1: the window must fit in it.
if (!(steadyS > 0 && steadyS + warmupS + 12 < 900 / (SPEED * 10))) throw new Error(`--steady plus --warmup must fit in the ${900 / (SPEED * 10)} s the scenario runs`);
if (!existsSync(join(serverRoot, 'server/main.ts'))) throw new Error(`no server/main.ts under --server-root ${serverRoot}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The checkout's commit from .git without running git (a worktree's .git is a file naming its gitdir). */
function gitRev(root: string): string | null {
  try {
    let gitDir = join(root, '.git');
    const worktree = /^gitdir: (.*)$/m.exec(existsSync(join(gitDir, 'HEAD')) ? '' : readFileSync(gitDir, 'utf8'));
    if (worktree) gitDir = resolve(root, worktree[1]!.trim());
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref: ')) return head;
    const ref = head.slice(5);
    if (existsSync(join(gitDir, ref))) return readFileSync(join(gitDir, ref), 'utf8').trim();
    const common = existsSync(join(gitDir, 'commondir')) ? resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()) : gitDir;
    if (existsSync(join(common, ref))) return readFileSync(join(common, ref), 'utf8').trim();
    const packed = readFileSync(join(common, 'packed-refs'), 'utf8');
    return packed.split('\n').find((l) => l.endsWith(` ${ref}`))?.split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

/** The machine's busy and total CPU time so far, in ms (Linux /proc/stat; null elsewhere). */
function machineCpu(): { busyMs: number; totalMs: number } | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const tick = 10; // USER_HZ is 100 on Linux
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busyMs: (total - idle) * tick, totalMs: total * tick };
  } catch {
    return null;
  }
}

/** POST /api/rooms from a given loopback address (fetch cannot choose its source address). */
function createRoom(port: number, localAddress: string): Promise<{ code: string; hostToken: string; projectorToken?: string }> {
  const body = JSON.stringify({ scenarioId: SCENARIO, mode: 'solo', speed: SPEED });
  return new Promise((resolvePromise, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/api/rooms', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout: 15_000 },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => (res.statusCode === 201 ? resolvePromise(JSON.parse(text)) : reject(new Error(`POST /api/rooms: ${res.statusCode} ${text.slice(0, 200)}`))));
      },
    );
    req.on('timeout', () => req.destroy(new Error('POST /api/rooms timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/** "Bot 1", "Bot 2", …, skipping the few the profanity filter refuses ("Bot 455" reads as a word to it). */
function botNicknames(n: number): string[] {
  const names: string[] = [];
  for (let i = 1; names.length < n; i++) if (checkNickname(`Bot ${i}`).ok) names.push(`Bot ${i}`);
  return names;
}

/** Runs `fn` over `items`, at most `n` at a time. */
async function pool<T, R>(items: T[], n: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

function startWorkers(n: number): Child[] {
  return Array.from({ length: n }, () => startChild('bot-worker.ts'));
}

/** Joins (or connects) in every worker at once, logging the progress each few seconds. */
async function joinAll(workers: Child[], type: 'join' | 'bare', shares: Record<string, unknown>[], ratePerS: number, total: number): Promise<{ joined: number; failed: number }> {
  const progress = workers.map(() => ({ joined: 0, failed: 0 }));
  workers.forEach((w, i) =>
    w.onEvent((m) => {
      if (m.kind === 'progress') progress[i] = { joined: Number(m.joined), failed: Number(m.failed) };
    }),
  );
  const ticker = setInterval(() => {
    const joined = progress.reduce((n, p) => n + p.joined, 0);
    const failed = progress.reduce((n, p) => n + p.failed, 0);
    log(`  ${type === 'join' ? 'joined' : 'connected'} ${joined} of ${total}${failed ? `, ${failed} failed` : ''}`);
  }, 5000);
  try {
    const limitMs = (total / ratePerS) * 1000 + 60_000;
    const replies = await Promise.all(workers.map((w, i) => w.request<{ joined: number; failed: number }>(type, { ...shares[i], ratePerS: ratePerS / workers.length }, limitMs)));
    return { joined: replies.reduce((n, r) => n + r.joined, 0), failed: replies.reduce((n, r) => n + r.failed, 0) };
  } finally {
    clearInterval(ticker);
  }
}

interface WorkloadResult {
  key: WorkloadKey;
  name: string;
  rooms: number;
  perRoom: number;
  figures: Figures;
  baseline: BaselineFigures | null;
  ratio: number | null;
  /** Each server process's own figures (one entry with a single process). */
  perProcess: ProcessFigures[];
  /** nginx's (master + worker) and redis-server's CPU over the window, % of one core; null when not running. */
  nginxCpuPct: number | null;
  redisCpuPct: number | null;
  /** On Redis: the servers' CPU plus nginx's and redis-server's, per student update, ÷ the baseline's per message. */
  ratioWithHelpers: number | null;
}

async function runWorkload(key: WorkloadKey): Promise<WorkloadResult> {
  const spec = WORKLOADS[key];
  const rooms = spec.rooms === 1 ? 1 : Math.max(1, Math.round(spec.rooms * scale));
  const perRoom = spec.rooms === 1 ? Math.max(1, Math.round(spec.perRoom * scale)) : spec.perRoom;
  const target = rooms * perRoom;
  const name = `(${key}) ${rooms} × ${perRoom}`;
  log(
    onRedis
      ? `${name}: starting redis-server, ${processCount} server process${processCount > 1 ? 'es' : ''} and nginx (${serverRoot})`
      : `${name}: starting the server (${serverRoot})`,
  );

  let servers: ServerSet | null = null;
  let workers: Child[] = [];
  const staffErrors = new Tally();
  const staff: StaffClient[] = [];
  try {
    servers = await ServerSet.start({
      processes: processCount,
      redis: onRedis,
      serverRoot,
      cpuProfDir,
      workload: key,
      clients: target + 2 * rooms,
      env: {
        SKIP_CLIENT_BUILD: '1',
        LOG_LEVEL: 'error',
        MAX_ROOMS: '1000',
        MAX_ROOM_CREATES_PER_MINUTE: '100000',
        MAX_PLAYERS: '2000',
        SEATS_PER_ADDRESS_PER_MINUTE: '100000',
        ROOMS_PER_ADDRESS: '100000',
        // No passcode, whatever the shell has set; REDIS_URL and TRUST_PROXY are the set's.
        TEACHER_PASSCODE: undefined,
      },
    });
    workers = startWorkers(Math.min(workerCount, target));
    const port = servers.port;
    const balanced = servers.balanced;
    const url = servers.url;
    const emptyRssEach = await servers.rss();
    const emptyRss = sum(emptyRssEach);
    // The protocol the server under test speaks: an older checkout may speak an older one.
    const protocol = Number(((await (await fetch(`${url}/api/config`)).json()) as { protocol?: number }).protocol ?? PROTOCOL_VERSION);

    const created = await pool(
      Array.from({ length: rooms }, (_, i) => i),
      8,
      (i) => createRoom(port, loopbackAddress(i, ROOMS_PER_ADDRESS, 20)),
    );
    log(`  ${rooms} rooms created (protocol ${protocol}); teachers and projectors attaching`);
    const teachers = created.map((r) => new StaffClient('teacher', r.code, r.hostToken, staffErrors, protocol));
    const projectors = created.filter((r) => r.projectorToken).map((r) => new StaffClient('projector', r.code, r.projectorToken!, staffErrors, protocol));
    staff.push(...teachers, ...projectors);
    await pool(staff, 20, (s, i) => s.attach(url, loopbackAddress(i, ROOMS_PER_ADDRESS, 30), balanced));

    // Seats dealt round-robin over the workers: each worker gets a share of every room.
    const seats: Seat[][] = workers.map(() => []);
    let k = 0;
    const nicknames = botNicknames(perRoom);
    for (const room of created) {
      for (let j = 0; j < perRoom; j++, k++) seats[k % workers.length]!.push({ code: room.code, nickname: nicknames[j]!, localAddress: loopbackAddress(k, SEATS_PER_ADDRESS) });
    }
    await Promise.all(workers.map((w) => w.request('setup', { url, protocol, balanced })));
    const joinStarted = Date.now();
    const joined = await joinAll(
      workers,
      'join',
      seats.map((s) => ({ seats: s })),
      JOINS_PER_S,
      target,
    );
    log(`  ${joined.joined} of ${target} students joined${joined.failed ? ` (${joined.failed} refused or timed out: counted as errors)` : ''}`);
    const joinedAt = Date.now();
    await sleep(1000);
    const joinedRss = sum(await servers.rss());

    // Start: bots begin acting (players may plan during the countdown), teachers press start.
    await Promise.all(workers.map((w) => w.request('act')));
    const startMs = new Counts(0.1);
    const clocks: RoomClock[] = [];
    await Promise.all(
      teachers.map(async (t) => {
        const sentAt = Date.now();
        const took = await t.send('host:control', { command: 'start' });
        if (took !== null) startMs.add(took);
        // The clock a server on time would run: from the press plus the countdown.
        clocks.push({ code: t.code, startMs: sentAt + COUNTDOWN_S * 1000, speed: SPEED, durationS: 900 });
      }),
    );
    await Promise.all(workers.map((w) => w.request('clocks', { rooms: clocks })));
    log(`  started; countdown ${COUNTDOWN_S} s, warm-up ${warmupS} s`);
    await sleep((COUNTDOWN_S + warmupS) * 1000);

    // The steady window.
    await servers.reset();
    await Promise.all(workers.map((w) => w.request('record')));
    for (const s of staff) s.recording = true;
    const machineAtStart = machineCpu();
    const coordinatorAtStart = process.cpuUsage();
    log(`  steady window: ${steadyS} s`);
    const windowStart = Date.now();
    const rssSamples: number[] = [];
    const rssSamplesEach: number[][] = [];
    const injectMs = new Counts(0.1);
    let injected = false;
    while (Date.now() - windowStart < steadyS * 1000) {
      await sleep(Math.min(2000, steadyS * 1000 - (Date.now() - windowStart)));
      const rssNow = await servers.rss();
      rssSamplesEach.push(rssNow);
      rssSamples.push(sum(rssNow));
      if (!injected && Date.now() - windowStart >= (steadyS * 1000) / 2) {
        injected = true;
        // Every teacher at once, as the event lands mid-run; acks are awaited in the background.
        void Promise.all(
          teachers.map(async (t) => {
            const took = await t.send('host:inject', { event: { type: 'trafficSpike', appId: 'storefront', factor: 3, durationS: 60 } });
            if (took !== null) injectMs.add(took);
          }),
        );
        log(`  injected a traffic spike in every room`);
      }
    }
    const [setSample] = await Promise.all([servers.sample(), ...workers.map((w) => w.request('stop'))]);
    const sample = setSample.combined;
    for (const s of staff) s.recording = false;
    const machineAtEnd = machineCpu();
    const coordinatorUs = process.cpuUsage(coordinatorAtStart);
    const drained = await Promise.all(workers.map((w) => w.request<{ outstanding: number }>('drain', { maxMs: 11_000 }, 20_000)));
    const outstanding = drained.reduce((n, d) => n + d.outstanding, 0);
    if (outstanding) log(`  ${outstanding} actions still unanswered after the drain`);
    const reports = await Promise.all(workers.map((w) => w.request<WorkerReport>('report')));
    const merged = mergeWorkers(reports);
    const steadyRss = rssSamples.reduce((a, b) => a + b, 0) / Math.max(1, rssSamples.length);
    const result = figures(
      merged,
      sample,
      { emptyRss, joinedRss, steadyRss, steadyRssMax: Math.max(...rssSamples) },
      {
        target,
        joined: joined.joined,
        joinS: (joinedAt - joinStarted) / 1000,
        staff: {
          teachers: teachers.length,
          projectors: projectors.length,
          teacherBytes: teachers.reduce((n, t) => n + t.bytes, 0),
          projectorBytes: projectors.reduce((n, p) => n + p.bytes, 0),
          messages: staff.reduce((n, s) => n + s.messages, 0),
        },
        staffErrors,
        injectMs,
        startMs,
      },
    );
    // What else ran on the machine meanwhile (the lead's tests, a browser): it skews every figure.
    if (machineAtStart && machineAtEnd) {
      const windowMs = sample.wallMs;
      const machinePct = ((machineAtEnd.busyMs - machineAtStart.busyMs) / windowMs) * 100;
      const oursPct = ((sample.cpuUs + setSample.helpersCpuUs + merged.workerCpuUs.reduce((a, b) => a + b, 0) + coordinatorUs.user + coordinatorUs.system) / 1000 / windowMs) * 100;
      result.machine = { cores: cpus().length, busyPctOfOneCore: Math.round(machinePct), benchPctOfOneCore: Math.round(oursPct), otherPctOfOneCore: Math.round(Math.max(0, machinePct - oursPct)) };
      if (result.machine.otherPctOfOneCore > 25) log(`  WARNING: other processes used ${result.machine.otherPctOfOneCore} % of a core during the window: the figures are skewed`);
    }
    for (const s of staff) s.close();
    staff.length = 0;
    await Promise.all(workers.map((w) => w.request('close')));
    const perProcess = servers.perProcess(setSample, emptyRssEach, rssSamplesEach);
    await servers.exit();
    log(`  ${merged.connectedAtStart} students (${merged.connected} at the end), ${result.updatesPerStudentPerS} updates/s each, own-view p99 ${result.ownViewMs.p99} ms, server CPU ${result.server.cpuPctOfOneCore} %${onRedis ? ` (${perProcess.map((p) => p.cpuPctOfOneCore).join(' + ')}), nginx ${setSample.nginxCpuPct ?? '–'} %, redis ${setSample.redisCpuPct ?? '–'} %` : ''}, ${result.errorTotal} errors`);

    let baseline: BaselineFigures | null = null;
    let ratio: number | null = null;
    let ratioWithHelpers: number | null = null;
    if (!flags['no-baseline'] && merged.connectedAtStart > 0 && merged.updates > 0) {
      baseline = await runBaseline(workers, merged.connectedAtStart, merged.updates / (merged.windowMs / 1000), merged.frames.toJSON());
      ratio = baseline.cpuUsPerDelivered && result.server.cpuUsPerStudentUpdate ? Math.round((result.server.cpuUsPerStudentUpdate / baseline.cpuUsPerDelivered) * 100) / 100 : null;
      if (onRedis && baseline.cpuUsPerDelivered) ratioWithHelpers = Math.round(((sample.cpuUs + setSample.helpersCpuUs) / merged.updates / baseline.cpuUsPerDelivered) * 100) / 100;
      log(`  baseline: ${baseline.cpuUsPerDelivered} µs per message; ratio ${ratio}×${ratioWithHelpers === null ? '' : `, ${ratioWithHelpers}× with nginx and redis-server`}`);
    }
    return { key, name, rooms, perRoom, figures: result, baseline, ratio, perProcess, nginxCpuPct: setSample.nginxCpuPct, redisCpuPct: setSample.redisCpuPct, ratioWithHelpers };
  } finally {
    for (const s of staff) s.close();
    await Promise.all([servers?.stop(), ...workers.map((c) => c.stop(2000))]);
  }
}

/** The same clients, message rate and frame sizes against a bare socket.io server. */
async function runBaseline(workers: Child[], clients: number, ratePerS: number, sizes: ReturnType<Counts['toJSON']>): Promise<BaselineFigures> {
  log(`  baseline: bare socket.io, one process, clients direct (no nginx, no Redis), ${clients} clients, ${Math.round(ratePerS)} messages/s`);
  const bare = startChild('baseline-server.ts');
  try {
    const { port } = await bare.request<{ port: number }>('listen');
    const url = `http://127.0.0.1:${port}`;
    await Promise.all(workers.map((w) => w.request('setup', { url })));
    const shares: string[][] = workers.map(() => []);
    for (let i = 0; i < clients; i++) shares[i % workers.length]!.push(loopbackAddress(i, SEATS_PER_ADDRESS));
    await joinAll(
      workers,
      'bare',
      shares.map((addresses) => ({ addresses })),
      BARE_CONNECTS_PER_S,
      clients,
    );
    await bare.request('send', { ratePerS, sizes });
    await sleep(2000);
    await bare.request('reset');
    await Promise.all(workers.map((w) => w.request('record')));
    await sleep(steadyS * 1000);
    const [sample] = await Promise.all([bare.request<MeterSample>('sample'), ...workers.map((w) => w.request('stop'))]);
    await bare.request('stopSending');
    const merged = mergeWorkers(await Promise.all(workers.map((w) => w.request<WorkerReport>('report'))));
    await Promise.all(workers.map((w) => w.request('close')));
    return baselineFigures(merged, sample, { ratePerS });
  } finally {
    await bare.request('exit').catch(() => undefined);
    await bare.stop(2000);
  }
}

const startedAt = Date.now();
// However it goes, the bench ends: past its budget every child is killed (proc.ts's exit hook).
const budgetS = only.reduce((n, k) => n + (WORKLOADS[k].rooms * WORKLOADS[k].perRoom * scale) / JOINS_PER_S + 2 * steadyS + 240 + (onRedis ? 30 + 10 * processCount : 0), 0);
setTimeout(() => {
  console.error(`bench:load: still running after ${Math.round(budgetS)} s, its time budget: giving up`);
  process.exit(1);
}, budgetS * 1000).unref();
// Before anything starts: a Ctrl-C while redis-server or nginx start must still end in their exit hooks.
guardChildren();
log(
  `bench:load: ${only.join(', ')} at scale ${scale}, steady ${steadyS} s, ${workerCount} bot workers, ` +
    `${onRedis ? `${processCount} server process${processCount > 1 ? 'es' : ''} on Redis behind nginx` : 'one server process, in-memory store'}, ${cpus().length} cores, Node ${process.version}`,
);
const results: WorkloadResult[] = [];
const load0 = loadavg();
for (const key of only) results.push(await runWorkload(key));

console.log('');
console.log(table(results, { processes: processCount, redis: onRedis }));
const output = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? null,
  loadavgBefore: load0,
  loadavgAfter: loadavg(),
  serverRoot,
  gitRev: gitRev(serverRoot),
  processes: processCount,
  redis: onRedis,
  settings: {
    scale,
    steadyS,
    warmupS,
    workers: workerCount,
    scenario: SCENARIO,
    speed: SPEED,
    joinsPerS: JOINS_PER_S,
    baseline: !flags['no-baseline'],
    // The ratio's denominator is the same whatever --processes says.
    baselineIs: 'one bare socket.io process, clients connected to it directly (no nginx, no Redis)',
    balancer: onRedis ? 'nginx, server/deploy/nginx/clusterclass.conf.template (hash $arg_lb consistent), a random lb key per client' : null,
    cpuProfDir,
  },
  durationS: Math.round((Date.now() - startedAt) / 1000),
  workloads: results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(output, null, 2) + '\n');
console.log(`\nwritten to ${outFile} (${output.durationS} s)`);
const dirty = results.filter((r) => r.figures.errorTotal > 0 || r.figures.disconnects > 0);
if (dirty.length) console.log(`not a clean run: errors or disconnects in ${dirty.map((r) => r.name).join(', ')} (see "errors" in the JSON)`);
process.exit(0);
