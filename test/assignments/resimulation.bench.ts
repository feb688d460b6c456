/**
 * How long re-simulating an attempt takes on one thread: the longest built-in scenarios with
 * 10,000 actions (the most an attempt keeps). Run: npx tsx test/assignments/resimulation.bench.ts
 */
import { performance } from 'node:perf_hooks';
import type { PlanAction } from '../../shared/engine/run.ts';
import { SCENARIOS } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { buildClassReport } from '../../server/reports/class-report.ts';
import { attemptLog, scoreAttempt } from '../../server/assignments/simulate.ts';

const MAX_ACTIONS = 10_000;

/** The expert plan, then accepted weight changes on its first instance, spread over the run. */
function busyPlan(id: string, durationS: number): PlanAction[] {
  const plan: PlanAction[] = [...expertPlan(id)!];
  const first = plan.find((a) => a.type === 'deploy' && a.id);
  const instanceId = first && first.type === 'deploy' ? first.id! : 'none';
  const start = plan.at(-1)!.atS;
  for (let i = plan.length; i < MAX_ACTIONS; i++) plan.push({ atS: start + ((durationS - start) * i) / MAX_ACTIONS, type: 'setLimits', instanceId, weight: 1 + (i % 10_000) });
  return plan;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const time = (run: () => void, n = 7) => median(Array.from({ length: n }, () => { const t = performance.now(); run(); return performance.now() - t; }));

const longest = Math.max(...SCENARIOS.map((s) => s.durationS));
for (const scenario of SCENARIOS.filter((s) => s.durationS === longest)) {
  const plan = busyPlan(scenario.id, scenario.durationS);
  const score = time(() => scoreAttempt(scenario, 7, plan));
  const empty = time(() => scoreAttempt(scenario, 7, []));
  const report = time(() => buildClassReport({ code: 'X', hostToken: '', mode: 'solo', seed: 7, scenario, createdAtMs: 0 }, attemptLog({ scenario, seed: 7, nickname: 'A', plan, answers: [], startedAtMs: 0, finished: true }).log), 3);
  const refused = scoreAttempt(scenario, 7, plan).rejections;
  console.log(`${scenario.id.padEnd(16)} ${scenario.durationS} s, ${plan.length} actions (${refused} refused): score ${score.toFixed(0)} ms (no actions ${empty.toFixed(0)} ms), log + report ${report.toFixed(0)} ms`);
}
