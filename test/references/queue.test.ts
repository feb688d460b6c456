import { describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { PooledReferenceRunner } from '../../server/references/index.ts';
import { heaviestScenario } from './scenarios.ts';

const tutorial = getScenario('tutorial')!;
const heavy = heaviestScenario();

/** Resolves once `condition` holds, polling; fails after `ms`. */
async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('PooledReferenceRunner queue', () => {
  it('answers busy beyond its queue bound, without computing', async () => {
    const runner = new PooledReferenceRunner({ threads: 1, maxQueue: 1 });
    try {
      const running = runner.run(tutorial, 1, 60);
      const waiting = runner.run(tutorial, 2, 60);
      const refused = await runner.run(tutorial, 3, 60);
      expect(refused).toMatchObject({ ok: false, reason: 'busy' });
      expect(await running).toMatchObject({ ok: true });
      expect(await waiting).toMatchObject({ ok: true });
      expect(runner.stats().computed).toBe(2);
      // Busy is not kept: once there is room, the same request is computed.
      expect(await runner.run(tutorial, 3, 60)).toMatchObject({ ok: true });
    } finally {
      await runner.close();
    }
  });

  it('resolves running and waiting requests as closed on close(), and every later one', async () => {
    const runner = new PooledReferenceRunner({ threads: 1 });
    const running = runner.run(heavy, 1, heavy.durationS);
    const waiting = runner.run(tutorial, 1, 60);
    await until(() => runner.stats().running === 1);

    const t0 = performance.now();
    await runner.close();
    // Closing does not wait for the heavy computation (seconds more) to finish.
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(await running).toMatchObject({ ok: false, reason: 'closed' });
    expect(await waiting).toMatchObject({ ok: false, reason: 'closed' });
    expect(await runner.run(tutorial, 1, 60)).toMatchObject({ ok: false, reason: 'closed' });
    expect(runner.stats()).toMatchObject({ running: 0, waiting: 0 });
    await runner.close();
  });
});
