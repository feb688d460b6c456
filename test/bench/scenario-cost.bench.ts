/**
 * What a scenario costs to simulate. The debrief runs the three reference strategies over the whole
 * scenario, so an uploaded one must be small enough for that to be quick; parseScenario refuses any
 * whose scenarioCost is over SCENARIO_COST_LIMIT. This bench is where the formula and the limit
 * come from: `npx tsx test/bench/scenario-cost.bench.ts` times the three strategies on a grid of
 * sizes and shapes, prints each time beside scenarioCost's units, and writes everything to
 * test/bench/results/scenario-cost.json. `-- --case H,A,R,D,SIZE[,stuck][,hypervisor][,swing]` times one
 * scenario, e.g. the issue's `32,24,50,600,big`.
 *
 * Two times per scenario, both in CPU ms of this process (the machine may be shared):
 * - live: runScenario, as the debrief runs it;
 * - worst: the same, but the cluster's instances array is copied every second, so the strategies'
 *   memory of failed placements never helps, as in a cluster that changes every second. This is
 *   the bound the limit is set by.
 * Shapes: `fits` (every replica finds a place), `full` (more replicas than a cluster holds),
 * `stuck` (every other app fits nowhere) and `/hv` (bare-metal hosts: containers go into VMs),
 * some with 200 events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import type { PolicyName } from '../../shared/engine/index.ts';
import type { Scenario, ScenarioInput } from '../../shared/scenario/schema.ts';
import { POLICIES, clusterOf, createSimulation, policyStep, reduce, runScenario } from '../../shared/engine/index.ts';
import { scenarioSchema } from '../../shared/scenario/schema.ts';
import { SCENARIO_COST_LIMIT, scenarioCost } from '../../shared/scenario/cost.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';

const HOST_SIZES = { small: { cpu: 16, memoryGiB: 64 }, big: { cpu: 256, memoryGiB: 4096 } } as const;
type HostSize = keyof typeof HOST_SIZES;
type EventKind = 'hostFailure' | 'patchDay' | 'trafficSpike' | 'kernelExploit';
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

interface Case {
  readonly hosts: number;
  readonly apps: number;
  readonly replicas: number;
  readonly durationS: number;
  readonly size: HostSize;
  readonly stuck?: boolean;
  readonly hypervisor?: boolean;
  /** Demand that swings ±50 % around what the replicas serve: the strategies scale out and in all the time. */
  readonly swing?: boolean;
  readonly events?: { readonly kind: EventKind; readonly count: number };
}

/** Linux hosts (or bare metal) and small Linux apps, every fourth untrusted, every fifth regulated. */
function build(c: Case): ScenarioInput {
  const hostMiB = HOST_SIZES[c.size].memoryGiB * 1024;
  const count = c.events?.count ?? 0;
  const events = Array.from({ length: count }, (_, k) => {
    const atS = Math.floor((k * c.durationS) / count);
    switch (c.events!.kind) {
      case 'hostFailure':
        return { atS, type: 'hostFailure' as const, hostId: `h${k % c.hosts}` };
      case 'trafficSpike':
        return { atS, type: 'trafficSpike' as const, appId: `app${k % c.apps}`, factor: 100, durationS: 7200 };
      default:
        return { atS, type: c.events!.kind, os: 'linux' as const };
    }
  });
  return {
    schemaVersion: 1,
    id: 'cost',
    title: 'Cost bench',
    summary: 'A scenario of a chosen size.',
    debrief: 'None.',
    durationS: c.durationS,
    hosts: Array.from({ length: c.hosts }, (_, i) => ({ id: `h${i}`, ...HOST_SIZES[c.size], platform: c.hypervisor ? 'hypervisor' : 'linux', kvm: true, costPerHour: 10 })),
    ...(c.hypervisor ? { allow: { runtimes: ['container', 'vm', 'microvm'], changePlatform: false } } : {}),
    apps: Array.from({ length: c.apps }, (_, i) => ({
      id: `app${i}`,
      name: `App ${i}`,
      cpu: 1,
      // A stuck app is bigger than any host: every strategy tries every place for it, every second.
      memoryMiB: c.stuck && i % 2 === 1 ? Math.min(262_144, hostMiB + 1024) : 512,
      imageMiB: 100,
      replicas: c.replicas,
      demand: 100,
      ...(c.swing ? { capacityPerReplica: 100 / (c.replicas + 0.5) } : {}),
      ...(i % 4 === 3 ? { trust: 'untrusted' as const } : {}),
      ...(i % 5 === 1 ? { data: 'regulated' as const } : {}),
    })),
    events,
    ...(c.swing ? { physics: { demandJitter: 0.5 } } : {}),
  };
}

/** runScenario's loop, with a fresh instances array every second (see the header). */
function runWorst(scenario: Scenario, policy: PolicyName): void {
  let state = createSimulation(scenario, 1);
  state = reduce(state, { type: 'addCluster', clusterId: 'player' }).state;
  state = reduce(state, { type: 'start' }).state;
  for (let t = 0; t < scenario.durationS; t++) {
    const c = clusterOf(state, 'player')!;
    state = { ...state, clusters: { ...state.clusters, player: { ...c, instances: [...c.instances] } } };
    state = policyStep(state, 'player', policy).state;
    state = reduce(state, { type: 'tick' }).state;
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function cpuMs(run: () => void): number {
  const runs: number[] = [];
  for (let r = 0; r < REPEAT; r++) {
    const started = process.cpuUsage();
    run();
    const used = process.cpuUsage(started);
    runs.push((used.user + used.system) / 1000);
  }
  return median(runs);
}

/** The three strategies together, each the median of REPEAT runs. */
function time(scenario: Scenario, worst: boolean): number {
  let ms = 0;
  for (const policy of POLICIES) ms += cpuMs(() => (worst ? runWorst(scenario, policy) : void runScenario(scenario, 1, { policy })));
  return Math.round(ms);
}

function grid(): Case[] {
  const cases: Case[] = [];
  for (const hosts of [1, 4, 16, 32]) {
    for (const apps of [4, 12, 24]) {
      for (const replicas of [2, 10, 50]) {
        cases.push({ hosts, apps, replicas, durationS: 120, size: 'big' });
        cases.push({ hosts, apps, replicas, durationS: 120, size: 'small', stuck: true });
        cases.push({ hosts, apps, replicas, durationS: 120, size: 'small', stuck: true, hypervisor: true });
        cases.push({ hosts, apps, replicas, durationS: 120, size: 'small', stuck: true, swing: true });
      }
    }
  }
  for (const kind of ['hostFailure', 'patchDay', 'trafficSpike', 'kernelExploit'] as const) {
    for (const [hosts, apps, replicas] of [
      [32, 24, 12],
      [8, 4, 25],
      [32, 2, 50],
      [4, 24, 12],
    ] as const) {
      cases.push({ hosts, apps, replicas, durationS: 300, size: 'small', events: { kind, count: 200 } });
    }
  }
  // Time is linear in the seconds simulated.
  for (const durationS of [60, 240, 960]) cases.push({ hosts: 16, apps: 12, replicas: 10, durationS, size: 'small', stuck: true });
  return cases;
}

function parseCase(text: string): Case {
  const [hosts, apps, replicas, durationS, size, ...flags] = text.split(',');
  return {
    hosts: Number(hosts),
    apps: Number(apps),
    replicas: Number(replicas),
    durationS: Number(durationS),
    size: (size ?? 'big') as HostSize,
    stuck: flags.includes('stuck'),
    hypervisor: flags.includes('hypervisor'),
    swing: flags.includes('swing'),
  };
}

const arg = process.argv.indexOf('--case');
const cases = arg >= 0 ? [parseCase(process.argv[arg + 1] ?? '')] : grid();
// JIT warm-up, so the first row is not slower than the rest.
time(scenarioSchema.parse(build({ hosts: 8, apps: 12, replicas: 10, durationS: 120, size: 'small', stuck: true })), true);

const pad = (x: unknown, n: number) => String(x).padStart(n);
const rows: Record<string, unknown>[] = [];
let worstRatio = 0;
console.log(`the three reference strategies, CPU ms (median of ${REPEAT} each); limit ${SCENARIO_COST_LIMIT.toLocaleString('en-GB')} units; load ${os.loadavg()[0]!.toFixed(1)}`);
console.log('hosts  apps  replicas  seconds  size   shape            |  live  worst |        units  ns/unit  worst ms at the limit');
for (const c of cases) {
  // Parsed without the limit: the bench measures scenarios on both sides of it.
  const scenario = scenarioSchema.parse(build(c));
  const live = time(scenario, false);
  const worst = time(scenario, true);
  const cost = scenarioCost(scenario);
  const shape = `${c.stuck ? 'stuck' : c.apps * c.replicas > 300 ? 'full' : 'fits'}${c.hypervisor ? '/hv' : ''}${c.swing ? '/swing' : ''}${c.events ? ` ${c.events.count}×${c.events.kind}` : ''}`;
  const nsPerUnit = (worst * 1e6) / cost.units;
  worstRatio = Math.max(worstRatio, nsPerUnit);
  rows.push({ ...c, shape, instances: cost.instances, live, worst, units: cost.units, nsPerUnit, load: os.loadavg()[0] });
  console.log(
    `${pad(c.hosts, 5)} ${pad(c.apps, 5)} ${pad(c.replicas, 9)} ${pad(c.durationS, 8)}  ${c.size.padEnd(5)}  ${shape.padEnd(16)} | ${pad(live, 5)} ${pad(worst, 6)} | ` +
      `${pad(cost.units.toExponential(2), 12)} ${pad(nsPerUnit.toFixed(1), 8)} ${pad(((nsPerUnit * SCENARIO_COST_LIMIT) / 1e6).toFixed(0), 22)}`,
  );
}
console.log(`\nworst ns per unit: ${worstRatio.toFixed(1)}, so a scenario at the limit costs at most about ${((worstRatio * SCENARIO_COST_LIMIT) / 1e9).toFixed(2)} s`);

const builtIns = SCENARIOS.map((s) => ({ id: s.id, units: scenarioCost(s).units, live: time(s, false), worst: time(s, true) }));
console.log('\nbuilt-in scenarios:             units   of the limit   live ms  worst ms');
for (const b of builtIns) console.log(`  ${b.id.padEnd(20)} ${pad(b.units.toExponential(2), 12)} ${pad(((100 * b.units) / SCENARIO_COST_LIMIT).toFixed(1), 11)} % ${pad(b.live, 9)} ${pad(b.worst, 9)}`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const name = arg >= 0 ? 'scenario-cost-case.json' : 'scenario-cost.json';
const out = {
  machine: { cpu: os.cpus()[0]?.model, cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
  timing: 'CPU ms of this process, three strategies, median of REPEAT runs each',
  repeat: REPEAT,
  limit: SCENARIO_COST_LIMIT,
  worstNsPerUnit: worstRatio,
  cases: rows,
  builtIns,
};
writeFileSync(new URL(name, dir), `${JSON.stringify(out, null, 2)}\n`);
console.log(`written to test/bench/results/${name}`);
