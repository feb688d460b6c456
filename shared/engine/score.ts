import type { ClusterState, SimState } from './types.ts';
import { storageSpend } from './data.ts';

export interface AppScore {
  readonly appId: string;
  /** Share of its demand served so far, 0..1. */
  readonly availability: number;
  /** Points this app contributed to the availability score. */
  readonly points: number;
}

export interface IncidentScore {
  readonly seq: number;
  /** Points this incident cost (≤ 0). */
  readonly points: number;
}

export interface Score {
  /** Out of 1000: availability + cost + security. */
  readonly total: number;
  readonly availability: number;
  readonly cost: number;
  readonly security: number;
  /** Share of all demand served so far, 0..1. */
  readonly served: number;
  readonly spend: number;
  /** The budget for the time elapsed so far. */
  readonly budget: number;
  readonly apps: readonly AppScore[];
  readonly incidents: readonly IncidentScore[];
}

/**
 * Availability is the share of demand served, second by second. Cost and security points are
 * earned on the work actually served, so placing nothing scores nothing: a cluster that serves
 * half its demand can earn at most half of them. Work whose data was lost later is no longer
 * served (what users did in those seconds is gone), so a data loss costs all three.
 */
export function computeScore(state: SimState, cluster: ClusterState): Score {
  const { physics, scenario } = state;
  const { ticks, served, undone, spend: parts, securityPenalty } = cluster.tally;
  const weights = physics.scoreWeights;
  const nApps = scenario.apps.length;
  const perApp = scenario.apps.map((app, i) => (ticks > 0 ? Math.max(0, served[i]! - undone[i]!) / ticks : 0));
  const servedShare = perApp.reduce((a, b) => a + b, 0) / nApps;
  const spend = parts.hosts + parts.licences + parts.patching + storageSpend(state, cluster);
  const budget = (state.budget * ticks) / scenario.durationS;
  // Full marks within budget, falling in a straight line to nothing at costZeroAtBudgets times it
  // (see physics.ts for why the slope is gentle). Compared before dividing: spend over a tiny budget
  // would overflow to Infinity.
  const zeroAt = physics.costZeroAtBudgets;
  const costEfficiency = spend <= budget ? 1 : spend >= zeroAt * budget ? 0 : clamp01((zeroAt - spend / budget) / (zeroAt - 1));
  const securityShare = clamp01(1 - securityPenalty / 100);
  const availability = weights.availability * servedShare;
  const cost = weights.cost * servedShare * costEfficiency;
  const security = weights.security * servedShare * securityShare;
  // Points per unit of served work (one app's second): what undoing it costs, all three parts together.
  const perServed = ticks > 0 ? (weights.availability + weights.cost * costEfficiency + weights.security * securityShare) / (ticks * nApps) : 0;
  const lostWork = new Map<number, number>();
  for (const loss of cluster.dataLosses) if (loss.undone > 0) lostWork.set(loss.seq, (lostWork.get(loss.seq) ?? 0) + loss.undone);
  return {
    total: availability + cost + security,
    availability,
    cost,
    security,
    served: servedShare,
    spend,
    budget,
    apps: scenario.apps.map((app, i) => ({ appId: app.id, availability: perApp[i]!, points: (weights.availability * perApp[i]!) / nApps })),
    incidents: cluster.incidents
      .filter((inc) => inc.securityPenalty > 0 || lostWork.has(inc.seq))
      .map((inc) => ({ seq: inc.seq, points: -(weights.security * servedShare * inc.securityPenalty) / 100 - (lostWork.get(inc.seq) ?? 0) * perServed })),
  };
}

const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : x);
