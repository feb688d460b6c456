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
import { freePort, startChild, type Child } from './load/proc.ts';
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
    out: { type: 'string', default: join(ROOT, 'test/bench/results/load.json') },
    'no-baseline': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (flags.help) {
  console.log(`npm run bench:load -- [--only a|b|c[,…]] [--scale F] [--steady S] [--warmup S] [--workers N]
                          [--server-root DIR] [--out FILE] [--no-baseline] [--cpu-prof DIR]
  (a) 1 room × 2,000   (b) 100 rooms × 30   (c) 200 rooms × 50; --scale multiplies the students
  (the number of rooms for (b) and (c), the class for (a)).`);
  process.exit(0);
}
const only = (flags.only?.flatMap((s) => s.split(',')).map((s) => s.trim()) ?? ['a', 'b', 'c']) as WorkloadKey[];
for (const k of only) if (!(k in WORKLOADS)) throw new Error(`--only takes a, b or c, not "${k}"`);
const scale = Number(flags.scale);
const steadyS = Number(flags.steady);
const warmupS = Number(flags.warmup);
const workerCount = Math.max(1, Math.floor(Number(flags.workers)));
const serverRoot = resolve(flags['server-root']);
const outFile = resolve(flags.out);
const cpuProfDir = flags['cpu-prof'] ? resolve(flags['cpu-prof']) : null;
if (!(scale > 0)) throw new Error('--scale must be a positive number');
// The flash-sale run lasts 900 simulated s = 90 real s at speed 1: the window must fit in it.
if (!(steadyS > 0 && steadyS + warmupS + 12 < 900 / (SPEED * 10))) throw new Error(`--steady plus --warmup must fit in the ${900 / (SPEED * 10)} s the scenario runs`);
if (!existsSync(join(serverRoot, 'server/main.ts'))) throw new Error(`no server/main.ts under --server-root ${serverRoot}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
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

async function waitForHealth(port: number, child: Child, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (child.process.exitCode !== null) throw new Error(`the server exited: ${child.stderrTail()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`the server did not answer /health within ${limitMs / 1000} s: ${child.stderrTail()}`);
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
}

async function runWorkload(key: WorkloadKey): Promise<WorkloadResult> {
  const spec = WORKLOADS[key];
  const rooms = spec.rooms === 1 ? 1 : Math.max(1, Math.round(spec.rooms * scale));
  const perRoom = spec.rooms === 1 ? Math.max(1, Math.round(spec.perRoom * scale)) : spec.perRoom;
  const target = rooms * perRoom;
  const name = `(${key}) ${rooms} × ${perRoom}`;
  log(`${name}: starting the server (${serverRoot})`);

  const port = await freePort();
  const server = startChild('server-proc.ts', {
    cwd: serverRoot,
    nodeArgs: cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfDir, '--cpu-prof-name', `server-${key}-${Date.now()}.cpuprofile`] : [],
    env: {
      BENCH_SERVER_ROOT: serverRoot,
      PORT: String(port),
      HOST: '127.0.0.1',
      SKIP_CLIENT_BUILD: '1',
      LOG_LEVEL: 'error',
      MAX_ROOMS: '1000',
      MAX_ROOM_CREATES_PER_MINUTE: '100000',
      MAX_PLAYERS: '2000',
      SEATS_PER_ADDRESS_PER_MINUTE: '100000',
      ROOMS_PER_ADDRESS: '100000',
      // The in-memory store, no passcode, no proxies, whatever the shell has set.
      REDIS_URL: undefined,
      TEACHER_PASSCODE: undefined,
      TRUST_PROXY: undefined,
    },
  });
  const workers = startWorkers(Math.min(workerCount, target));
  const staffErrors = new Tally();
  const staff: StaffClient[] = [];
  try {
    await waitForHealth(port, server);
    const url = `http://127.0.0.1:${port}`;
    const emptyRss = (await server.request<{ rss: number }>('rss')).rss;
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
    await pool(staff, 20, (s, i) => s.attach(url, loopbackAddress(i, ROOMS_PER_ADDRESS, 30)));

    // Seats dealt round-robin over the workers: each worker gets a share of every room.
    const seats: Seat[][] = workers.map(() => []);
    let k = 0;
    const nicknames = botNicknames(perRoom);
    for (const room of created) {
      for (let j = 0; j < perRoom; j++, k++) seats[k % workers.length]!.push({ code: room.code, nickname: nicknames[j]!, localAddress: loopbackAddress(k, SEATS_PER_ADDRESS) });
    }
    await Promise.all(workers.map((w) => w.request('setup', { url, protocol })));
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
    const joinedRss = (await server.request<{ rss: number }>('rss')).rss;

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
    await server.request('reset');
    await Promise.all(workers.map((w) => w.request('record')));
    for (const s of staff) s.recording = true;
    const machineAtStart = machineCpu();
    const coordinatorAtStart = process.cpuUsage();
    log(`  steady window: ${steadyS} s`);
    const windowStart = Date.now();
    const rssSamples: number[] = [];
    const injectMs = new Counts(0.1);
    let injected = false;
    while (Date.now() - windowStart < steadyS * 1000) {
      await sleep(Math.min(2000, steadyS * 1000 - (Date.now() - windowStart)));
      rssSamples.push((await server.request<{ rss: number }>('rss')).rss);
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
    const [sample] = await Promise.all([server.request<MeterSample>('sample'), ...workers.map((w) => w.request('stop'))]);
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
      const oursPct = ((sample.cpuUs + merged.workerCpuUs.reduce((a, b) => a + b, 0) + coordinatorUs.user + coordinatorUs.system) / 1000 / windowMs) * 100;
      result.machine = { cores: cpus().length, busyPctOfOneCore: Math.round(machinePct), benchPctOfOneCore: Math.round(oursPct), otherPctOfOneCore: Math.round(Math.max(0, machinePct - oursPct)) };
      if (result.machine.otherPctOfOneCore > 25) log(`  WARNING: other processes used ${result.machine.otherPctOfOneCore} % of a core during the window: the figures are skewed`);
    }
    for (const s of staff) s.close();
    staff.length = 0;
    await Promise.all(workers.map((w) => w.request('close')));
    await server.request('exit').catch(() => undefined);
    await server.stop();
    log(`  ${merged.connectedAtStart} students (${merged.connected} at the end), ${result.updatesPerStudentPerS} updates/s each, own-view p99 ${result.ownViewMs.p99} ms, server CPU ${result.server.cpuPctOfOneCore} %, ${result.errorTotal} errors`);

    let baseline: BaselineFigures | null = null;
    let ratio: number | null = null;
    if (!flags['no-baseline'] && merged.connectedAtStart > 0 && merged.updates > 0) {
      baseline = await runBaseline(workers, merged.connectedAtStart, merged.updates / (merged.windowMs / 1000), merged.frames.toJSON());
      ratio = baseline.cpuUsPerDelivered && result.server.cpuUsPerStudentUpdate ? Math.round((result.server.cpuUsPerStudentUpdate / baseline.cpuUsPerDelivered) * 100) / 100 : null;
      log(`  baseline: ${baseline.cpuUsPerDelivered} µs per message; ratio ${ratio}×`);
    }
    return { key, name, rooms, perRoom, figures: result, baseline, ratio };
  } finally {
    for (const s of staff) s.close();
    await Promise.all([server, ...workers].map((c) => c.stop(2000)));
  }
}

/** The same clients, message rate and frame sizes against a bare socket.io server. */
async function runBaseline(workers: Child[], clients: number, ratePerS: number, sizes: ReturnType<Counts['toJSON']>): Promise<BaselineFigures> {
  log(`  baseline: bare socket.io, ${clients} clients, ${Math.round(ratePerS)} messages/s`);
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
const budgetS = only.reduce((n, k) => n + (WORKLOADS[k].rooms * WORKLOADS[k].perRoom * scale) / JOINS_PER_S + 2 * steadyS + 240, 0);
setTimeout(() => {
  console.error(`bench:load: still running after ${Math.round(budgetS)} s, its time budget: giving up`);
  process.exit(1);
}, budgetS * 1000).unref();
log(`bench:load: ${only.join(', ')} at scale ${scale}, steady ${steadyS} s, ${workerCount} bot workers, ${cpus().length} cores, Node ${process.version}`);
const results: WorkloadResult[] = [];
const load0 = loadavg();
for (const key of only) results.push(await runWorkload(key));

console.log('');
console.log(table(results));
const output = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? null,
  loadavgBefore: load0,
  loadavgAfter: loadavg(),
  serverRoot,
  gitRev: gitRev(serverRoot),
  settings: { scale, steadyS, warmupS, workers: workerCount, scenario: SCENARIO, speed: SPEED, joinsPerS: JOINS_PER_S, baseline: !flags['no-baseline'], cpuProfDir },
  durationS: Math.round((Date.now() - startedAt) / 1000),
  workloads: results,
};
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, JSON.stringify(output, null, 2) + '\n');
console.log(`\nwritten to ${outFile} (${output.durationS} s)`);
const dirty = results.filter((r) => r.figures.errorTotal > 0 || r.figures.disconnects > 0);
if (dirty.length) console.log(`not a clean run: errors or disconnects in ${dirty.map((r) => r.name).join(', ')} (see "errors" in the JSON)`);
process.exit(0);
