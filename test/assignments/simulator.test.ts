import { afterEach, describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { expertPlan } from '../../shared/scenario/library/plans/index.ts';
import { InlineSimulator, PooledSimulator, SimulationError } from '../../server/assignments/simulator.ts';
import { scoreAttempt } from '../../server/assignments/simulate.ts';

const scenario = getScenario('patch-day')!;
const plan = expertPlan('patch-day')!;

describe('re-simulating off the main thread', () => {
  let pool: PooledSimulator | null = null;
  afterEach(async () => {
    await pool?.close();
    pool = null;
  });

  it('scores on a worker thread exactly as on this one', async () => {
    pool = new PooledSimulator();
    const [pooled, inline] = await Promise.all([pool.run<'score'>({ kind: 'score', scenario, seed: 9, plan }), new InlineSimulator().run<'score'>({ kind: 'score', scenario, seed: 9, plan })]);
    expect(pooled).toEqual(scoreAttempt(scenario, 9, plan));
    expect(inline).toEqual(pooled);
  });

  it('stops a task past its budget', async () => {
    pool = new PooledSimulator({ budgetMs: 1 });
    await expect(pool.run<'score'>({ kind: 'score', scenario, seed: 9, plan })).rejects.toMatchObject({ code: 'simulation-timeout' });
  });

  it('refuses a task past its queue at once, and answers closed once closed', async () => {
    pool = new PooledSimulator({ threads: 1, maxQueue: 1 });
    const task = { kind: 'score', scenario, seed: 9, plan } as const;
    const outcomes = await Promise.allSettled([pool.run<'score'>(task), pool.run<'score'>(task), pool.run<'score'>(task)]);
    expect(outcomes.map((o) => (o.status === 'rejected' && o.reason instanceof SimulationError ? o.reason.code : 'ok'))).toEqual(['ok', 'ok', 'simulation-busy']);
    await pool.close();
    await expect(pool.run<'score'>(task)).rejects.toMatchObject({ code: 'simulation-closed' });
  });
});
