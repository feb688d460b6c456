import { describe, expect, it } from 'vitest';
import { classConcepts, standings } from '../../shared/views/index.ts';
import { all, cluster, deploy, linuxApp, linuxHost, running, scenario } from '../engine/helpers.ts';

describe('what the class gets wrong (console) and missed most (projector)', () => {
  it('counts setbacks, never notices: a slow first image pull teaches, but nobody got it wrong', () => {
    const s = scenario({ hosts: [linuxHost('h1')], apps: [linuxApp('fat', { imageMiB: 5000 })] });
    const state = all(running(s), [deploy('fat', 'container', 'h1', 'f1')]);
    expect(cluster(state).incidents.map((i) => [i.type, i.concept])).toEqual([['imagePull', 'image-size']]);
    expect(classConcepts(state, standings(state).rows, {})).toEqual([]);
    // Refusals always count.
    expect(classConcepts(state, standings(state).rows, { 'shared-kernel': 2 })).toEqual([{ concept: 'shared-kernel', rejections: 2, incidents: 0 }]);
  });
});
