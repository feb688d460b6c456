/**
 * Engine throughput: how many cluster-seconds the reducer simulates per wall-clock second.
 * `npm run bench:engine` prints the figures and writes them to test/bench/results/engine.json.
 *
 * Each cluster holds 20 instances (containers on host kernels and inside a VM, dedicated Linux and
 * Windows VMs, microVMs), with a traffic spike and a noisy neighbour active, so a tick does the
 * full work: events, demand draws, CPU sharing per pool, serving and billing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Action, PlayerAction, SimState } from '../../shared/engine/index.ts';
import type { ScenarioInput } from '../../shared/scenario/schema.ts';
import { createSimulation, reduce } from '../../shared/engine/index.ts';
import { parseScenario } from '../../shared/scenario/parse.ts';

const TARGET = 100_000;
const THROUGHPUT_CLUSTERS = 100;
const ROOMS = [30, 100] as const;
const SECONDS_PER_MEASURE = Number(process.env.BENCH_SECONDS ?? 3);

const input: ScenarioInput = {
  schemaVersion: 1,
  id: 'bench',
  title: 'Benchmark room',
  summary: 'Twenty instances per cluster across every runtime.',
  debrief: 'None.',
  // Long enough to measure in one go, and within the scenario cost limit (parseScenario refuses 7200 s here).
  durationS: 6000,
  hosts: [
    { id: 'lin-1', cpu: 16, memoryGiB: 64, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'lin-2', cpu: 16, memoryGiB: 64, platform: 'linux', kvm: true, costPerHour: 40 },
    { id: 'metal', cpu: 48, memoryGiB: 192, platform: 'hypervisor', kvm: true, costPerHour: 90 },
    { id: 'win', cpu: 16, memoryGiB: 64, platform: 'windows', kvm: true, costPerHour: 60 },
  ],
  apps: [
    { id: 'web', name: 'Web', cpu: 1, memoryMiB: 512, imageMiB: 80, replicas: 4, demand: 400 },
    { id: 'api', name: 'API', cpu: 1, memoryMiB: 768, imageMiB: 120, replicas: 4, demand: 300 },
    { id: 'worker', name: 'Worker', cpu: 0.5, memoryMiB: 256, imageMiB: 60, replicas: 4, demand: 100 },
    { id: 'db', name: 'Database', cpu: 2, memoryMiB: 4096, imageMiB: 400, replicas: 2, demand: 200, data: 'regulated' },
    { id: 'fn', name: 'Functions', cpu: 0.5, memoryMiB: 128, imageMiB: 30, replicas: 4, demand: 200, trust: 'untrusted' },
    { id: 'erp', name: 'ERP', os: 'windows', cpu: 2, memoryMiB: 2048, imageMiB: 1500, replicas: 2, demand: 50 },
  ],
  events: [
    { atS: 30, type: 'trafficSpike', appId: 'web', factor: 2, durationS: 7000 },
    { atS: 30, type: 'noisyNeighbour', appId: 'worker', factor: 3, durationS: 7000 },
  ],
};

/** One cluster's placement: 20 instances over every runtime. */
function placement(clusterId: string): PlayerAction[] {
  const deploy = (appId: string, runtime: 'container' | 'vm' | 'microvm', target: string): PlayerAction => ({ type: 'deploy', clusterId, appId, runtime, target });
  return [
    ...['lin-1', 'lin-2', 'lin-1', 'lin-2'].flatMap((h) => [deploy('web', 'container', h), deploy('api', 'container', h)]),
    { type: 'createVm', clusterId, id: 'pool', hostId: 'metal', guestOs: 'linux', vcpu: 4, memoryMiB: 4096, containerEngine: true },
    ...[1, 2, 3, 4].map(() => deploy('worker', 'container', 'pool')),
    deploy('db', 'vm', 'metal'),
    deploy('db', 'vm', 'metal'),
    deploy('erp', 'vm', 'metal'),
    ...[1, 2, 3, 4].map(() => deploy('fn', 'microvm', 'metal')),
    deploy('erp', 'container', 'win'),
  ];
}

function room(clusters: number): SimState {
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
  let state = createSimulation(parsed.value, 1);
  const apply = (action: Action) => {
    const r = reduce(state, action);
    if (r.rejection) throw new Error(`${action.type} refused: ${r.rejection.message}`);
    state = r.state;
  };
  for (let i = 0; i < clusters; i++) apply({ type: 'addCluster', clusterId: `c${i}` });
  apply({ type: 'start' });
  for (const id of state.clusterOrder) placement(id).forEach(apply);
  // Run past the slowest boot (a Windows VM) and the events, so every instance is serving.
  for (let t = 0; t < 400; t++) apply({ type: 'tick' });
  const instances = state.clusters.c0!.instances.length;
  if (instances !== 20) throw new Error(`expected 20 instances per cluster, got ${instances}`);
  return state;
}

/** Ticks a prepared room for about `seconds` of wall time; returns ticks done and ms per tick. */
function measure(base: SimState, seconds: number): { ticks: number; msPerTick: number; p95Ms: number } {
  let state = base;
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) {
      const r = reduce(state, { type: 'tick' });
      // Restart from the prepared room when the scenario's clock runs out.
      state = r.rejection ? base : r.state;
    }
    samples.push((performance.now() - t0) / 10);
  }
  samples.sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { ticks: samples.length * 10, msPerTick: mean, p95Ms: samples[Math.floor(samples.length * 0.95)]! };
}

const round = (x: number, places = 3) => Math.round(x * 10 ** places) / 10 ** places;
const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);

// A full collection before each heap reading, so the figures are what is live, not GC timing.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

const heapBefore = liveHeap();
const big = room(THROUGHPUT_CLUSTERS);
const heapAfterBuild = liveHeap();

// Warm up the JIT before timing.
measure(big, 0.5);
const throughput = measure(big, SECONDS_PER_MEASURE);
const clusterTicksPerSecond = Math.round((THROUGHPUT_CLUSTERS * 1000) / throughput.msPerTick);

const rooms = ROOMS.map((clusters) => {
  const state = clusters === THROUGHPUT_CLUSTERS ? big : room(clusters);
  measure(state, 0.3);
  const m = measure(state, Math.max(1, SECONDS_PER_MEASURE / 2));
  return { clusters, msPerTick: round(m.msPerTick), p95MsPerTick: round(m.p95Ms), ticksMeasured: m.ticks };
});
const heapUsed = liveHeap();
const memory = process.memoryUsage();

const result = {
  benchmark: 'engine',
  instancesPerCluster: 20,
  throughput: { clusters: THROUGHPUT_CLUSTERS, clusterTicksPerSecond, target: TARGET, meetsTarget: clusterTicksPerSecond >= TARGET, ticksMeasured: throughput.ticks },
  rooms,
  heap: { usedMiB: mib(heapUsed), roomOf100MiB: mib(heapAfterBuild - heapBefore), totalMiB: mib(memory.heapTotal), rssMiB: mib(memory.rss) },
  environment: { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', platform: `${process.platform}-${process.arch}` },
};

console.log(`engine: ${clusterTicksPerSecond.toLocaleString('en')} cluster-ticks/s (${THROUGHPUT_CLUSTERS} clusters × 20 instances; target ${TARGET.toLocaleString('en')}) ${result.throughput.meetsTarget ? 'OK' : 'BELOW TARGET'}`);
for (const r of rooms) console.log(`  room of ${r.clusters} clusters: ${r.msPerTick} ms per tick (p95 ${r.p95MsPerTick} ms)`);
console.log(`  heap used ${result.heap.usedMiB} MiB (a 100-cluster room ≈ ${result.heap.roomOf100MiB} MiB), rss ${result.heap.rssMiB} MiB`);

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('engine.json', dir), `${JSON.stringify(result, null, 2)}\n`);
console.log(`  written to test/bench/results/engine.json`);
