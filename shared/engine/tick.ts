import type { ActiveEffect, ClusterState, FiredEvent, ScenarioEvent, SimState, StepResult } from './types.ts';
import { applyEventToCluster } from './events.ts';
import { nextRandom } from './prng.ts';
import { reject } from './rejection.ts';
import { clusterLoad, noisyFactors } from './topology.ts';

/** One simulated second for the whole room: fire due events, draw demand, run every cluster. */
export function tick(state: SimState): StepResult {
  if (state.phase !== 'running') {
    return { state, rejection: reject('not-running', null, `The clock only runs while the session is running (it is ${state.phase}).`) };
  }
  const t = state.timeS;
  const { scenario, physics } = state;

  const due: FiredEvent[] = [];
  let nextEvent = state.nextEvent;
  let seq = state.fired.length;
  while (nextEvent < scenario.events.length && scenario.events[nextEvent]!.atS <= t) {
    due.push({ seq: ++seq, atS: t, source: 'scenario', event: scenario.events[nextEvent]! });
    nextEvent++;
  }
  for (const event of state.injected) due.push({ seq: ++seq, atS: t, source: 'teacher', event: { ...event, atS: t } });

  let effects: ActiveEffect[] | readonly ActiveEffect[] = state.effects;
  if (effects.some((e) => e.untilS <= t)) effects = effects.filter((e) => e.untilS > t);
  for (const { event } of due) {
    if (event.type === 'trafficSpike' || event.type === 'noisyNeighbour') {
      effects = [...effects, { type: event.type, appId: event.appId, factor: event.factor, untilS: t + event.durationS }];
    }
  }

  // One room-wide demand draw per app per second: every cluster faces the same traffic.
  let rng = state.rng;
  const demand = scenario.apps.map((app) => {
    let base = app.demand;
    for (const e of effects) if (e.type === 'trafficSpike' && e.appId === app.id) base *= e.factor;
    const [u, next] = nextRandom(rng);
    rng = next;
    return base * (1 + physics.demandJitter * (2 * u - 1));
  });

  const mid: SimState = {
    ...state,
    rng,
    demand,
    effects,
    nextEvent,
    injected: due.length ? [] : state.injected,
    fired: due.length ? [...state.fired, ...due] : state.fired,
  };
  const noisy = noisyFactors(mid);
  const clusters: Record<string, ClusterState> = {};
  for (const id of state.clusterOrder) {
    let cluster = state.clusters[id]!;
    if (!cluster.kicked) {
      for (const { event } of due) cluster = applyEventToCluster(mid, cluster, event as ScenarioEvent);
      cluster = runSecond(mid, cluster, t, noisy);
    }
    clusters[id] = cluster;
  }
  const timeS = t + 1;
  return { state: { ...mid, clusters, timeS, phase: timeS >= scenario.durationS ? 'debrief' : 'running' }, rejection: null };
}

/** Serves this second's demand with what is up, and pays for what is powered. */
function runSecond(state: SimState, cluster: ClusterState, t: number, noisy: Map<string, number>): ClusterState {
  const { physics } = state;
  const load = clusterLoad(state, cluster, t, noisy);
  const served = cluster.tally.served.slice();
  for (let i = 0; i < served.length; i++) {
    const d = state.demand[i]!;
    const c = load.capacity[i]!;
    served[i]! += d <= 0 || c >= d ? 1 : c / d;
  }

  const powered = new Set<string>();
  let licences = 0;
  const perSecond = physics.windowsLicencePerCoreHour / 3600;
  for (const vm of cluster.vms) {
    powered.add(vm.hostId);
    if (vm.guestOs === 'windows') licences += vm.vcpu * perSecond;
  }
  for (const inst of cluster.instances) powered.add(inst.hostId);
  let hosts = 0;
  for (const host of cluster.hosts) {
    if (!powered.has(host.id)) continue;
    hosts += host.costPerHour / 3600;
    if (host.platform === 'windows') licences += host.cpu * perSecond;
  }
  const { spend } = cluster.tally;
  return {
    ...cluster,
    tally: {
      ...cluster.tally,
      ticks: cluster.tally.ticks + 1,
      served,
      spend: { hosts: spend.hosts + hosts, licences: spend.licences + licences, patching: spend.patching },
    },
  };
}
