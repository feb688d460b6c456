import { describe, expect, it } from 'vitest';
import { getScenario } from '../../shared/scenario/library/index.ts';
import { PooledReferenceRunner } from '../../server/references/index.ts';

const tutorial = getScenario('tutorial')!;
const patchDay = getScenario('patch-day')!;

describe('PooledReferenceRunner sharing', () => {
  it('computes identical concurrent requests once', async () => {
    // No queue at all: requests that join a running computation do not need a place in it.
    const runner = new PooledReferenceRunner({ threads: 1, maxQueue: 0 });
    try {
      // A hundred rooms restored on the same built-in scenario, each with its own copy of it.
      const outcomes = await Promise.all(Array.from({ length: 100 }, () => runner.run(structuredClone(tutorial), 5, 600)));
      expect(runner.stats().computed).toBe(1);
      expect(outcomes.every((o) => o.ok)).toBe(true);
      expect(new Set(outcomes.map((o) => JSON.stringify(o))).size).toBe(1);
    } finally {
      await runner.close();
    }
  });

  it('answers a recent request again from memory, and computes a different one', async () => {
    const runner = new PooledReferenceRunner({ threads: 1 });
    try {
      const first = await runner.run(tutorial, 5, 600);
      expect(await runner.run(tutorial, 5, 600)).toEqual(first);
      expect(runner.stats()).toMatchObject({ computed: 1, cached: 1 });

      // Another seed, another length, another scenario: each its own computation.
      await Promise.all([runner.run(tutorial, 6, 600), runner.run(tutorial, 5, 300), runner.run(patchDay, 5, 600)]);
      expect(runner.stats()).toMatchObject({ computed: 4, cached: 4 });
    } finally {
      await runner.close();
    }
  });

  it('keeps only the most recently used outcomes', async () => {
    const runner = new PooledReferenceRunner({ threads: 1, cacheSize: 1 });
    try {
      await runner.run(tutorial, 1, 60);
      await runner.run(tutorial, 2, 60);
      await runner.run(tutorial, 2, 60);
      expect(runner.stats().computed).toBe(2);
      await runner.run(tutorial, 1, 60);
      expect(runner.stats()).toMatchObject({ computed: 3, cached: 1 });
    } finally {
      await runner.close();
    }
  });

  it('hands every caller the same frozen scores, so no room can change another room\'s', async () => {
    const runner = new PooledReferenceRunner({ threads: 1 });
    try {
      const [a, b] = await Promise.all([runner.run(tutorial, 1, 60), runner.run(tutorial, 1, 60)]);
      if (!a.ok || !b.ok) throw new Error('expected scores');
      expect(a.references).toBe(b.references);
      expect(Object.isFrozen(a.references) && Object.isFrozen(a.references[0])).toBe(true);
    } finally {
      await runner.close();
    }
  });
});
