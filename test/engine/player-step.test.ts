import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { playerStep, reduce, withClusters } from '../../shared/engine/index.ts';
import { createSimulation } from '../../shared/engine/state.ts';
import { clusterOf } from '../../shared/engine/state.ts';
import type { ClusterState, PlayerAction, SimState } from '../../shared/engine/types.ts';
import { getScenario } from '../../shared/scenario/library/index.ts';

const IDS = ['a', 'b', 'c', '__proto__'];

function room(): SimState {
  let s = createSimulation(getScenario('flash-sale')!, 7);
  for (const id of IDS) s = reduce(s, { type: 'addCluster', clusterId: id, name: id }).state;
  return s;
}

const action = fc.oneof(
  fc.record({ type: fc.constant('deploy' as const), id: fc.constantFrom('i-1', 'i-2', 'i-3'), clusterId: fc.constantFrom(...IDS), appId: fc.constantFrom('storefront', 'checkout', 'search', 'nope'), runtime: fc.constantFrom('container' as const, 'vm' as const, 'microvm' as const), target: fc.constantFrom('node-1', 'node-2', 'node-9') }),
  fc.record({ type: fc.constant('remove' as const), clusterId: fc.constantFrom(...IDS), instanceId: fc.constantFrom('i-1', 'i-2', 'i-3') }),
  fc.record({ type: fc.constant('createVm' as const), clusterId: fc.constantFrom(...IDS), hostId: fc.constantFrom('node-1', 'node-3'), guestOs: fc.constant('linux' as const), vcpu: fc.integer({ min: 1, max: 8 }), memoryMiB: fc.constantFrom(2048, 8192) }),
);

describe('player actions applied together', () => {
  it('playerStep on each action’s own cluster, then one withClusters, gives the same state and answers as reduce one by one', () => {
    fc.assert(
      fc.property(fc.array(action, { maxLength: 25 }), fc.boolean(), (actions, running) => {
        let one = room();
        if (running) one = reduce(one, { type: 'start' }).state;
        const start = one;
        const changed = new Map<string, ClusterState>();
        for (const a of actions as PlayerAction[]) {
          const r = reduce(one, a);
          const step = playerStep(start, changed.get(a.clusterId) ?? clusterOf(start, a.clusterId), a);
          expect(step.rejection?.code ?? null).toBe(r.rejection?.code ?? null);
          expect(step.created).toEqual(r.created);
          if (step.cluster) changed.set(a.clusterId, step.cluster);
          one = r.state;
        }
        const together = withClusters(start, changed.values());
        expect(together).toEqual(one);
        // An id like "__proto__" stays a cluster, never the prototype.
        expect(Object.getPrototypeOf(together.clusters)).toBe(Object.prototype);
      }),
      { numRuns: 150 },
    );
  });
});
