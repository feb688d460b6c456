import type { Scenario } from './schema.ts';
import { LIMITS } from '../engine/limits.ts';
import { mergePhysics } from '../engine/physics.ts';
import { MAX_COMBINED_FACTOR, capacityPerReplica } from '../engine/topology.ts';

export interface ScenarioCost {
  /** Units of work; see scenarioCost. */
  readonly units: number;
  /** The figures behind `units`, as the author can read and change them. */
  readonly explanation: string;
  readonly hosts: number;
  readonly apps: number;
  readonly replicas: number;
  /** Instances a strategy may run at once: the replicas, scaled out for peak demand, capped per cluster. */
  readonly instances: number;
  readonly events: number;
  readonly durationS: number;
}

// Fixed costs, fitted to the bench (test/bench/scenario-cost.bench.ts) and named in what they add to.
/** Work each second beyond the apps' own (the clock, demand, billing), in apps. */
const EXTRA_APPS = 8;
/** Places to try beyond the hosts (the VMs the strategies create), in hosts. */
const EXTRA_HOSTS = 16;
/** Work per try beyond looking at each instance (the reducer, the refusal's sentence), in instances. */
const EXTRA_INSTANCES = 40;

/**
 * Above this, parseScenario refuses a scenario. At the limit the three reference strategies took
 * at most about 2 s of CPU together, on the development machine, for every shape the bench builds
 * (apps that fit nowhere, demand that swings, 200 host failures…); a cluster that changed every
 * single second, so that no failed placement is ever remembered, could take up to about 3.5 s.
 * The built-in scenarios use 5–20 % of it.
 */
export const SCENARIO_COST_LIMIT = 120_000_000;

/** The largest product of traffic spikes on one app that run at the same time. */
function peakSpike(scenario: Scenario, appId: string): number {
  const spikes = scenario.events.flatMap((e) => (e.type === 'trafficSpike' && e.appId === appId && e.factor > 1 ? [e] : []));
  let peak = 1;
  for (const s of spikes) {
    let factor = 1;
    // One second of slack either side: events fire on the first whole second at or after atS.
    for (const o of spikes) if (o.atS <= s.atS + 1 && s.atS < o.atS + o.durationS + 1) factor *= o.factor;
    peak = Math.max(peak, factor);
  }
  return Math.min(peak, MAX_COMBINED_FACTOR);
}

/**
 * What simulating a scenario costs, in units of work. The debrief runs three reference strategies
 * over the whole scenario. Each second each strategy may try every app that is short of replicas
 * on every host and VM, and each try looks at every instance; an event (a host failure, a patch
 * day) may make it place instances again. So the work grows as
 *
 *   (seconds × apps + events × instances / 2) × hosts × instances
 *
 * with the fixed costs above added to each factor. It is a bound, not an estimate: a scenario
 * where everything fits costs a fraction of it.
 */
export function scenarioCost(scenario: Scenario): ScenarioCost {
  const { hosts, apps, events, durationS } = scenario;
  const jitter = 1 + mergePhysics(scenario.physics).demandJitter;
  const replicas = apps.reduce((n, app) => n + app.replicas, 0);
  // The strategies scale out to meet demand, so a spike can mean more instances than replicas.
  const wanted = apps.reduce((n, app) => n + Math.max(app.replicas, Math.ceil((app.demand * peakSpike(scenario, app.id) * jitter) / capacityPerReplica(app))), 0);
  const instances = Math.min(LIMITS.instancesPerCluster, wanted);
  const rounds = durationS * (apps.length + EXTRA_APPS) + (events.length * instances) / 2;
  const units = Math.round(rounds * (hosts.length + EXTRA_HOSTS) * (instances + EXTRA_INSTANCES));
  const n = (x: number) => x.toLocaleString('en-GB');
  const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;
  const seconds = `${n(durationS)} s × (${plural(apps.length, 'app')} + ${EXTRA_APPS})`;
  const time = events.length ? `(${seconds} + ${plural(events.length, 'event')} × ${plural(instances, 'instance')} / 2)` : seconds;
  const cap = `a cluster holds at most ${LIMITS.instancesPerCluster}`;
  const why =
    wanted > instances
      ? wanted > replicas
        ? ` (of ${n(wanted)} wanted at peak demand; ${cap})`
        : ` (of ${plural(replicas, 'replica')}; ${cap})`
      : wanted > replicas
        ? ' (replicas scaled out for peak demand)'
        : '';
  const explanation = `${time} × (${plural(hosts.length, 'host')} + ${EXTRA_HOSTS}) × (${plural(instances, 'instance')}${why} + ${EXTRA_INSTANCES}) = ${n(units)}`;
  return { units, explanation, hosts: hosts.length, apps: apps.length, replicas, instances, events: events.length, durationS };
}

/** The problem to report for a scenario too big to simulate live, or null. */
export function costProblem(scenario: Scenario): string | null {
  const cost = scenarioCost(scenario);
  if (cost.units <= SCENARIO_COST_LIMIT) return null;
  return `too big to simulate live: ${cost.explanation}; the limit is ${SCENARIO_COST_LIMIT.toLocaleString('en-GB')} — use fewer hosts, apps, replicas, events or seconds`;
}
