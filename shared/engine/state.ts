import type { ClusterState, SimState } from './types.ts';
import type { Scenario } from '../scenario/schema.ts';
import { mergePhysics } from './physics.ts';
import { seedState } from './prng.ts';

/** A new room-wide simulation in the lobby, with no clusters yet. */
export function createSimulation(scenario: Scenario, seed: number): SimState {
  // Events fire in time order; a stable sort keeps same-second events in the author's order.
  const events = scenario.events.map((e, i) => [e, i] as const).sort((a, b) => a[0].atS - b[0].atS || a[1] - b[1]).map(([e]) => e);
  const sorted: Scenario = { ...scenario, events };
  const physics = mergePhysics(scenario.physics);
  const fullRun = scenario.hosts.reduce((sum, h) => sum + h.costPerHour, 0) * (scenario.durationS / 3600);
  return {
    scenario: sorted,
    physics,
    seed,
    rng: seedState(seed),
    phase: 'lobby',
    speed: 1,
    locked: false,
    timeS: 0,
    nextEvent: 0,
    injected: [],
    effects: [],
    fired: [],
    demand: scenario.apps.map((a) => a.demand),
    budget: scenario.budget ?? fullRun * physics.defaultBudgetShare,
    clusters: {},
    clusterOrder: [],
  };
}

/**
 * The cluster with this id, or undefined. Ids come from the network, and `clusters` is a plain
 * object: `clusters['constructor']` would be Object's own constructor, not a missing cluster.
 */
export const clusterOf = (state: SimState, id: string): ClusterState | undefined => (Object.hasOwn(state.clusters, id) ? state.clusters[id] : undefined);

export function newCluster(state: SimState, id: string, name: string): ClusterState {
  const { scenario } = state;
  return {
    id,
    name,
    kicked: false,
    ready: false,
    hosts: scenario.hosts.map((h) => ({ id: h.id, cpu: h.cpu, memoryGiB: h.memoryGiB, kvm: h.kvm, costPerHour: h.costPerHour, platform: h.platform, downUntilS: 0 })),
    vms: [],
    instances: [],
    retired: [],
    images: {},
    nextSeq: 1,
    // A late joiner has lived through the same seconds as everyone, serving nothing in them.
    tally: { ticks: state.timeS, served: scenario.apps.map(() => 0), spend: { hosts: 0, licences: 0, patching: 0 }, securityPenalty: 0, undone: scenario.apps.map(() => 0), storage: 0, stealAskedCoreS: 0, stealLostCoreS: 0 },
    incidents: [],
    patchQueue: [],
    snapshots: [],
    volumes: [],
    dataLosses: [],
    counts: { migrations: 0, patchDayMigrations: 0, containersMoved: 0, snapshotsTaken: 0, snapshotsRestored: 0, snapshotsLost: 0 },
  };
}
