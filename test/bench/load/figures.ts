/**
 * From what the workers and the measured processes reported to the figures of issue 10, and
 * the table printed at the end.
 */
import { Counts, Tally, type CountsJson, type TallyJson } from './stats.ts';
import type { MeterSample } from './meter.ts';

export interface WorkerReport {
  clients: number;
  connected: number;
  connectedAtStart: number;
  windowMs: number;
  ack: CountsJson;
  view: CountsJson;
  frames: CountsJson;
  staleness: CountsJson;
  scoreGaps: CountsJson;
  rates: CountsJson;
  updates: number;
  bytes: number;
  acks: number;
  events: Record<string, { n: number; bytes: number }>;
  errors: TallyJson;
  disconnects: number;
  actionsSent: number;
  actionsRecorded: number;
  lagP99Ms: number;
  lagMaxMs: number;
  lagMaxWholeMs: number;
  cpuUs: number;
}

/** The workers' reports as one. */
export function mergeWorkers(reports: WorkerReport[]) {
  const merged = {
    clients: 0,
    connected: 0,
    connectedAtStart: 0,
    windowMs: Math.max(...reports.map((r) => r.windowMs)),
    ack: new Counts(0.1),
    view: new Counts(0.1),
    frames: new Counts(1),
    staleness: new Counts(1),
    scoreGaps: new Counts(1),
    rates: new Counts(0.1),
    updates: 0,
    bytes: 0,
    acks: 0,
    events: {} as Record<string, { n: number; bytes: number }>,
    errors: new Tally(),
    disconnects: 0,
    actionsSent: 0,
    actionsRecorded: 0,
    workerLagP99Ms: 0,
    workerLagMaxMs: 0,
    workerLagMaxWholeMs: 0,
    workerCpuUs: [] as number[],
  };
  for (const r of reports) {
    merged.clients += r.clients;
    merged.connected += r.connected;
    merged.connectedAtStart += r.connectedAtStart;
    merged.ack.merge(r.ack);
    merged.view.merge(r.view);
    merged.frames.merge(r.frames);
    merged.staleness.merge(r.staleness);
    merged.scoreGaps.merge(r.scoreGaps);
    merged.rates.merge(r.rates);
    merged.updates += r.updates;
    merged.bytes += r.bytes;
    merged.acks += r.acks;
    for (const [name, e] of Object.entries(r.events)) {
      const mine = (merged.events[name] ??= { n: 0, bytes: 0 });
      mine.n += e.n;
      mine.bytes += e.bytes;
    }
    merged.errors.merge(r.errors);
    merged.disconnects += r.disconnects;
    merged.actionsSent += r.actionsSent;
    merged.actionsRecorded += r.actionsRecorded;
    merged.workerLagP99Ms = Math.max(merged.workerLagP99Ms, r.lagP99Ms);
    merged.workerLagMaxMs = Math.max(merged.workerLagMaxMs, r.lagMaxMs);
    merged.workerLagMaxWholeMs = Math.max(merged.workerLagMaxWholeMs, r.lagMaxWholeMs);
    merged.workerCpuUs.push(r.cpuUs);
  }
  return merged;
}
export type Merged = ReturnType<typeof mergeWorkers>;

const r1 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 10) / 10);
const r3 = (x: number | null) => (x === null || !Number.isFinite(x) ? null : Math.round(x * 1000) / 1000);

export interface Memory {
  readonly emptyRss: number;
  readonly joinedRss: number;
  readonly steadyRss: number;
  readonly steadyRssMax: number;
}

export function figures(
  w: Merged,
  server: MeterSample,
  memory: Memory,
  extra: { target: number; joined: number; joinS: number; staff: { teacherBytes: number; projectorBytes: number; teachers: number; projectors: number; messages: number }; staffErrors: Tally; injectMs: Counts; startMs: Counts },
) {
  const windowS = server.wallMs / 1000;
  const studentWindowS = w.windowMs / 1000;
  // Per-student figures are over the students in the room when the window opened (some may drop during it).
  const connected = w.connectedAtStart;
  const errors = new Tally();
  errors.merge(w.errors.toJSON());
  errors.merge(extra.staffErrors.toJSON());
  return {
    studentsTarget: extra.target,
    /** Seated by the join phase, and still connected at the end of the window. */
    studentsJoined: extra.joined,
    /** Real seconds the join phase took (at about 300 joins a second in all). */
    joinS: r1(extra.joinS),
    studentsAtWindowStart: connected,
    studentsConnected: w.connected,
    actionsInWindow: w.actionsRecorded,
    ackMs: { p50: r1(w.ack.percentile(50)), p95: r1(w.ack.percentile(95)), p99: r1(w.ack.percentile(99)), max: r1(w.ack.max), n: w.ack.count },
    ownViewMs: { p50: r1(w.view.percentile(50)), p95: r1(w.view.percentile(95)), p99: r1(w.view.percentile(99)), max: r1(w.view.max), n: w.view.count },
    updatesPerStudentPerS: r3(w.updates / Math.max(1, connected) / studentWindowS),
    updatesPerStudentPerSP5: r3(w.rates.percentile(5)),
    bytesPerUpdate: { median: w.frames.percentile(50), p99: w.frames.percentile(99), max: w.frames.max, mean: r1(w.frames.mean()) },
    studentBytesPerS: r1(w.bytes / Math.max(1, connected) / studentWindowS),
    byEvent: Object.fromEntries(Object.entries(w.events).map(([name, e]) => [name, { perStudentPerS: r3(e.n / Math.max(1, connected) / studentWindowS), meanBytes: Math.round(e.bytes / Math.max(1, e.n)) }])),
    server: {
      cpuPctOfOneCore: r1((server.cpuUs / (server.wallMs * 1000)) * 100),
      cpuUsPerStudentUpdate: w.updates > 0 ? r1(server.cpuUs / w.updates) : null,
      windowS: r1(windowS),
      rssEmptyMiB: r1(memory.emptyRss / 2 ** 20),
      rssJoinedMiB: r1(memory.joinedRss / 2 ** 20),
      rssSteadyMiB: r1(memory.steadyRss / 2 ** 20),
      rssSteadyMaxMiB: r1(memory.steadyRssMax / 2 ** 20),
      rssPerStudentKB: connected > 0 ? r1((memory.steadyRss - memory.emptyRss) / connected / 1024) : null,
      loopLagMs: { p50: server.lagP50Ms, p99: server.lagP99Ms, max: server.lagMaxMs },
      /** The longest stall since the server started, joins and start included (20 ms resolution). */
      loopLagMaxSinceStartMs: server.lagMaxSinceStartMs,
    },
    clockStalenessS: { p99: r3((w.staleness.percentile(99) ?? NaN) / 1000), max: r3((w.staleness.max ?? NaN) / 1000), median: r3((w.staleness.percentile(50) ?? NaN) / 1000), samples: w.staleness.count },
    scoreGapS: { max: r3((w.scoreGaps.max ?? NaN) / 1000), medianOfStudents: r3((w.scoreGaps.percentile(50) ?? NaN) / 1000), p99OfStudents: r3((w.scoreGaps.percentile(99) ?? NaN) / 1000) },
    staff: {
      teachers: extra.staff.teachers,
      projectors: extra.staff.projectors,
      /** Per teacher and per projector connection. */
      teacherBytesPerS: r1(extra.staff.teacherBytes / Math.max(1, extra.staff.teachers) / studentWindowS),
      projectorBytesPerS: extra.staff.projectors ? r1(extra.staff.projectorBytes / extra.staff.projectors / studentWindowS) : null,
      startAckMs: { p50: r1(extra.startMs.percentile(50)), max: r1(extra.startMs.max) },
      injectAckMs: { p50: r1(extra.injectMs.percentile(50)), max: r1(extra.injectMs.max) },
    },
    errors: Object.fromEntries(errors.counts),
    errorExamples: Object.fromEntries(errors.examples),
    errorTotal: errors.total,
    disconnects: w.disconnects,
    /** The whole machine over the window (filled in by the coordinator): what ran besides the bench skews the figures. */
    machine: null as { cores: number; busyPctOfOneCore: number; benchPctOfOneCore: number; otherPctOfOneCore: number } | null,
    bots: { workers: w.workerCpuUs.length, cpuPctOfOneCore: w.workerCpuUs.map((us) => r1((us / (w.windowMs * 1000)) * 100)), loopLagP99Ms: r1(w.workerLagP99Ms), loopLagMaxMs: r1(w.workerLagMaxMs), loopLagMaxSinceStartMs: r1(w.workerLagMaxWholeMs) },
  };
}
export type Figures = ReturnType<typeof figures>;

export function baselineFigures(w: Merged, server: MeterSample, asked: { ratePerS: number }) {
  return {
    clients: w.connectedAtStart,
    askedMessagesPerS: r1(asked.ratePerS),
    deliveredPerS: r1(w.updates / (w.windowMs / 1000)),
    bytesPerMessage: { median: w.frames.percentile(50), p99: w.frames.percentile(99) },
    cpuPctOfOneCore: r1((server.cpuUs / (server.wallMs * 1000)) * 100),
    cpuUsPerDelivered: w.updates > 0 ? r1(server.cpuUs / w.updates) : null,
    loopLagMs: { p50: server.lagP50Ms, p99: server.lagP99Ms, max: server.lagMaxMs },
    errors: Object.fromEntries(w.errors.counts),
    disconnects: w.disconnects,
  };
}
export type BaselineFigures = ReturnType<typeof baselineFigures>;

/** A server process's own figures, as servers.ts reports them (only what the table shows). */
interface ProcessRow {
  cpuPctOfOneCore: number | null;
  rssSteadyMiB: number | null;
  loopLagMs: { p99: number };
  roomsOwned: number | null;
  forwardedInWindow: number | null;
  leasesLost: number | null;
  fencedWrites: number | null;
  takeovers: number | null;
}

/**
 * The table of figures, one column per workload. On Redis (several processes, or one behind
 * nginx) CPU and RSS are the sums over the processes, lag the worst one's, and rows per process,
 * nginx and redis-server follow.
 */
export function table(
  results: { name: string; figures: Figures; baseline: BaselineFigures | null; ratio: number | null; ratioWithHelpers: number | null; perProcess: ProcessRow[]; nginxCpuPct: number | null; redisCpuPct: number | null }[],
  setup: { processes: number; redis: boolean } = { processes: 1, redis: false },
): string {
  const f = (x: number | null | undefined, unit = '') => (x === null || x === undefined ? '–' : `${x}${unit}`);
  const each = (pick: (p: ProcessRow) => number | null) => (r: (typeof results)[number]) => r.perProcess.map((p) => f(pick(p))).join(' + ');
  const summed = setup.processes > 1 ? ` (sum of ${setup.processes})` : '';
  const clusterRows: [string, (r: (typeof results)[number]) => string][] = setup.redis
    ? [
        ['per process: CPU % of one core', each((p) => p.cpuPctOfOneCore)],
        ['per process: RSS steady MiB', each((p) => p.rssSteadyMiB)],
        ['per process: event-loop lag p99 ms', each((p) => p.loopLagMs.p99)],
        ['per process: rooms owned', each((p) => p.roomsOwned)],
        ['per process: forwarded in window', each((p) => p.forwardedInWindow)],
        ['per process: leases lost / fenced writes / takeovers', (r) => r.perProcess.map((p) => `${f(p.leasesLost)}/${f(p.fencedWrites)}/${f(p.takeovers)}`).join(' + ')],
        ['nginx CPU % (master + worker)', (r) => f(r.nginxCpuPct)],
        ['redis-server CPU %', (r) => f(r.redisCpuPct)],
        ['CPU per update ÷ bare, with nginx + redis', (r) => (r.ratioWithHelpers === null ? '–' : `${r.ratioWithHelpers}×`)],
      ]
    : [];
  const rows: [string, (r: (typeof results)[number]) => string][] = [
    ['students at start / end of window (target)', (r) => `${r.figures.studentsAtWindowStart} / ${r.figures.studentsConnected} (${r.figures.studentsTarget})`],
    ['actions in window', (r) => f(r.figures.actionsInWindow)],
    ['action→ack p50/p95/p99 ms', (r) => `${f(r.figures.ackMs.p50)} / ${f(r.figures.ackMs.p95)} / ${f(r.figures.ackMs.p99)}`],
    ['action→own-view p50/p95/p99 ms', (r) => `${f(r.figures.ownViewMs.p50)} / ${f(r.figures.ownViewMs.p95)} / ${f(r.figures.ownViewMs.p99)}`],
    ['updates per student per s (p5)', (r) => `${f(r.figures.updatesPerStudentPerS)} (${f(r.figures.updatesPerStudentPerSP5)})`],
    ['per student per s: by event (mean B)', (r) => Object.entries(r.figures.byEvent).map(([name, e]) => `${name} ${e.perStudentPerS} (${e.meanBytes})`).join(', ')],
    ['bytes per update median/p99', (r) => `${f(r.figures.bytesPerUpdate.median)} / ${f(r.figures.bytesPerUpdate.p99)}`],
    ['student bytes per s', (r) => f(r.figures.studentBytesPerS)],
    [`server CPU % of one core${summed}`, (r) => f(r.figures.server.cpuPctOfOneCore)],
    [`server CPU µs per student update${summed}`, (r) => f(r.figures.server.cpuUsPerStudentUpdate)],
    [setup.redis ? 'baseline CPU µs per message (1 bare process, direct)' : 'baseline CPU µs per message', (r) => f(r.baseline?.cpuUsPerDelivered)],
    ['CPU per update ÷ bare socket.io', (r) => (r.ratio === null ? '–' : `${r.ratio}×`)],
    [`RSS empty/joined/steady MiB${summed}`, (r) => `${f(r.figures.server.rssEmptyMiB)} / ${f(r.figures.server.rssJoinedMiB)} / ${f(r.figures.server.rssSteadyMiB)}`],
    [`RSS per connected student KB${summed}`, (r) => f(r.figures.server.rssPerStudentKB)],
    [setup.redis ? 'event-loop lag p50/p99/max ms (worst process)' : 'event-loop lag p50/p99/max ms', (r) => `${f(r.figures.server.loopLagMs.p50)} / ${f(r.figures.server.loopLagMs.p99)} / ${f(r.figures.server.loopLagMs.max)}`],
    ...clusterRows,
    ['longest stall since start: server / bots ms', (r) => `${f(r.figures.server.loopLagMaxSinceStartMs)} / ${f(r.figures.bots.loopLagMaxSinceStartMs)}`],
    ['clock staleness p99/max s', (r) => `${f(r.figures.clockStalenessS.p99)} / ${f(r.figures.clockStalenessS.max)}`],
    ['longest score gap s (median student)', (r) => `${f(r.figures.scoreGapS.max)} (${f(r.figures.scoreGapS.medianOfStudents)})`],
    ['bytes per s per teacher / projector', (r) => `${f(r.figures.staff.teacherBytesPerS)} / ${f(r.figures.staff.projectorBytesPerS)}`],
    ['bot loop lag p99 ms, CPU %', (r) => `${f(r.figures.bots.loopLagP99Ms)}, ${r.figures.bots.cpuPctOfOneCore.join('+')}`],
    ['machine busy: bench / other % of a core', (r) => (r.figures.machine ? `${r.figures.machine.benchPctOfOneCore} / ${r.figures.machine.otherPctOfOneCore}` : '–')],
    ['errors (total)', (r) => (r.figures.errorTotal === 0 ? '0' : `${r.figures.errorTotal}: ${Object.entries(r.figures.errors).map(([k, n]) => `${k} ${n}`).join(', ')}`)],
    ['disconnects', (r) => f(r.figures.disconnects)],
  ];
  const head = ['figure', ...results.map((r) => r.name)];
  const body = rows.map(([label, cell]) => [label, ...results.map(cell)]);
  const widths = head.map((_, i) => Math.max(...[head, ...body].map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join(' │ ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...body.map(line)].join('\n');
}
