import { afterAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../../shared/scenario/schema.ts';
import { POLICIES, buildReport, runScenario } from '../../shared/engine/index.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { InlineReferenceRunner, PooledReferenceRunner, scenarioUntil } from '../../server/references/index.ts';

const tutorial = getScenario('tutorial')!;
const flashSale = getScenario('flash-sale')!;

/** The debrief's references as the room computed them before, on the main thread. */
function inProcess(full: Scenario, seed: number, untilS: number) {
  const scenario = untilS === full.durationS ? full : { ...full, durationS: untilS, events: full.events.filter((e) => e.atS < untilS) };
  return POLICIES.map((policy) => {
    const run = runScenario(scenario, seed, { policy });
    const { score } = buildReport(run.state, run.clusterId, run.rejections);
    return { policy, total: score.total, availability: score.availability, cost: score.cost, security: score.security };
  });
}

describe('scenarioUntil', () => {
  it('keeps the whole scenario when the class played all of it', () => {
    expect(scenarioUntil(tutorial, tutorial.durationS)).toBe(tutorial);
  });

  it('cuts the run short and drops the events at or after the cut', () => {
    const cut = scenarioUntil(flashSale, 420);
    expect(cut.durationS).toBe(420);
    expect(cut.events.map((e) => e.atS)).toEqual([150, 160]);
    expect(flashSale.durationS).toBe(900);
  });
});

describe('PooledReferenceRunner results', () => {
  const runner = new PooledReferenceRunner();
  afterAll(() => runner.close());

  it('equal an in-process computation on a built-in scenario', async () => {
    const outcome = await runner.run(tutorial, 7, tutorial.durationS);
    expect(outcome).toEqual({ ok: true, references: inProcess(tutorial, 7, tutorial.durationS) });
  });

  it('equal an in-process computation on a scenario the teacher ended early', async () => {
    const outcome = await runner.run(flashSale, 3, 420);
    expect(outcome).toEqual({ ok: true, references: inProcess(flashSale, 3, 420) });
    // The cut matters: over the whole scenario the scores differ.
    expect(outcome).not.toEqual({ ok: true, references: inProcess(flashSale, 3, flashSale.durationS) });
  });

  it('answer a request the engine cannot run as failed, without running it', async () => {
    const outcome = await runner.run(tutorial, 1, 0);
    expect(outcome).toMatchObject({ ok: false, reason: 'failed' });
    expect(runner.stats().computed).toBe(2);
  });

  it('answer a computation that throws on its thread as failed, with its message, and go on', async () => {
    // Not a valid scenario: the engine throws on it. The room only ever passes parsed ones.
    const broken = { ...tutorial, hosts: null } as unknown as Scenario;
    let thrown = '';
    try {
      inProcess(broken, 1, 60);
    } catch (error) {
      thrown = (error as Error).message;
    }
    expect(thrown).not.toBe('');
    expect(await runner.run(broken, 1, 60)).toEqual({ ok: false, reason: 'failed', message: thrown });
    expect(await runner.run(tutorial, 1, 60)).toEqual({ ok: true, references: inProcess(tutorial, 1, 60) });
    // A failure is not kept: asked again, it is computed again.
    await runner.run(broken, 1, 60);
    expect(runner.stats().computed).toBe(5);
  });
});

describe('InlineReferenceRunner', () => {
  it('gives the same results on the calling thread', async () => {
    const runner = new InlineReferenceRunner();
    expect(await runner.run(flashSale, 3, 420)).toEqual({ ok: true, references: inProcess(flashSale, 3, 420) });
    await runner.close();
    expect(await runner.run(flashSale, 3, 420)).toMatchObject({ ok: false, reason: 'closed' });
  });
});
