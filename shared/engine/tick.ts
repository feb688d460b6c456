import type { ActiveEffect, ClusterState, FiredEvent, ScenarioEvent, SimState, StepResult } from './types.ts';
import { applyEventToCluster, runPatchQueue } from './events.ts';
import { draft, withIncident } from './incidents.ts';
import { nextRandom } from './prng.ts';
import { reject } from './rejection.ts';
import { clusterOf } from './state.ts';
import { MAX_COMBINED_FACTOR, clusterLoad, noisyFactors } from './topology.ts';

/** One simulated second for the whole room: fire due events, draw demand, run every cluster. */
export function tick(state: SimState): StepResult {
  if (state.phase !== 'running') {
    return { state, rejection: reject('not-running', null, `The clock only runs while the session is running (it is ${state.phase}).`), created: null };
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
    // Hundreds of overlapping spikes would multiply past Infinity.
    base = Math.min(base, app.demand * MAX_COMBINED_FACTOR);
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
  const entries: [string, ClusterState][] = [];
  for (const id of state.clusterOrder) {
    let cluster = clusterOf(state, id)!;
    if (!cluster.kicked) {
      cluster = runPatchQueue(mid, cluster, t);
      for (const { event } of due) cluster = applyEventToCluster(mid, cluster, event as ScenarioEvent);
      cluster = runSecond(mid, cluster, t, noisy);
    }
    entries.push([id, cluster]);
  }
  // fromEntries defines own properties: assigning `clusters['__proto__'] = …` would set the prototype.
  const clusters = Object.fromEntries(entries);
  const timeS = t + 1;
  return { state: { ...mid, clusters, timeS, phase: timeS >= scenario.durationS ? 'debrief' : 'running' }, rejection: null, created: null };
}

/** Serves this second's demand with what is up, and pays for what is powered. */
function runSecond(state: SimState, cluster: ClusterState, t: number, noisy: Map<string, number>): ClusterState {
  const { physics } = state;
  const load = clusterLoad(state, cluster, t, noisy);
  const served = cluster.tally.served.slice();
  for (let i = 0; i < served.length; i++) {
    const d = state.demand[i]!;
    const c = load.capacity[i]!;
    // With no demand an app is available if anything of it is up; otherwise, the share served.
    served[i]! += d <= 0 ? (c > 0 ? 1 : 0) : c >= d ? 1 : c / d;
  }

  const powered = new Set<string>();
  let licences = 0;
  const perSecond = physics.windowsLicencePerCoreHour / 3600;
  const windowsHosts = new Set<string>();
  for (const host of cluster.hosts) if (host.platform === 'windows') windowsHosts.add(host.id);
  for (const vm of cluster.vms) {
    powered.add(vm.hostId);
    // A Windows host licensed for all its cores covers its Windows guests (Datacenter-style).
    if (vm.guestOs === 'windows' && !windowsHosts.has(vm.hostId)) licences += vm.vcpu * perSecond;
  }
  for (const inst of cluster.instances) powered.add(inst.hostId);
  let hosts = 0;
  for (const host of cluster.hosts) {
    if (!powered.has(host.id)) continue;
    hosts += host.costPerHour / 3600;
    if (host.platform === 'windows') licences += host.cpu * perSecond;
  }
  const { spend } = cluster.tally;
  const next: ClusterState = {
    ...cluster,
    tally: {
      ...cluster.tally,
      ticks: cluster.tally.ticks + 1,
      served,
      spend: { hosts: spend.hosts + hosts, licences: spend.licences + licences, patching: spend.patching },
      stealAskedCoreS: (cluster.tally.stealAskedCoreS ?? 0) + load.stealAsked,
      stealLostCoreS: (cluster.tally.stealLostCoreS ?? 0) + load.stealLost,
    },
  };
  return overBudget(state, next, t);
}

/** Once a minute has passed, warn once when spending runs well over the budget for the time so far. */
function overBudget(state: SimState, cluster: ClusterState, t: number): ClusterState {
  const { ticks, spend } = cluster.tally;
  const budgetSoFar = (state.budget * ticks) / state.scenario.durationS;
  const total = spend.hosts + spend.licences + spend.patching;
  if (ticks < 60 || total <= OVER_BUDGET * budgetSoFar || cluster.incidents.some((i) => i.type === 'overBudget')) return cluster;
  const powered = cluster.hosts.filter((h) => cluster.vms.some((v) => v.hostId === h.id) || cluster.instances.some((i) => i.hostId === h.id)).length;
  // A budget of (almost) nothing makes the ratio meaningless, or Infinity.
  const times = total / budgetSoFar;
  const spending = times < 1000 ? `${times.toFixed(1)}× your budget so far` : 'far more than your budget so far';
  const message =
    `You are spending ${spending}, with ${powered} host${powered === 1 ? '' : 's'} switched on` +
    (spend.licences > 0 ? ` and ${Math.round((100 * spend.licences) / total)} % of it on Windows licences` : '') +
    '. Every host with anything on it costs money every second: pack more onto fewer hosts (containers need no guest OS) to cut the bill.';
  return withIncident(cluster, draft('overBudget', 'cost', t, [], message));
}

/** How far over the pro-rated budget spending may run before the cluster is told. */
const OVER_BUDGET = 1.25;
