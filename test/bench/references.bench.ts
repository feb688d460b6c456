/**
 * The debrief's reference policies, and what they cost the main thread (every room on the
 * process). `npm run bench:references` prints the figures and writes them to
 * test/bench/results/references.json.
 *
 * The scenario is the one from the defect report: a valid upload at the limits (32 hosts of
 * 256 CPU / 4096 GiB, 24 apps × 50 replicas, 600 s). A 10 ms interval timer stands for the rooms'
 * ticks and pings; its longest gap is how long every room would have stalled.
 *   - inline, one turn: the three policies computed synchronously, as a plain call would.
 *   - inline, a policy per turn: what the room did before (setImmediate between policies).
 *   - pooled: PooledReferenceRunner, the computation on a worker thread.
 * BENCH_DURATION_S overrides the scenario's length (the schema allows up to 7200 s).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { PolicyName } from '../../shared/engine/index.ts';
import { POLICIES, buildReport, runScenario } from '../../shared/engine/index.ts';
import { PooledReferenceRunner, defaultReferenceThreads, referenceScores } from '../../server/references/index.ts';
import { heavyScenario, watchEventLoop } from '../references/scenarios.ts';

const durationS = Number(process.env.BENCH_DURATION_S ?? 600);
const scenario = heavyScenario({ hosts: 32, apps: 24, replicas: 50, durationS });
const seed = 1;

const round = (x: number) => Math.round(x);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
// Long enough for the interval to fire once after the work, so the gap it spanned is counted.
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 30));

async function inlineOneTurn() {
  const loop = watchEventLoop();
  await settle();
  const t0 = performance.now();
  const references = referenceScores(scenario, seed, durationS);
  const computeMs = performance.now() - t0;
  await settle();
  return { computeMs: round(computeMs), ...rounded(loop.stop()), references };
}

async function inlinePolicyPerTurn() {
  const loop = watchEventLoop();
  await settle();
  const perPolicyMs: Partial<Record<PolicyName, number>> = {};
  const t0 = performance.now();
  for (const policy of POLICIES) {
    const p0 = performance.now();
    const run = runScenario(scenario, seed, { policy });
    buildReport(run.state, run.clusterId, run.rejections);
    perPolicyMs[policy] = round(performance.now() - p0);
    await nextTurn();
  }
  const computeMs = performance.now() - t0;
  await settle();
  return { computeMs: round(computeMs), perPolicyMs, ...rounded(loop.stop()) };
}

async function pooled() {
  const runner = new PooledReferenceRunner({ budgetMs: 600_000 });
  try {
    const loop = watchEventLoop();
    const t0 = performance.now();
    const outcome = await runner.run(scenario, seed, durationS);
    const wallMs = performance.now() - t0;
    const gaps = rounded(loop.stop());
    // A hundred rooms restored on this scenario at once: answered from the one computation.
    const s0 = performance.now();
    const again = await Promise.all(Array.from({ length: 100 }, () => runner.run(structuredClone(scenario), seed, durationS)));
    const sharedMs = performance.now() - s0;
    return { wallMs: round(wallMs), ...gaps, outcome, hundredMoreMs: round(sharedMs), allOk: again.every((o) => o.ok), computed: runner.stats().computed };
  } finally {
    await runner.close();
  }
}

function rounded({ firings, maxGapMs }: { firings: number; maxGapMs: number }) {
  return { firings, maxGapMs: round(maxGapMs) };
}

console.log(`references: ${scenario.hosts.length} hosts, ${scenario.apps.length} apps × ${scenario.apps[0]!.replicas} replicas, ${durationS} s`);
const oneTurn = await inlineOneTurn();
console.log(`  inline, one turn:        ${oneTurn.computeMs} ms of work, event loop max gap ${oneTurn.maxGapMs} ms (${oneTurn.firings} firings of a 10 ms timer)`);
const perTurn = await inlinePolicyPerTurn();
console.log(`  inline, a policy a turn: ${perTurn.computeMs} ms of work, event loop max gap ${perTurn.maxGapMs} ms (per policy: ${JSON.stringify(perTurn.perPolicyMs)})`);
const pool = await pooled();
console.log(`  pooled (${defaultReferenceThreads()} thread):       ${pool.wallMs} ms until the scores arrived, event loop max gap ${pool.maxGapMs} ms (${pool.firings} firings)`);
console.log(`  pooled, 100 more identical requests: ${pool.hundredMoreMs} ms, ${pool.computed} computation in all`);
const same = pool.outcome.ok && JSON.stringify(pool.outcome.references) === JSON.stringify(oneTurn.references);
if (!same) console.log(`  MISMATCH: the pool's outcome ${JSON.stringify(pool.outcome)} differs from the inline scores`);

const result = {
  benchmark: 'references',
  scenario: { hosts: scenario.hosts.length, apps: scenario.apps.length, replicas: scenario.apps[0]!.replicas, durationS },
  inlineOneTurn: { computeMs: oneTurn.computeMs, maxGapMs: oneTurn.maxGapMs, firings: oneTurn.firings },
  inlinePolicyPerTurn: { computeMs: perTurn.computeMs, perPolicyMs: perTurn.perPolicyMs, maxGapMs: perTurn.maxGapMs, firings: perTurn.firings },
  pooled: { threads: defaultReferenceThreads(), wallMs: pool.wallMs, maxGapMs: pool.maxGapMs, firings: pool.firings, hundredMoreIdenticalMs: pool.hundredMoreMs, computations: pool.computed, sameScores: same },
  environment: { node: process.version, cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.availableParallelism(), platform: `${process.platform}-${process.arch}` },
};

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('references.json', dir), `${JSON.stringify(result, null, 2)}\n`);
console.log('  written to test/bench/results/references.json');
