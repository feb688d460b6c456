import { describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { PooledReferenceRunner, referenceScores } from '../../server/references/index.ts';
import { heaviestScenario, scenarioTakingOver, watchEventLoop } from './scenarios.ts';

// Both heavy cases live in one file so that they run one after the other, not on each other's cores.
const tutorial = getScenario('tutorial')!;

describe('a heavy reference computation', () => {
  it('leaves the main thread responsive while it runs on the pool', async () => {
    // In-process, this one stalls every room on the process for over a second.
    const heavy = scenarioTakingOver(1000, 1);
    const runner = new PooledReferenceRunner({ threads: 1 });
    try {
      const loop = watchEventLoop();
      const t0 = performance.now();
      const outcome = await runner.run(heavy.scenario, 1, heavy.scenario.durationS);
      const pooledMs = performance.now() - t0;
      const { firings, maxGapMs } = loop.stop();

      expect(outcome).toEqual({ ok: true, references: heavy.references });
      expect(pooledMs).toBeGreaterThan(heavy.inProcessMs / 2);
      expect(maxGapMs, `${firings} firings in ${Math.round(pooledMs)} ms`).toBeLessThan(200);
      expect(firings).toBeGreaterThan(pooledMs / 10 / 4);
    } finally {
      await runner.close();
    }
  });

  it('is stopped at its time budget, and the pool goes on with the next request', async () => {
    const heaviest = heaviestScenario();
    const runner = new PooledReferenceRunner({ threads: 1, budgetMs: 200 });
    try {
      // A thread's start-up is not part of the budget; start one first so the timing below is the budget's.
      expect(await runner.run(tutorial, 1, 60)).toMatchObject({ ok: true });

      const t0 = performance.now();
      const overrun = await runner.run(heaviest, 2, heaviest.durationS);
      const elapsedMs = performance.now() - t0;
      expect(overrun).toMatchObject({ ok: false, reason: 'timeout' });
      expect(elapsedMs).toBeGreaterThanOrEqual(200);
      expect(elapsedMs).toBeLessThan(1500);

      // Its thread was stopped; the next request gets a new one.
      const next = await runner.run(tutorial, 2, 60);
      expect(next).toEqual({ ok: true, references: referenceScores(tutorial, 2, 60) });
      expect(runner.stats()).toMatchObject({ computed: 3, running: 0, waiting: 0 });

      // An overrun is kept like a result: the same request again is answered without a thread.
      expect(await runner.run(heaviest, 2, heaviest.durationS)).toMatchObject({ ok: false, reason: 'timeout' });
      expect(runner.stats().computed).toBe(3);
    } finally {
      await runner.close();
    }
  });
});
